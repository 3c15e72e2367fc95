// The runs.* use cases: create a run and queue it, list and read runs with their metrics, and pause, resume, cancel,
// delete or restore one. The scheduler owns the compute processes; this service checks what the caller asked for
// against the stored run first, so every refusal carries its API code.
import { ApiError } from '../../shared/api/contract';
import type { MetricSeries, RunDetail, RunSummary } from '../../shared/api/types';
import { formatProblem } from '../../shared/config/errors';
import { memoryProblem } from '../../shared/config/memory-estimate';
import { parseConfigText } from '../../shared/config/parse';
import type { Store } from '../store';
import type { RunOwner, RunRow } from '../store/runs-repo';
import type { EventBus } from './backend-api';
import type { RunScheduler } from './run-scheduler';
import type { RunWriter } from './run-writer';
import type { SweepExecutor } from './sweeps';
import { defaultRunName, toDetail } from './run-views';
import { RunSummaries } from './run-summaries';
import { WALL_TIME_METRIC } from '../../shared/runs/wall-time';
import { workerCellRefusal } from '../../shared/api/worker-cells';

export interface RunServiceOptions {
  store: Store;
  writer: RunWriter;
  events: EventBus;
  scheduler: RunScheduler;
  /** this process, recorded as the owner of the runs it creates */
  owner: RunOwner;
  /** the executor on Redis (`--redis`) whose workers train sweep cells instead of this process's scheduler */
  remoteSweeps?: Pick<SweepExecutor, 'continue'>;
}

export class RunService {
  constructor(private readonly o: RunServiceOptions) {}

  /** A damaged run (unreadable stored JSON) may only be shown, deleted or restored: `damagedOk` for those. */
  row(id: number, damagedOk = false): RunRow {
    const row = this.o.store.runs.get(id);
    if (!row) throw new ApiError('not_found', `no run with id ${id}`);
    if (row.damaged !== null && !damagedOk)
      throw new ApiError('conflict', `run ${id} is damaged (${row.damaged}); it can only be shown or deleted`);
    return row;
  }

  create(config: RunRow['config']): { id: number } {
    const { store, events, scheduler } = this.o;
    const tooBig = memoryProblem(config); // IPC and WebSocket configs skip validateRunConfig: refused here before any row
    if (tooBig) throw new ApiError('invalid_input', formatProblem(tooBig), [tooBig]);
    const id = store.runs.insert({
      name: config.name ?? defaultRunName(config),
      config,
      createdAt: new Date().toISOString(),
      owner: this.o.owner,
    });
    events.emit('runs.changed', { reason: 'created' });
    scheduler.emitStatus(id);
    scheduler.enqueue(id);
    return { id };
  }

  createFromFile(name: string, text: string): { id: number } {
    const r = parseConfigText(text, name);
    if (!r.ok) throw new ApiError('invalid_input', r.problems.map((p) => formatProblem(p, name)).join('\n'), r.problems);
    return this.create(r.config);
  }

  /** Summaries are remade only for rows changed since the last list (run-summaries.ts): treat them as read-only. */
  list(includeDeleted: boolean, withConfig = false): RunSummary[] {
    this.summaries ??= new RunSummaries(this.o.store);
    return this.summaries.list(includeDeleted, withConfig);
  }
  private summaries: RunSummaries | undefined;

  /** Replaces a run's tags and / or notes (a damaged run too: they are the researcher's, not the run's). */
  annotate(id: number, change: { tags?: string[]; notes?: string }): void {
    this.row(id, true);
    const tags = change.tags && [...new Set(change.tags)];
    this.o.store.runs.annotate(id, { ...change, ...(tags ? { tags } : {}) });
    this.o.events.emit('runs.changed', { reason: 'annotated' });
  }

  /** Adds and removes tags on many runs in one transaction; returns how many runs changed. */
  tag(ids: number[], add: string[], remove: string[]): number {
    const { store, events } = this.o;
    for (const id of ids) this.row(id, true);
    let changed = 0;
    store.db.transaction(() => {
      for (const id of ids) {
        const before = store.runs.get(id)!.tags;
        const after = [...new Set([...before.filter((t) => !remove.includes(t)), ...add])];
        if (after.length > 32) throw new ApiError('invalid_input', `run ${id} would have ${after.length} tags; at most 32`);
        if (after.join('\n') === before.join('\n')) continue;
        store.runs.annotate(id, { tags: after });
        changed++;
      }
    })();
    if (changed > 0) events.emit('runs.changed', { reason: 'tagged' });
    return changed;
  }

  get(id: number): RunDetail {
    const { store, writer } = this.o;
    writer.flush();
    return toDetail(this.row(id, true), store.checkpoints.list(id), store.analyses.latest(id, 'prediction')?.result ?? null);
  }

  metrics(id: number, names: string[] | undefined, maxPoints: number, full = false): MetricSeries[] {
    const { store, writer } = this.o;
    this.row(id);
    writer.flush(); // include points still in the write buffer
    // the wall-clock stamps only when named: they are when, not what, the run measured (a resumed run's differ)
    const wanted = names ?? store.metrics.names(id).filter((n) => n !== WALL_TIME_METRIC);
    return wanted.map((name): MetricSeries => {
      if (full) {
        const s = store.metrics.series(id, name);
        return { name, steps: s.steps, values: s.values, downsampled: false };
      }
      // min-max buckets that keep spikes; a long series is thinned inside SQLite (store/metrics-repo.ts)
      const d = store.metrics.downsampled(id, name, maxPoints);
      return { name, steps: d.steps, values: d.values, downsampled: d.downsampled };
    });
  }

  async pause(id: number): Promise<void> {
    const row = this.row(id);
    this.refuseOnWorker(row, 'pause');
    await this.o.scheduler.pause(row);
  }

  async resume(id: number): Promise<void> {
    const row = this.row(id);
    if (row.deletedAt !== null) throw new ApiError('conflict', `run ${id} is deleted; restore it first`);
    this.refuseOnWorker(row, 'resume');
    // a sweep cell of a coordinator goes back to the workers (from its checkpoint), not to this machine's pool
    if (this.o.remoteSweeps && row.sweepId !== null && !this.o.scheduler.isActive(id)) return this.o.remoteSweeps.continue(id);
    await this.o.scheduler.resume(row);
  }

  /** A sweep cell on a worker elsewhere (or queued for one) is out of this process's reach: say so, not that its
   *  process is gone (the scheduler's view of a run it does not train). */
  private refuseOnWorker(row: RunRow, action: 'pause' | 'resume'): void {
    if (this.o.scheduler.isActive(row.id)) return;
    const why = workerCellRefusal(row, action);
    if (why) throw new ApiError('conflict', why);
    if (this.o.remoteSweeps && row.sweepId !== null && row.status === 'queued')
      throw new ApiError('conflict', `run ${row.id} is a sweep cell waiting on the Redis queue for a worker; cancel it instead`);
  }

  async cancel(id: number): Promise<void> {
    await this.o.scheduler.cancel(this.row(id));
  }

  async delete(id: number): Promise<void> {
    const { store, events, scheduler } = this.o;
    const row = this.row(id, true);
    if (row.deletedAt !== null) return;
    store.runs.softDelete(id, new Date().toISOString());
    if (scheduler.isActive(id)) await scheduler.cancel(row);
    events.emit('runs.changed', { reason: 'deleted' });
  }

  restore(id: number): void {
    const row = this.row(id, true);
    if (row.deletedAt === null) return;
    this.o.store.runs.restore(id);
    this.o.events.emit('runs.changed', { reason: 'restored' });
  }
}
