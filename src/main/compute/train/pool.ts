// Data parallelism for full-batch steps. TF.js's wasm backend runs one thread under Node, so a second core idles
// while it trains. The pool splits the training rows: the trainer thread takes the first share, each worker thread
// (its own TF.js wasm instance, grad-worker.ts) the next ones; every step the trainer writes the parameters to shared
// memory, wakes the workers, computes its own share, waits, and combines the loss and gradient sums weighted by
// rows. The result equals the single-thread step up to float32 summation order. On by default (chooseWorkers). Table
// tasks and the Omnigrok sample tasks alike: a batch is the trainer's (one-hot tokens, or a SampleBatch's dense rows,
// tokens or graphs), and the loss of a share is the mean over its rows either way.
import * as tf from '@tensorflow/tfjs-core';
import { onDevice } from '../engine/backend';
import { Worker } from 'node:worker_threads';
import type { RunConfig } from '../../../shared/config/run-config';
import type { ExecutionSettings } from '../../protocol/execution';
import { disposeSampleBatch } from '../tasks/sample-tensors';
import { workerSpec } from './worker-spec';
import type { Batch } from './data';
import type { BatchGrads } from './step-grads';
import { CTRL, readError, sharedBytes, sharedViews, waitUntil, type SharedViews, type WorkerInit } from './pool-shared';

/** How long a worker may take to start (compile wasm, build its rows) or to answer one request. */
const WAIT_MS = 120_000;

export interface PoolChoice {
  workers: number;
  why: string;
}

/** At most this many gradient workers by default: each is its own TF.js instance with its own copy of the rows. */
const MAX_DEFAULT_WORKERS = 7;
/** By default, smaller training sets train on one thread: waking a worker would cost about what its share saves. */
const MIN_ROWS_TO_SPLIT = 1024;

/**
 * How many worker threads to use for full-batch training on the wasm or cpu backend (the tensorflow backend threads
 * on its own; minibatches are not split). A fixed count when the host says so (GROKSCOPE_WORKERS); by default one
 * thread per core this run may use, as PyTorch uses every core: the run scheduler divides the machine's cores among
 * the runs it keeps busy, so a sweep's parallel cells do not oversubscribe them.
 */
export function chooseWorkers(config: RunConfig, backend: string, trainRows: number, threads: ExecutionSettings['threads']): PoolChoice {
  const fullBatch = config.training.batchSize === 'full' || config.training.batchSize >= trainRows;
  if (!fullBatch) return { workers: 0, why: 'minibatches are not split over workers' };
  if (onDevice(backend)) return { workers: 0, why: `the ${backend} backend runs the whole step on the GPU` };
  if (backend !== 'wasm' && backend !== 'cpu') return { workers: 0, why: `the ${backend} backend threads on its own` };
  // every share keeps at least two rows
  const fit = (n: number): number => Math.min(n, Math.max(0, Math.floor(trainRows / 2) - 1));
  if ('cores' in threads) {
    const own = threads.cores;
    if (!Number.isInteger(own) || own < 1) throw new Error(`a run's cores must be a positive integer, got ${own}`);
    if (own > 1 && trainRows < MIN_ROWS_TO_SPLIT) return { workers: 0, why: `default: ${trainRows} training rows are too few to split` };
    return { workers: fit(Math.min(MAX_DEFAULT_WORKERS, own - 1)), why: `default: ${own} core${own === 1 ? '' : 's'} for this run` };
  }
  const n = threads.workers;
  if (!Number.isInteger(n) || n < 0) throw new Error(`GROKSCOPE_WORKERS must be a non-negative integer, got ${n}`);
  return { workers: fit(n), why: `GROKSCOPE_WORKERS=${n}` };
}

interface Member {
  worker: Worker;
  views: SharedViews;
  rows: number;
}

export class GradientPool {
  private readonly members: Member[];
  private ready = false;
  private request = 0;

  private constructor(
    members: Member[],
    /** the trainer thread's own rows: the first `rows` of the training set */
    readonly own: Batch,
    readonly totalRows: number,
    private readonly paramCount: number,
  ) {
    this.members = members;
  }

  /**
   * Starts `workers` workers over the rows after the trainer's own share; null when the worker module cannot be
   * found (e.g. a bundle built without it). `encodeOwn(n)` encodes the trainer's share, rows [0, n).
   */
  static start(
    config: RunConfig,
    backend: 'wasm' | 'cpu',
    workers: number,
    totalRows: number,
    paramCount: number,
    encodeOwn: (rows: number) => Batch,
    mlpKernel = true,
  ): GradientPool | null {
    const spec = workerSpec('grad-worker', new URL('./grad-worker.ts', import.meta.url));
    if (!spec || workers < 1) return null;
    const shares = workers + 1;
    const bounds = Array.from({ length: shares + 1 }, (_, i) => Math.round((i * totalRows) / shares));
    const members: Member[] = [];
    for (let w = 1; w < shares; w++) {
      const sab = new SharedArrayBuffer(sharedBytes(paramCount));
      const init: WorkerInit = { config, backend, from: bounds[w]!, to: bounds[w + 1]!, paramCount, sab, mlpKernel };
      const worker = new Worker(spec.file, { eval: spec.eval, workerData: { ...init, ...spec.extra } });
      worker.unref(); // never keeps the process alive; dispose() ends it
      worker.on('error', () => undefined); // failures are reported through shared memory (the trainer is blocked)
      members.push({ worker, views: sharedViews(sab, paramCount), rows: bounds[w + 1]! - bounds[w]! });
    }
    return new GradientPool(members, encodeOwn(bounds[1]!), totalRows, paramCount);
  }

