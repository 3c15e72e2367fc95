// Independent units of a job (the rows of a loss landscape, the cells of a reduced landscape, a probe's checkpoints)
// spread over worker threads, as training spreads a full batch (train/pool.ts): TF.js's wasm backend runs one thread
// under Node, so without them a job uses one core. Each worker (worker/grid-worker.ts) is its own TF.js instance with
// its own model and data; it computes a unit exactly as the job's own thread does (the same code, the same backend),
// so the values do not depend on the thread count. The job's thread takes units too; units go to whichever thread is
// free, and each result is handed back as soon as it is known, in the order they finish. Cancel and failures end
// every worker at once.
import { Worker } from 'node:worker_threads';
import type { ExecutionSettings } from '../../../protocol/execution';
import { workerSpec } from '../../train/worker-spec';

/** At most this many grid workers by default: each holds its own copy of the model and the data. */
const MAX_DEFAULT_WORKERS = 7;
/** How often a job waiting on its workers looks at 'cancel'. */
const POLL_MS = 50;

export interface GridThreads {
  workers: number;
  why: string;
}

/**
 * Worker threads for a grid of `units` independent units on `backend`, besides the job's own thread: by default one
 * per core this job may use beyond the first, a fixed count when the host says so (GROKSCOPE_WORKERS), never more
 * than the units left over for them. Only wasm and cpu: the tensorflow backend threads on its own, and a GPU backend
 * has one device to share.
 */
export function chooseGridWorkers(threads: ExecutionSettings['threads'], backend: string, units: number): GridThreads {
  if (backend !== 'wasm' && backend !== 'cpu') return { workers: 0, why: `the ${backend} backend threads on its own` };
  const fit = (n: number) => Math.max(0, Math.min(n, units - 1));
  if ('cores' in threads) {
    const own = threads.cores;
    if (!Number.isInteger(own) || own < 1) throw new Error(`a job's cores must be a positive integer, got ${own}`);
    return { workers: fit(Math.min(MAX_DEFAULT_WORKERS, own - 1)), why: `${own} core${own === 1 ? '' : 's'} for this job` };
  }
  const n = threads.workers;
  if (!Number.isInteger(n) || n < 0) throw new Error(`GROKSCOPE_WORKERS must be a non-negative integer, got ${n}`);
  return { workers: fit(n), why: `GROKSCOPE_WORKERS=${n}` };
}

/** What a grid worker is told at start (structured-cloned); `job` is the kind's own setup (worker/grid-worker.ts). */
export interface GridWorkerInit {
  kind: 'landscape' | 'reduced' | 'probe';
  backend: 'wasm' | 'cpu';
  job: unknown;
}

/** Messages from a grid worker. */
export type FromGridWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: unknown }
  /** id null: the worker could not start */
  | { type: 'error'; id: number | null; message: string };

/** A unit for a worker. */
export interface ToGridWorker {
  id: number;
  task: unknown;
}

export interface Spread<T, R> {
  /** worker threads to start besides this one (chooseGridWorkers) */
  workers: number;
  init: Omit<GridWorkerInit, 'backend'> & { backend: string };
  /** runs on this thread once the workers are starting, before it takes units (the workers take units meanwhile) */
  first?: () => Promise<void>;
  /** computes a unit on this thread; it yields to the event loop now and then (so workers' answers and 'cancel' get in) */
  local(item: T): Promise<R>;
  /** a unit as a worker is sent it */
  task(item: T): unknown;
  /** a finished unit, from either side */
  done(item: T, result: R): void;
  cancelled(): boolean;
  /** the error to end with when cancelled */
  cancelError(): Error;
}

interface Member {
  worker: Worker;
  /** the unit it is computing */
  busy: { id: number; item: unknown } | null;
  ready: boolean;
}

/** Who computed a grid's units. */
export interface SpreadCounts {
  /** on the job's own thread */
  local: number;
  /** on worker threads */
  workers: number;
}

