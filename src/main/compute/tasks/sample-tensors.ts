// Sample datasets as tensors, the loss and the task's accuracy rule. A split is cached as tensors while it is small
// and encoded batch by batch otherwise. Inputs reach the models through SampleInput: dense rows (`features`), one-hot
// tokens (`onehot`, as for the table tasks) or a padded batch of graphs (`graph`).
import * as tf from '@tensorflow/tfjs-core';
import type { LossKind } from '../../../shared/config/run-config';
import type { Model, ModelInput } from '../engine/layers';
import type { SampleDataset, SampleSplit } from './samples';

/** A batch of graphs padded to its largest graph's M nodes. */
export interface GraphBatch {
  /** [B, M, M] the symmetric normalised adjacency D^−½ (A + I) D^−½ of each graph, zero on padding */
  adj: tf.Tensor3D;
  /** [B, M, F] node features, zero on padding */
  x: tf.Tensor3D;
  /** [B, M] 1 for real nodes, 0 for padding */
  mask: tf.Tensor2D;
}

/** ModelInput plus the sample tasks' inputs; for dense and graph inputs `onehot`/`onehotT` are empty [0, 0] tensors. */
export interface SampleInput extends ModelInput {
  features?: tf.Tensor2D;
  graph?: GraphBatch;
}

export interface SampleBatch {
  input: SampleInput;
  /** [rows, outDim] */
  targets: tf.Tensor2D;
  /** [rows] classes (−1 for regression) */
  labels: tf.Tensor1D;
}

/** Above this many input floats a split is encoded per batch instead of cached. */
const CACHE_FLOATS = 16 * 1024 * 1024;

export function inputFloats(s: SampleSplit, rows: number): number {
  const inp = s.inputs;
  if (inp.kind === 'dense') return rows * inp.dim;
  if (inp.kind === 'tokens') return rows * inp.seqLen * inp.vocabSize;
  const maxNodes = inp.graphs.reduce((m, g) => Math.max(m, g.nodes), 1);
  return rows * maxNodes * (maxNodes + inp.featureDim);
}

/** Normalised adjacency of one graph with self loops, into `out` at offset with row stride M. */
function normalisedAdjacency(nodes: number, edges: [number, number][], M: number, out: Float32Array, offset: number): void {
  const deg = new Float64Array(nodes).fill(1); // self loop
  for (const [a, b] of edges) {
    deg[a] = deg[a]! + 1;
    deg[b] = deg[b]! + 1;
  }
  const inv = Array.from(deg, (d) => 1 / Math.sqrt(d));
  for (let i = 0; i < nodes; i++) out[offset + i * M + i] = inv[i]! * inv[i]!;
  for (const [a, b] of edges) {
    const v = inv[a]! * inv[b]!;
    out[offset + a * M + b] = out[offset + a * M + b]! + v;
    out[offset + b * M + a] = out[offset + b * M + a]! + v;
  }
}

/** Rows `idx` of a split (all rows when null) as tensors; the caller owns them (see disposeSampleBatch). */
export function encodeSamples(s: SampleSplit, idx: Int32Array | null): SampleBatch {
  const rows = idx ? idx.length : s.size;
  const at = (r: number) => (idx ? idx[r]! : r);
  const outDim = s.size > 0 ? s.targets.length / s.size : 0;
  const targets = new Float32Array(rows * outDim);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    targets.set(s.targets.subarray(at(r) * outDim, (at(r) + 1) * outDim), r * outDim);
    labels[r] = s.labels[at(r)]!;
  }
  const inp = s.inputs;
  // no tf.tidy around the whole: the host token copy in `input` is not a tensor container
  {
    const empty = () => tf.zeros([0, 0]) as tf.Tensor2D;
    let input: SampleInput;
    if (inp.kind === 'dense') {
      const values = new Float32Array(rows * inp.dim);
      for (let r = 0; r < rows; r++) values.set(inp.values.subarray(at(r) * inp.dim, (at(r) + 1) * inp.dim), r * inp.dim);
      input = { batch: rows, onehot: empty(), onehotT: empty(), features: tf.tensor2d(values, [rows, inp.dim]) };
    } else if (inp.kind === 'tokens') {
      const tokens = new Int32Array(rows * inp.seqLen);
      for (let r = 0; r < rows; r++) tokens.set(inp.ids.subarray(at(r) * inp.seqLen, (at(r) + 1) * inp.seqLen), r * inp.seqLen);
      const onehot = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(tokens, 'int32'), inp.vocabSize), 'float32') as tf.Tensor2D);
      input = { batch: rows, onehot, onehotT: tf.transpose(onehot) as tf.Tensor2D, tokens };
    } else {
      const graphs = Array.from({ length: rows }, (_, r) => inp.graphs[at(r)]!);
      const M = graphs.reduce((m, g) => Math.max(m, g.nodes), 1);
      const F = inp.featureDim;
      const adj = new Float32Array(rows * M * M);
      const x = new Float32Array(rows * M * F);
      const mask = new Float32Array(rows * M);
      graphs.forEach((g, r) => {
        normalisedAdjacency(g.nodes, g.edges, M, adj, r * M * M);
        x.set(g.features, r * M * F);
        mask.fill(1, r * M, r * M + g.nodes);
      });
      input = {
        batch: rows,
        onehot: empty(),
        onehotT: empty(),
        graph: { adj: tf.tensor3d(adj, [rows, M, M]), x: tf.tensor3d(x, [rows, M, F]), mask: tf.tensor2d(mask, [rows, M]) },
      };
    }
    return { input, targets: tf.tensor2d(targets, [rows, outDim]), labels: tf.tensor1d(labels, 'int32') };
  }
}

