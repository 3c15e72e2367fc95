// A probe job in a compute process: the Hessian's extreme eigenvalues or the per-layer intrinsic dimension at each
// of a run's checkpoints. The checkpoints are spread over the job's threads (grid/pool); results stream back one
// checkpoint at a time; `control.cancelled` is checked between Hessian-vector products and between layers (the job
// yields to the event loop there, so a 'cancel' message gets through).
import * as tf from '@tensorflow/tfjs-core';
import { intrinsicDimension } from '../../../shared/analysis/intrinsic-dim';
import { hessianExtremes } from '../../../shared/analysis/lanczos';
import type { HessianPoint, IdLayerPoint } from '../../../shared/api/types';
import { ONE_THREAD } from '../../protocol/execution';
import type { ProbeCheckpoint, ProbeRequest, ProbeResultPoint } from '../../protocol/jobs';
import { chooseGridWorkers, spreadGrid, type SpreadCounts } from './grid/pool';
import { probeLoss } from './second-order-grads';
import { layerActivations } from './activations';
import { LossHessian, type ChunkedLoss } from './hessian';
import { buildProbeModel, type ProbeModel } from './model-at';

export interface ProbeSink {
  /** once, before the first checkpoint */
  info(dim: number, excluded: string[]): void;
  progress(done: number, total: number, message: string): void;
  point(p: ProbeResultPoint): void;
}

export class ProbeCancelled extends Error {
  constructor() {
    super('probe cancelled');
  }
}

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The run's training loss over the whole training set, chunked; the caller disposes the batches. */
function trainingLoss(pm: ProbeModel): { loss: ChunkedLoss; dispose(): void } {
  const chunks = [...pm.chunksOf('train')];
  const total = chunks.reduce((n, c) => n + c.rows, 0);
  return {
    loss: {
      forEachChunk(f) {
        for (const c of chunks) f(() => probeLoss(pm.config.loss, pm.model.forward(c.batch.input), c.batch.targets), c.rows / total);
      },
    },
    dispose: () => chunks.forEach((c) => c.dispose()),
  };
}

/** Parameter tensors the Hessian is taken over, and the names left out. */
export function hessianTensors(pm: ProbeModel, excludeOneDim: boolean) {
  const keep = pm.model.params.filter((p) => !excludeOneDim || p.variable.rank > 1);
  const excluded = pm.model.params.filter((p) => !keep.includes(p)).map((p) => p.name);
  return { keep: keep.map((p) => ({ name: p.name, variable: p.variable })), excluded };
}

/** A thread's means to measure checkpoints: the model and data built once, and one checkpoint's measurement. */
export interface ProbeMeasurer {
  /** the Hessian's dimension and the parameters left out of it (0 and [] for the intrinsic dimension) */
  dim: number;
  excluded: string[];
  /** `pause(products)` runs between the Hessian-vector products or layers (the job yields and checks 'cancel') */
  at(cp: ProbeCheckpoint, pause: (products: number) => Promise<void>): Promise<ProbeResultPoint>;
  dispose(): void;
}

function hessianMeasurer(req: Extract<ProbeRequest, { kind: 'hessian' }>): ProbeMeasurer {
  const pm = buildProbeModel(req.config);
  const data = trainingLoss(pm);
  const { keep, excluded } = hessianTensors(pm, req.excludeOneDim);
  const H = new LossHessian(data.loss, keep);
  return {
    dim: H.dim,
    excluded,
    async at(cp, pause) {
      pm.load(cp.params);
      const t0 = performance.now();
      let products = 0;
      const matvec = async (v: Float64Array) => {
        await pause(products);
        products++;
        return H.hvp(v);
      };
      const loss = H.value();
      const r = await hessianExtremes(matvec, H.dim, { maxIter: req.maxIter, tol: req.tol, seed: cp.step });
      const point: HessianPoint = {
        step: cp.step,
        loss,
        lambdaMax: r.lambdaMax,
        lambdaMin: r.lambdaMin,
        ratio: r.ratio,
        lambdaMinFrom: r.lambdaMinFrom,
        iterations: r.iterations,
        converged: r.converged,
        seconds: (performance.now() - t0) / 1000,
      };
      return { kind: 'hessian', point };
    },
    dispose() {
      data.dispose();
      pm.dispose();
    },
  };
}

