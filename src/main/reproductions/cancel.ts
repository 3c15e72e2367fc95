// Cancelling a reproduction (issue 19): the context carries an AbortSignal. Once it fires, no further API call
// starts (every later step is skipped), the steps waiting on a run or a sweep cancel it through the API users call
// (steps.ts), and an analysis computing in a compute process (a Hessian probe, a reduced landscape) is stopped through
// its own cancel method. What finished stays stored: nothing is deleted.
import { ApiError, type MethodInput, type MethodName, type MethodOutput } from '../../shared/api/contract';
import type { ReproContext } from './types';

/** A reproduction stopped on request; not a failure (no outcome is stored, the end says "cancelled"). */
export class ReproCancelled extends Error {
  constructor(message = 'cancelled on request') {
    super(message);
    this.name = 'ReproCancelled';
  }
}

/** Methods that stop work: still called once cancelled (the steps use them to stop what they wait on). */
const STOPPERS: ReadonlySet<MethodName> = new Set(['runs.cancel', 'sweeps.cancel', 'analysis.cancelProbes', 'analysis.cancelLandscape']);

type Call = <M extends MethodName>(method: M, params: MethodInput<M>) => Promise<MethodOutput<M>>;

const stopProbes = (call: Call, id: number) => call('analysis.cancelProbes', { id });
const stopGrids = (call: Call, id: number) => call('analysis.cancelLandscape', { id });
/** Analyses that run as a compute job of a run, and how to stop that run's job. */
const JOB_STOPPER: Partial<Record<MethodName, (call: Call, id: number) => Promise<unknown>>> = {
  'analysis.hessian': stopProbes,
  'analysis.id': stopProbes,
  'analysis.landscape': stopGrids,
  'analysis.reduced': stopGrids,
};

/** A reproduction's context whose calls obey `signal` (the service and the CLI both build theirs with it). */
export function cancellableContext(call: Call, progress: (message: string) => void, signal: AbortSignal): ReproContext {
  const guarded: Call = async (method, params) => {
    if (signal.aborted && !STOPPERS.has(method)) throw new ReproCancelled();
    const stopper = JOB_STOPPER[method];
    if (!stopper) return call(method, params);
    const id = (params as { id: number }).id;
    const stop = () => void stopper(call, id).catch(() => undefined); // the job may have ended meanwhile
    signal.addEventListener('abort', stop, { once: true });
    try {
      return await call(method, params);
    } catch (e) {
      // the job's own "was cancelled" error is the cancel asked for here
      if (signal.aborted) throw new ReproCancelled();
      throw e;
    } finally {
      signal.removeEventListener('abort', stop);
    }
  };
  return { call: guarded, progress, signal };
}

/**
 * Runs a step's wait; when the reproduction is cancelled meanwhile, stops what the step waits on with `stop` (a run's
 * or a sweep's cancel) and throws ReproCancelled. A `conflict` from `stop` means it had ended by itself: nothing to stop.
 */
export async function stoppingOnCancel<T>(signal: AbortSignal, stop: () => Promise<unknown>, wait: () => Promise<T>): Promise<T> {
  try {
    return await wait();
  } catch (e) {
    if (!signal.aborted) throw e;
    await stop().catch((s: unknown) => {
      if (!(s instanceof ApiError && s.code === 'conflict')) throw s;
    });
    throw new ReproCancelled();
  }
}

/** Waits `ms`, or less when the signal fires; then throws if it has. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      if (signal.aborted) reject(new ReproCancelled());
      else resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    if (signal.aborted) done();
  });
}
