// The reproductions as a service (issue 19): the Reproductions page lists them with the last stored outcome of each
// size and runs one in the back end, its progress and end pushed as 'repro.progress' and 'repro.done'. An outcome is
// kept in the analyses table as kind 'reproduction' of its first run, so it lives and dies with the runs it judged
// (the CLI's `grokscope reproduce` stores its outcomes the same way).
import { ApiError, type ApiHandlers, type MethodInput, type MethodName, type MethodOutput } from '../../shared/api/contract';
import { dispatch } from '../../shared/api/dispatch';
import type { ReproEntry, ReproOutcome, ReproRunning } from '../../shared/api/reproductions';
import { REPRODUCTIONS, reproductionNamed } from '../reproductions/registry';
import { runReproduction } from '../reproductions/run';
import type { ReproContext } from '../reproductions/types';
import type { Store } from '../store';
import type { EventBus } from './backend-api';

export const REPRO_KIND = 'reproduction';
/** progress lines kept per running reproduction (the page shows the last few) */
const KEEP_LINES = 20;

/** Stores an outcome with the time it finished; an outcome without runs (nothing ran) is not kept. */
export function saveReproOutcome(store: Store, o: ReproOutcome, at = new Date().toISOString()): ReproOutcome {
  const stored = { ...o, finishedAt: at };
  const first = o.runIds[0];
  if (first !== undefined) store.analyses.save(first, REPRO_KIND, { name: o.name, quick: o.quick }, stored, at);
  return stored;
}

/** The newest stored outcome of each reproduction and size, by name then 'quick' | 'full'. */
export function lastReproOutcomes(store: Store): Map<string, { quick: ReproOutcome | null; full: ReproOutcome | null }> {
  const out = new Map<string, { quick: ReproOutcome | null; full: ReproOutcome | null }>();
  for (const [runId, result] of store.analyses.latestResults(REPRO_KIND)) {
    const run = store.runs.get(runId);
    if (!run || run.deletedAt) continue;
    const o = result as ReproOutcome;
    const slot = out.get(o.name) ?? { quick: null, full: null };
    const size = o.quick ? 'quick' : 'full';
    const prev = slot[size];
    if (!prev || (o.finishedAt ?? '') > (prev.finishedAt ?? '')) slot[size] = o;
    out.set(o.name, slot);
  }
  return out;
}

export class ReproService {
  private readonly running = new Map<string, ReproRunning>();
  private closed = false;

  constructor(
    private readonly deps: {
      store: Store;
      events: EventBus;
      /** the back end's handlers (called through dispatch, as the CLI calls them) */
      handlers: () => ApiHandlers;
    },
  ) {}

  list(): ReproEntry[] {
    const last = lastReproOutcomes(this.deps.store);
    return REPRODUCTIONS.map((r) => ({
      name: r.name,
      source: r.source,
      title: r.title,
      claim: r.claim,
      criterion: r.criterion,
      last: last.get(r.name) ?? { quick: null, full: null },
      running: this.running.get(r.name) ?? null,
    }));
  }

  /** Starts a reproduction; it runs on after the call returns. One at a time per name. */
  start(name: string, quick: boolean): { started: true } {
    const r = reproductionNamed(name);
    if (!r)
      throw new ApiError(
        'not_found',
        `no reproduction named ${JSON.stringify(name)}; one of ${REPRODUCTIONS.map((x) => x.name).join(', ')}`,
      );
    if (this.closed) throw new ApiError('conflict', 'the back end is closing');
    if (this.running.has(name)) throw new ApiError('conflict', `${name} is already running`);
    const state: ReproRunning = { name, quick, startedAt: new Date().toISOString(), lines: [] };
    this.running.set(name, state);
    const { events } = this.deps;
    const ctx: ReproContext = {
      call: <M extends MethodName>(m: M, p: MethodInput<M>) => this.call(m, p),
      progress: (message) => {
        if (this.closed) return;
        state.lines.push(message);
        if (state.lines.length > KEEP_LINES) state.lines.shift();
        events.emit('repro.progress', { name, quick, message });
      },
    };
    void runReproduction(r, ctx, quick).then(
      (o) => {
        this.running.delete(name);
        if (this.closed) return;
        const stored = saveReproOutcome(this.deps.store, o);
        events.emit('repro.done', { name, quick, outcome: stored, error: null });
      },
      (e: unknown) => {
        this.running.delete(name);
        if (this.closed) return;
        events.emit('repro.done', { name, quick, outcome: null, error: e instanceof Error ? e.message : String(e) });
      },
    );
    return { started: true };
  }

  /** After this, running reproductions end silently (their runs are interrupted as the back end closes). */
  close(): void {
    this.closed = true;
  }

  private async call<M extends MethodName>(method: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
    const r = await dispatch(this.deps.handlers(), method, params);
    if (!r.ok) throw new ApiError(r.error.code, r.error.message, r.error.problems);
    return r.result as MethodOutput<M>;
  }
}
