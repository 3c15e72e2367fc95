// The single writer of training data. Metrics from every compute process are buffered and written in one
// transaction at most `flushMs` apart (and at every status change), together with each run's step, phases and final
// metrics; one transaction per 250 ms instead of one per point keeps SQLite's fsyncs off the training's critical path.
import { computePhases, EMPTY_PHASES } from '../../shared/analysis/phases';
import type { Phases } from '../../shared/api/types';
import type { Store, MetricRow, FinalMetrics } from '../store';

interface Progress {
  step: number;
  phases: Phases;
  final: FinalMetrics;
  finalStep: number;
  dirty: boolean;
}

const EMPTY_FINAL: FinalMetrics = { trainLoss: null, trainAcc: null, valLoss: null, valAcc: null };
const FINAL_KEYS: Record<string, keyof FinalMetrics> = {
  train_loss: 'trainLoss',
  train_acc: 'trainAcc',
  val_loss: 'valLoss',
  val_acc: 'valAcc',
};

const seriesOf = (rows: readonly MetricRow[], name: string) => {
  const pts = rows.filter((r) => r[0] === name).sort((a, b) => a[1] - b[1]);
  return pts.length ? { steps: pts.map((p) => p[1]), values: pts.map((p) => p[2]) } : undefined;
};

export interface RunWriterOptions {
  flushMs?: number;
  /** called after each committed flush with the number of metric rows written */
  onFlush?: (rows: number) => void;
  /** a timed flush failed (e.g. the disk is full); its rows stay buffered for the next try */
  onError?: (e: unknown) => void;
}

/** Told which runs' rows a timed flush could not write, and why (the scheduler fails those runs). */
export type RunStoreFailure = (runId: number, e: unknown) => void;

export class RunWriter {
  private pending = new Map<number, MetricRow[]>();
  private progress = new Map<number, Progress>();
  private timer: NodeJS.Timeout | null = null;
  private readonly flushMs: number;
  private readonly failureListeners: RunStoreFailure[] = [];

  constructor(
    private readonly store: Store,
    private readonly opts: RunWriterOptions = {},
  ) {
    this.flushMs = opts.flushMs ?? 250;
  }

  /** Starts tracking a run, continuing from what its row already holds (a resumed run keeps its phases). */
  begin(runId: number): void {
    const row = this.store.runs.get(runId);
    this.progress.set(runId, {
      step: row?.step ?? 0,
      phases: row?.phases ? { ...row.phases } : { ...EMPTY_PHASES },
      final: row?.final ? { ...row.final } : { ...EMPTY_FINAL },
      finalStep: -1,
      dirty: false,
    });
  }

  /** Recomputes a run's phases and final metrics from its stored series (after stored points were dropped). */
  recompute(runId: number): void {
    this.flush();
    const m = this.store.metrics;
    const train = m.series(runId, 'train_acc');
    const val = m.series(runId, 'val_acc');
    const final = { ...EMPTY_FINAL };
    for (const [name, key] of Object.entries(FINAL_KEYS)) {
      const s = m.series(runId, name);
      final[key] = s.values.length ? s.values[s.values.length - 1]! : null;
    }
    const steps = [...train.steps, ...val.steps];
    const p: Progress = {
      step: steps.length ? Math.max(...steps) : 0,
      phases: computePhases(train, val),
      final,
      finalStep: -1,
      dirty: true,
    };
    this.progress.set(runId, p);
    this.flush();
  }

  phases(runId: number): Phases | null {
    return this.progress.get(runId)?.phases ?? null;
  }

  step(runId: number): number | null {
    return this.progress.get(runId)?.step ?? null;
  }