/**
 * Computes every item, spread over this thread and `workers` worker threads; resolves when all are done, with who
 * computed them. Rejects with the first failure, or with cancelError() once cancelled (units in progress are
 * abandoned).
 */
export async function spreadGrid<T, R>(items: T[], s: Spread<T, R>): Promise<SpreadCounts> {
  const counts: SpreadCounts = { local: 0, workers: 0 };
  const queue = [...items];
  const spec = s.workers > 0 && (s.init.backend === 'wasm' || s.init.backend === 'cpu') ? gridWorkerSpec() : null;
  const members: Member[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const poke = () => wake?.();
  let nextId = 0;
  /** set once the grid has ended: the workers' last events (their exits) change nothing */
  let closed = false;

  const give = (m: Member) => {
    if (failure || !m.ready || m.busy || s.cancelled()) return;
    const item = queue.shift();
    if (item === undefined) return;
    m.busy = { id: nextId++, item };
    m.worker.postMessage({ id: m.busy.id, task: s.task(item) } satisfies ToGridWorker);
  };
  /** a worker that could not start is left out: this thread (and the others) take its units */
  const drop = (m: Member) => {
    const at = members.indexOf(m);
    if (at < 0) return;
    members.splice(at, 1);
    void m.worker.terminate();
    if (m.busy) queue.unshift(m.busy.item as T);
    poke();
  };

  for (let w = 0; spec && w < s.workers; w++) {
    const worker = new Worker(spec.file, { eval: spec.eval, workerData: { ...s.init, ...spec.extra } });
    worker.unref(); // never keeps the process alive; the finally below ends it
    const m: Member = { worker, busy: null, ready: false };
    members.push(m);
    worker.on('message', (msg: FromGridWorker) => {
      if (closed) return;
      if (msg.type === 'ready') {
        m.ready = true;
        give(m);
      } else if (msg.type === 'error') {
        if (msg.id === null) drop(m);
        else failure ??= new Error(msg.message);
        poke();
      } else if (m.busy && msg.id === m.busy.id) {
        const item = m.busy.item as T;
        m.busy = null;
        counts.workers++;
        try {
          s.done(item, msg.result as R);
        } catch (e) {
          failure ??= e instanceof Error ? e : new Error(String(e));
        }
        give(m);
        poke();
      }
    });
    worker.on('error', (e) => {
      if (closed || !members.includes(m)) return;
      if (m.ready) failure ??= new Error(`a grid worker failed: ${e.message}`);
      else drop(m);
      poke();
    });
    worker.on('exit', (code) => {
      if (closed || !members.includes(m)) return;
      if (m.busy && m.ready) failure ??= new Error(`a grid worker stopped (exit code ${code})`);
      else drop(m);
      poke();
    });
  }

  try {
    await s.first?.();
    for (;;) {
      if (failure) throw failure;
      if (queue.length === 0 && !members.some((m) => m.busy)) break;
      if (s.cancelled()) throw s.cancelError();
      const item = queue.shift();
      if (item !== undefined) {
        s.done(item, await s.local(item));
        counts.local++;
        continue;
      }
      // this thread has nothing left: wait for the workers' last units (or a failure, or cancel)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, POLL_MS);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = null;
    }
    if (failure) throw failure;
    return counts;
  } finally {
    closed = true;
    for (const m of members) void m.worker.terminate();
  }
}

function gridWorkerSpec() {
  return workerSpec('grid-worker', new URL('../worker/grid-worker.ts', import.meta.url));
}

/** A grid's first progress line: how much of it a resumed grid has stored, or what it computes and on how many threads. */
export function gridStartText(done: number, total: number, units: string, what: string, workers: number): string {
  return done > 0 ? `resuming: ${done} of ${total} ${units} stored` : `${what}${workers > 0 ? ` on ${workers + 1} threads` : ''}`;
}