  /**
   * Resolves once every worker has started; rejects naming why one could not. Unlike waitReady it keeps the event
   * loop running, so a worker whose script cannot even load (its 'error' and 'exit' events) fails at once, not after
   * the timeout.
   */
  whenReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + WAIT_MS;
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        reject(new Error(why));
      };
      for (const m of this.members) {
        m.worker.once('error', (e) => fail(`gradient worker failed to start: ${e.message}`));
        m.worker.once('exit', (code) => fail(`gradient worker exited with code ${code} before it started`));
      }
      const poll = () => {
        if (settled) return;
        const states = this.members.map((m) => Atomics.load(m.views.ctrl, CTRL.state));
        const failed = states.indexOf(-1);
        if (failed >= 0) return fail(`gradient worker failed to start: ${readError(this.members[failed]!.views)}`);
        if (states.every((x) => x === 1)) {
          settled = true;
          this.ready = true;
          return resolve();
        }
        if (Date.now() > deadline) return fail(`gradient worker did not start within ${WAIT_MS / 1000} s`);
        setTimeout(poll, 5);
      };
      poll();
    });
  }

  /** Blocks until every worker has started; throws naming why one could not. */
  waitReady(): void {
    if (this.ready) return;
    for (const m of this.members) {
      const r = Atomics.wait(m.views.ctrl, CTRL.state, 0, WAIT_MS);
      const state = Atomics.load(m.views.ctrl, CTRL.state);
      if (state === -1) throw new Error(`gradient worker failed to start: ${readError(m.views)}`);
      if (r === 'timed-out' && state !== 1) throw new Error(`gradient worker did not start within ${WAIT_MS / 1000} s`);
    }
    this.ready = true;
  }

  /**
   * The full-batch mean loss and its gradients (by variable name), as `share` would give them for every training
   * row at once. `share(batch)` gives a batch's mean loss and gradients (train/step-grads).
   */
  valueAndGrads(share: BatchGrads, vars: tf.Variable[]): { value: tf.Scalar; grads: tf.NamedTensorMap } {
    this.waitReady();
    // parameters out to every worker, then wake them
    const flat = new Float32Array(this.paramCount);
    let at = 0;
    for (const v of vars) {
      flat.set(v.dataSync() as Float32Array, at);
      at += v.size;
    }
    this.request += 1;
    for (const m of this.members) {
      m.views.params.set(flat);
      Atomics.store(m.views.ctrl, CTRL.request, this.request);
      Atomics.notify(m.views.ctrl, CTRL.request);
    }
    const n = this.totalRows;
    const ownRows = this.own.input.batch;
    const { value, grads } = share(this.own);
    for (const m of this.members) {
      if (!waitUntil(m.views.ctrl, CTRL.done, this.request, WAIT_MS))
        throw new Error(`gradient worker did not answer within ${WAIT_MS / 1000} s`);
      if (Atomics.load(m.views.ctrl, CTRL.state) === -1) throw new Error(`gradient worker failed: ${readError(m.views)}`);
    }
    // Σ over all rows = ownRows·(own mean) + the workers' sums; then the mean over n rows
    const sums = this.members.length === 1 ? this.members[0]!.views.grads : sumOf(this.members.map((m) => m.views.grads));
    let lossSum = value.dataSync()[0]! * ownRows;
    lossSum += sums[this.paramCount]!;
    at = 0;
    const combined: tf.NamedTensorMap = {};
    for (const v of vars) {
      const other = tf.tensor(sums.slice(at, at + v.size), v.shape);
      at += v.size;
      combined[v.name] = tf.div(tf.add(tf.mul(grads[v.name]!, ownRows), other), n);
    }
    return { value: tf.scalar(lossSum / n), grads: combined };
  }

  dispose(): void {
    for (const m of this.members) {
      Atomics.store(m.views.ctrl, CTRL.request, -1);
      Atomics.notify(m.views.ctrl, CTRL.request);
      void m.worker.terminate();
    }
    disposeSampleBatch(this.own); // a table batch's tensors, and a sample batch's features or graphs
  }
}

/**
 * A pool for this run when chooseWorkers says so (null otherwise), and how the step is threaded, in words, for the
 * run's backend notes: the thread count changes float32 summation order, so a researcher comparing two runs needs it.
 * `encodeOwn(n)` encodes training rows [0, n). The workers are still starting: GradientPool.whenReady (the
 * trainer's startThreads) or the first step waits for them.
 */
export function startGradientPool(
  config: RunConfig,
  trainRows: number,
  paramCount: number,
  encodeOwn: (rows: number) => Batch,
  execution: ExecutionSettings,
): { pool: GradientPool | null; note: string } {
  const backend = tf.getBackend();
  const { workers, why } = chooseWorkers(config, backend, trainRows, execution.threads);
  if (backend !== 'wasm' && backend !== 'cpu') return { pool: null, note: `training step: ${why}` };
  if (workers < 1) return { pool: null, note: oneThread(why) };
  const pool = GradientPool.start(config, backend, workers, trainRows, paramCount, encodeOwn, execution.mlpKernel);
  if (!pool) return { pool: null, note: oneThread(`${why} asked for workers, but the gradient worker module was not found`) };
  return {
    pool,
    note: `training step: rows split over ${workers + 1} threads (${workers} gradient worker${workers === 1 ? '' : 's'}, ${why})`,
  };
}

/** The note of a step on one thread, and why. */
export function oneThread(why: string): string {
  return `training step: one thread (${why})`;
}

function sumOf(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts[0]!.length);
  for (const p of parts) for (let i = 0; i < out.length; i++) out[i]! += p[i]!;
  return out;
}