/** Evenly spaced row indices: at most `max` of `n`. */
function evenRows(n: number, max: number): Int32Array | null {
  if (n <= max) return null;
  return Int32Array.from({ length: max }, (_, k) => Math.floor((k * n) / max));
}

function idMeasurer(req: Extract<ProbeRequest, { kind: 'id' }>): ProbeMeasurer {
  const pm = buildProbeModel(req.config);
  const splits = (['train', 'val'] as const)
    .filter((s) => (s === 'train' ? pm.dataset.train.size : pm.dataset.val.size) >= 4)
    .map((s) => ({ split: s, batch: pm.rowsOf(s, evenRows(s === 'train' ? pm.dataset.train.size : pm.dataset.val.size, req.maxPoints)) }));
  return {
    dim: 0,
    excluded: [],
    async at(cp, pause) {
      pm.load(cp.params);
      const layers: IdLayerPoint[] = [];
      for (const { split, batch } of splits) {
        for (const a of layerActivations(req.config, pm.model, pm.dataset, batch.batch.input)) {
          await pause(layers.length);
          const r = intrinsicDimension({ data: a.data, rows: a.rows, cols: a.cols }, { k: 2 });
          layers.push({ layer: a.layer, split, twoNN: r.twoNN.dimension, mle: r.mle.dimension, n: a.rows, ambient: a.cols });
        }
      }
      return { kind: 'id', step: cp.step, layers };
    },
    dispose() {
      splits.forEach((s) => s.batch.dispose());
      pm.dispose();
    },
  };
}

export function probeMeasurer(req: ProbeRequest): ProbeMeasurer {
  return req.kind === 'hessian' ? hessianMeasurer(req) : idMeasurer(req);
}

/** What a grid worker needs to measure a probe's checkpoints (GridWorkerInit.job): the request without them. */
export type ProbeWorkerJob = ProbeRequest;

/** A grid worker's side: measures the checkpoint it is sent. */
export function probeWorker(job: ProbeWorkerJob): (cp: ProbeCheckpoint) => Promise<ProbeResultPoint> {
  const m = probeMeasurer(job);
  return (cp) => m.at(cp, async () => {});
}

/**
 * Measures every checkpoint, spread over the job's threads (grid/pool: each checkpoint on one thread, the same code
 * on each, so the values do not depend on the thread count); each point is sent as it is known, in the order they
 * finish.
 */
async function probeJob(req: ProbeRequest, sink: ProbeSink, cancelled: () => boolean): Promise<SpreadCounts> {
  const m = probeMeasurer(req);
  try {
    sink.info(m.dim, m.excluded);
    const total = req.checkpoints.length;
    const backend = tf.getBackend();
    const threads = chooseGridWorkers((req.execution ?? ONE_THREAD).threads, backend, total);
    let done = 0;
    const what = req.kind === 'hessian' ? 'Hessian-vector products' : 'layers';
    return await spreadGrid<ProbeCheckpoint, ProbeResultPoint>(req.checkpoints, {
      workers: threads.workers,
      init: { kind: 'probe', backend, job: { ...req, checkpoints: [] } satisfies ProbeWorkerJob },
      local: (cp) =>
        m.at(cp, async (n) => {
          await yieldToEvents();
          if (cancelled()) throw new ProbeCancelled();
          if (req.kind === 'hessian' && n > 0 && n % 5 === 0) sink.progress(done, total, `step ${cp.step}: ${n} ${what}`);
        }),
      task: (cp) => cp,
      done: (cp, point) => {
        sink.point(point);
        done++;
        sink.progress(
          done,
          total,
          point.kind === 'hessian'
            ? `step ${cp.step}: λmax ${point.point.lambdaMax.toPrecision(4)}, λmin ${point.point.lambdaMin.toPrecision(4)}`
            : `step ${cp.step}: ${point.layers.length / new Set(point.layers.map((l) => l.split)).size} layers`,
        );
      },
      cancelled,
      cancelError: () => new ProbeCancelled(),
    });
  } finally {
    m.dispose();
  }
}

/** Resolves with who measured the checkpoints (grid/pool SpreadCounts). */
export async function runProbe(req: ProbeRequest, sink: ProbeSink, cancelled: () => boolean = () => false): Promise<SpreadCounts> {
  if (req.checkpoints.length === 0) throw new Error('the probe was given no checkpoints');
  tf.engine().startScope();
  try {
    return await probeJob(req, sink, cancelled);
  } finally {
    tf.engine().endScope();
  }
}