export function disposeSampleBatch(b: SampleBatch | null): void {
  if (!b) return;
  const i = b.input;
  tf.dispose([i.onehot, i.onehotT, b.targets, b.labels]);
  if (i.features) i.features.dispose();
  if (i.graph) tf.dispose([i.graph.adj, i.graph.x, i.graph.mask]);
}

/** Number of correct predictions in a batch under the dataset's accuracy rule, as a scalar. */
export function correctCount(ds: Pick<SampleDataset, 'accuracy'>, out: tf.Tensor2D, b: SampleBatch): tf.Scalar {
  return tf.tidy(() => {
    const rule = ds.accuracy;
    let hits: tf.Tensor;
    if (rule.kind === 'argmax') hits = tf.equal(tf.argMax(out, 1), b.labels);
    else if (rule.kind === 'threshold') hits = tf.less(tf.mean(tf.square(tf.sub(out, b.targets)), 1), rule.beta);
    else {
      const k = out.shape[1];
      const T = tf.tensor2d(rule.templates, [rule.templates.length / k, k]);
      // ‖o − T_c‖² = ‖o‖² − 2 o·T_c + ‖T_c‖²; ‖o‖² does not change the argmin
      const d = tf.sub(tf.sum(tf.square(T), 1), tf.mul(tf.matMul(out, T, false, true), 2));
      hits = tf.equal(tf.argMin(d, 1), b.labels);
    }
    return tf.sum(tf.cast(hits, 'float32')) as tf.Scalar;
  });
}

/**
 * Sum over rows of each row's loss (MSE: mean over outputs, as nn.MSELoss; cross-entropy on one-hot targets), on the
 * backend: what an evaluation adds up over chunks, for the sample tasks and for any task on a GPU backend.
 */
export function rowLossSum(kind: LossKind, out: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  if (kind === 'mse') return tf.div(tf.sum(tf.square(tf.sub(out, targets))), out.shape[1]) as tf.Scalar;
  return tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(out)))) as tf.Scalar;
}

export interface SampleScore {
  loss: number;
  acc: number;
}

/** The tensors of one sample dataset: cached splits (encoded on first use), the evaluation. */
export class SampleData {
  private readonly caches = new Map<'train' | 'val', SampleBatch | null>();

  constructor(readonly dataset: SampleDataset) {}

  /** The whole split as tensors while it is small enough to keep, else null (encode it batch by batch). */
  cached(which: 'train' | 'val'): SampleBatch | null {
    if (!this.caches.has(which)) {
      const split = this.dataset[which];
      this.caches.set(which, inputFloats(split, split.size) <= CACHE_FLOATS ? encodeSamples(split, null) : null);
    }
    return this.caches.get(which)!;
  }

  /** Loss and accuracy over a whole split. */
  async evaluate(model: Model, which: 'train' | 'val', kind: LossKind): Promise<SampleScore> {
    const split = this.dataset[which];
    const cached = this.cached(which);
    let lossSum = 0;
    let correct = 0;
    const add = async (b: SampleBatch) => {
      const totals = tf.tidy(() => {
        const out = model.forward(b.input);
        return tf.stack([rowLossSum(kind, out, b.targets), correctCount(this.dataset, out, b)]);
      });
      const [l, c] = await totals.data();
      totals.dispose();
      lossSum += l!;
      correct += c!;
    };
    if (cached) await add(cached);
    else {
      const per = Math.max(1, Math.floor(CACHE_FLOATS / Math.max(1, inputFloats(split, 1))));
      for (let start = 0; start < split.size; start += per) {
        const b = encodeSamples(
          split,
          Int32Array.from({ length: Math.min(per, split.size - start) }, (_, i) => start + i),
        );
        await add(b);
        disposeSampleBatch(b);
      }
    }
    return { loss: lossSum / split.size, acc: Math.round(correct) / split.size };
  }

  dispose(): void {
    for (const b of this.caches.values()) disposeSampleBatch(b);
    this.caches.clear();
  }
}
