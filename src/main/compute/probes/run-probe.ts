// A probe job in a compute process: the Hessian's extreme eigenvalues or the per-layer intrinsic dimension at each
// of a run's checkpoints. Results stream back one checkpoint at a time; `control.cancelled` is checked between
// Hessian-vector products (the job yields to the event loop there, so a 'cancel' message gets through).
import * as tf from '@tensorflow/tfjs-core';
import { intrinsicDimension } from '../../../shared/analysis/intrinsic-dim';
import { hessianExtremes } from '../../../shared/analysis/lanczos';
import type { IdLayerPoint } from '../../../shared/api/types';
import type { ProbeRequest, ProbeResultPoint } from '../../protocol/jobs';
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

async function hessianJob(req: Extract<ProbeRequest, { kind: 'hessian' }>, sink: ProbeSink, cancelled: () => boolean): Promise<void> {
  const pm = buildProbeModel(req.config);
  const data = trainingLoss(pm);
  try {
    const { keep, excluded } = hessianTensors(pm, req.excludeOneDim);
    const H = new LossHessian(data.loss, keep);
    sink.info(H.dim, excluded);
    const total = req.checkpoints.length;
    for (let i = 0; i < total; i++) {
      const cp = req.checkpoints[i]!;
      pm.load(cp.params);
      const t0 = performance.now();
      let products = 0;
      const matvec = async (v: Float64Array) => {
        await yieldToEvents();
        if (cancelled()) throw new ProbeCancelled();
        products++;
        if (products % 5 === 0) sink.progress(i, total, `step ${cp.step}: ${products} Hessian-vector products`);
        return H.hvp(v);
      };
      const loss = H.value();
      const r = await hessianExtremes(matvec, H.dim, { maxIter: req.maxIter, tol: req.tol, seed: cp.step });
      sink.point({
        kind: 'hessian',
        point: {
          step: cp.step,
          loss,
          lambdaMax: r.lambdaMax,
          lambdaMin: r.lambdaMin,
          ratio: r.ratio,
          lambdaMinFrom: r.lambdaMinFrom,
          iterations: r.iterations,
          converged: r.converged,
          seconds: (performance.now() - t0) / 1000,
        },
      });
      sink.progress(i + 1, total, `step ${cp.step}: λmax ${r.lambdaMax.toPrecision(4)}, λmin ${r.lambdaMin.toPrecision(4)}`);
    }
  } finally {
    data.dispose();
    pm.dispose();
  }
}

/** Evenly spaced row indices: at most `max` of `n`. */
function evenRows(n: number, max: number): Int32Array | null {
  if (n <= max) return null;
  return Int32Array.from({ length: max }, (_, k) => Math.floor((k * n) / max));
}

async function idJob(req: Extract<ProbeRequest, { kind: 'id' }>, sink: ProbeSink, cancelled: () => boolean): Promise<void> {
  const pm = buildProbeModel(req.config);
  const splits = (['train', 'val'] as const)
    .filter((s) => (s === 'train' ? pm.dataset.train.size : pm.dataset.val.size) >= 4)
    .map((s) => ({ split: s, batch: pm.rowsOf(s, evenRows(s === 'train' ? pm.dataset.train.size : pm.dataset.val.size, req.maxPoints)) }));
  try {
    sink.info(0, []);
    const total = req.checkpoints.length;
    for (let i = 0; i < total; i++) {
      const cp = req.checkpoints[i]!;
      pm.load(cp.params);
      const layers: IdLayerPoint[] = [];
      for (const { split, batch } of splits) {
        for (const a of layerActivations(req.config, pm.model, pm.dataset, batch.batch.input)) {
          await yieldToEvents();
          if (cancelled()) throw new ProbeCancelled();
          const r = intrinsicDimension({ data: a.data, rows: a.rows, cols: a.cols }, { k: 2 });
          layers.push({ layer: a.layer, split, twoNN: r.twoNN.dimension, mle: r.mle.dimension, n: a.rows, ambient: a.cols });
        }
      }
      sink.point({ kind: 'id', step: cp.step, layers });
      sink.progress(i + 1, total, `step ${cp.step}: ${layers.length / splits.length} layers`);
    }
  } finally {
    splits.forEach((s) => s.batch.dispose());
    pm.dispose();
  }
}

export async function runProbe(req: ProbeRequest, sink: ProbeSink, cancelled: () => boolean = () => false): Promise<void> {
  if (req.checkpoints.length === 0) throw new Error('the probe was given no checkpoints');
  tf.engine().startScope();
  try {
    if (req.kind === 'hessian') await hessianJob(req, sink, cancelled);
    else await idJob(req, sink, cancelled);
  } finally {
    tf.engine().endScope();
  }
}
