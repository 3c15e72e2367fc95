// The reproductions as a service (issue 19): the Reproductions page lists them with the last stored outcome of each
// size and runs one in the back end, its progress and end pushed as 'repro.progress' and 'repro.done'; a running one
// can be cancelled (repro.cancel: what it trains is cancelled, nothing is stored). An outcome is
// kept in the analyses table as kind 'reproduction' of its first run, so it lives and dies with the runs it judged
// (the CLI's `grokscope reproduce` stores its outcomes the same way).
import { ApiError, type ApiHandlers, type MethodInput, type MethodName, type MethodOutput } from '../../shared/api/contract';
import { dispatch } from '../../shared/api/dispatch';
import type { ReproDone, ReproEntry, ReproOutcome, ReproRunning } from '../../shared/api/reproductions';
import { cancellableContext } from '../reproductions/cancel';
import { REPRODUCTIONS, reproductionNamed } from '../reproductions/registry';
import { runReproduction } from '../reproductions/run';
import type { Reproduction } from '../reproductions/types';
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

/** A reproduction running here: what the page lists, the cancel of its context, and its end (done sent). */
interface Running {
  state: ReproRunning;
  abort: AbortController;
  ended: Promise<void>;
  progress: (message: string) => void;
}

export class ReproService {
  private readonly running = new Map<string, Running>();
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
      running: this.running.get(r.name)?.state ?? null,
    }));
  }

  /** Starts a reproduction; it runs on after the call returns. One at a time per name. */
  start(name: string, quick: boolean): { started: true } {
    const r = this.named(name);
    if (this.closed) throw new ApiError('conflict', 'the back end is closing');
    if (this.running.has(name)) throw new ApiError('conflict', `${name} is already running`);
    const state: ReproRunning = { name, quick, startedAt: new Date().toISOString(), lines: [], cancelling: false };
    const abort = new AbortController();
    const { events } = this.deps;
    const progress = (message: string) => {
      if (this.closed) return;
      state.lines.push(message);
      if (state.lines.length > KEEP_LINES) state.lines.shift();
      events.emit('repro.progress', { name, quick, message });
    };
    const ctx = cancellableContext((m, p) => this.call(m, p), progress, abort.signal);
    const done = (d: Omit<ReproDone, 'name' | 'quick'>) => {
      this.running.delete(name);
      if (!this.closed) events.emit('repro.done', { name, quick, ...d });
    };
    const ended = runReproduction(r, ctx, quick).then(
      (o) => {
        // a cancel asked as it finished still stores nothing: the page was told it would stop
        if (abort.signal.aborted) return done({ outcome: null, error: null, cancelled: true });
        if (this.closed) return done({ outcome: null, error: null, cancelled: false });
        try {
          done({ outcome: saveReproOutcome(this.deps.store, o), error: null, cancelled: false });
        } catch (e) {
          // a store that cannot write: said on the page, not an unhandled rejection (nobody awaits this but cancel)
          done({ outcome: null, error: `could not store the outcome: ${e instanceof Error ? e.message : String(e)}`, cancelled: false });
        }
      },
      (e: unknown) =>
        abort.signal.aborted
          ? done({ outcome: null, error: null, cancelled: true })
          : done({ outcome: null, error: e instanceof Error ? e.message : String(e), cancelled: false }),
    );
    this.running.set(name, { state, abort, ended, progress });
    return { started: true };
  }

  /**
   * Cancels a running reproduction (see reproductions/cancel.ts) and resolves once it has stopped, its run or sweep
   * cancelled and 'repro.done' sent. The runs it finished stay stored.
   */
  async cancel(name: string): Promise<{ cancelled: true }> {
    this.named(name);
    const run = this.running.get(name);
    if (!run) throw new ApiError('conflict', `${name} is not running; there is nothing to cancel`);
    if (run.state.cancelling) throw new ApiError('conflict', `${name} is already being cancelled`);
    run.state.cancelling = true;
    run.progress('cancelling: stopping what it trains');
    run.abort.abort();
    await run.ended;
    return { cancelled: true };
  }

  /** After this, running reproductions end silently (their runs are interrupted as the back end closes). */
  close(): void {
    this.closed = true;
  }

  private named(name: string): Reproduction {
    const r = reproductionNamed(name);
    if (!r)
      throw new ApiError(
        'not_found',
        `no reproduction named ${JSON.stringify(name)}; one of ${REPRODUCTIONS.map((x) => x.name).join(', ')}`,
      );
    return r;
  }

  private async call<M extends MethodName>(method: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
    const r = await dispatch(this.deps.handlers(), method, params);
    if (!r.ok) throw new ApiError(r.error.code, r.error.message, r.error.problems);
    return r.result as MethodOutput<M>;
  }
}