  /** Buffers one evaluation's rows; written by the next flush (≤ flushMs later). */
  add(runId: number, step: number, rows: readonly MetricRow[]): void {
    if (!this.progress.has(runId)) this.begin(runId);
    const p = this.progress.get(runId)!;
    let buf = this.pending.get(runId);
    if (!buf) this.pending.set(runId, (buf = []));
    for (const r of rows) buf.push(r);

    // Phases are "first step where ...": merging the batch's first hits into the earlier ones equals computePhases on
    // the whole series, because batches arrive in step order.
    const batch = computePhases(seriesOf(rows, 'train_acc'), seriesOf(rows, 'val_acc'));
    for (const k of Object.keys(batch) as (keyof Phases)[]) if (p.phases[k] === null) p.phases[k] = batch[k];
    for (const [name, s, v] of rows) {
      const key = FINAL_KEYS[name];
      if (key && s >= p.finalStep) p.final[key] = Number.isNaN(v) ? null : v;
    }
    p.finalStep = Math.max(p.finalStep, ...rows.filter((r) => FINAL_KEYS[r[0]]).map((r) => r[1]));
    p.step = Math.max(p.step, step);
    p.dirty = true;

    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        let failures: Map<number, unknown>;
        try {
          failures = this.write();
        } catch (e) {
          failures = new Map([[-1, e]]);
        }
        if (failures.size === 0) return;
        // With listeners (the scheduler), each run whose rows cannot be written is failed there, with the reason,
        // instead of buffering its points in memory for ever while the disk stays full.
        if (this.failureListeners.length > 0 && !failures.has(-1))
          for (const [id, e] of failures) for (const l of this.failureListeners) l(id, e);
        else (this.opts.onError ?? ((err) => console.error('writing metrics failed:', err)))(failures.values().next().value);
      }, this.flushMs);
      this.timer.unref();
    }
  }

  /** Calls `l` for each run whose rows a timed flush could not store. */
  onRunStoreFailure(l: RunStoreFailure): void {
    this.failureListeners.push(l);
  }

  /** Writes everything buffered in one transaction; throws the first failure (failed runs' rows stay buffered). */
  flush(): void {
    const failures = this.write();
    if (failures.size > 0) throw failures.values().next().value;
  }

  /** Writes everything buffered; returns the runs whose rows could not be written, with why. */
  private write(): Map<number, unknown> {
    const failures = new Map<number, unknown>();
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.store.db.open) return failures;
    const dirty = new Set([...this.progress].filter(([, p]) => p.dirty).map(([id]) => id));
    if (this.pending.size === 0 && dirty.size === 0) return failures;
    const pending = this.pending;
    this.pending = new Map();
    const write = (runIds: Iterable<number>) =>
      this.store.db.transaction(() => {
        let n = 0;
        for (const runId of runIds) {
          const rows = pending.get(runId);
          if (rows) {
            this.store.metrics.insert(runId, rows);
            n += rows.length;
          }
          const p = this.progress.get(runId);
          if (p?.dirty) this.store.runs.setProgress(runId, p.step, p.phases, p.final);
        }
        return n;
      })();
    const all = new Set([...pending.keys(), ...dirty]);
    let n = 0;
    try {
      n = write(all);
      for (const id of all) this.markClean(id);
    } catch (e) {
      // One run's rows must not hold back the others': retry run by run, keep only what still fails buffered.
      for (const id of all) {
        try {
          n += write([id]);
          this.markClean(id);
        } catch (err) {
          failures.set(id, err);
          const rows = pending.get(id);
          if (rows) this.pending.set(id, [...rows, ...(this.pending.get(id) ?? [])]);
        }
      }
    }
    if (n > 0) this.opts.onFlush?.(n);
    return failures;
  }

  private markClean(runId: number): void {
    const p = this.progress.get(runId);
    if (p) p.dirty = false;
  }

  /**
   * Flushes and stops tracking a run. Never throws: rows of this run that cannot be written are dropped and the
   * reason returned, so the run's final status can still be recorded (and say so).
   */
  end(runId: number): string | null {
    let problem: string | null = null;
    try {
      this.flush();
    } catch (e) {
      if (this.pending.has(runId)) {
        problem = `${this.pending.get(runId)!.length} metric points could not be stored: ${(e as Error).message}`;
        this.pending.delete(runId);
      }
    }
    this.progress.delete(runId);
    return problem;
  }

  close(): void {
    try {
      this.flush();
    } catch (e) {
      (this.opts.onError ?? ((err) => console.error('writing metrics failed:', err)))(e);
    }
    this.pending.clear();
    this.progress.clear();
  }
}
