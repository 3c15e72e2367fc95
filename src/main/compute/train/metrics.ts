// Loss and the measurements taken at each evaluation: the training loss (cross-entropy, or Omnigrok's MSE on one-hot
// targets) and accuracy on the answer token over a WHOLE split, the total L2 norm of the weights, and the total L2
// norm of a gradient.
import * as tf from '@tensorflow/tfjs-core';
import type { LossKind } from '../../../shared/config/run-config';
import { onDevice } from '../engine/backend';
import type { Model, ModelInput } from '../models/layers';
import { rowLossSum } from '../tasks/sample-tensors';
import { disposeBatch, encodeBatch, evalChunks, type Batch, type SplitTensors } from './data';

/**
 * Mean cross-entropy of logits [n, p] against targets [n, p] (one-hot, or any non-negative rows), fused: one Softmax
 * kernel, one host pass in float64 for the loss, and the gradient (Σt)·softmax − t (the textbook identity) in two
 * element-wise kernels, with no log-softmax graph to differentiate. On wasm this replaces ~20 kernels over [n, p]
 * (among them two scalar Exp passes: wasm's Softmax is vectorised, its Exp is not) and their gradients. Per row,
 * loss = (Σ_j t_j)·lse − Σ_j t_j·z_j with lse = max(z) − log(softmax(z)[argmax]): softmax at the argmax is ≥ 1/p, so
 * it never underflows, unlike log(softmax(z)[label]) for a badly wrong prediction. First-order only (second
 * derivatives: the probes' crossEntropyTwice).
 */
export function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  const [n, c] = logits.shape;
  if (targets.shape[0] !== n || targets.shape[1] !== c)
    throw new Error(`crossEntropy: logits [${logits.shape.join(', ')}] against targets [${targets.shape.join(', ')}]`);
  const f = tf.customGrad((...args: GradArgs) => {
    const [z, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const t = sparseTargets(targets);
    const probs = tf.softmax(z);
    save([probs]);
    const { lossSum } = softmaxPass(z, probs, t, null);
    return {
      value: tf.scalar(lossSum / n),
      // d(mean loss)/dz = dy·((Σt)·p − t)/n: two element-wise kernels for one-hot rows (Σt = 1)
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const p = saved[0]!;
        const scaled = t.unitRows ? p : tf.mul(p, tf.tensor2d(Float32Array.from(t.rowSum), [n, 1]));
        return tf.mul(tf.sub(scaled, targets), tf.div(dy, n));
      },
    };
  });
  return f(logits) as tf.Scalar;
}

// customGrad passes the inputs followed by the save function, typed as one union array
type GradArgs = Array<tf.Tensor | tf.GradSaveFunc>;

/** Targets as sparse rows (one entry per row for one-hot targets), read from the backend once per tensor. */
interface SparseTargets {
  rowStart: Int32Array;
  col: Int32Array;
  val: Float64Array;
  rowSum: Float64Array;
  /** every row sums to 1 (one-hot targets) */
  unitRows: boolean;
}

// tensors are immutable, so a tensor's host form can be kept for as long as the tensor lives (the cached splits'
// targets are read once per run, not once per step)
const sparseCache = new WeakMap<tf.Tensor, SparseTargets>();

function sparseTargets(targets: tf.Tensor2D): SparseTargets {
  const hit = sparseCache.get(targets);
  if (hit) return hit;
  const [n, c] = targets.shape;
  const d = targets.dataSync() as Float32Array;
  const rowStart = new Int32Array(n + 1);
  const col: number[] = [];
  const val: number[] = [];
  const rowSum = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (let j = 0; j < c; j++) {
      const v = d[r * c + j]!;
      if (v === 0) continue;
      col.push(j);
      val.push(v);
      sum += v;
    }
    rowSum[r] = sum;
    rowStart[r + 1] = col.length;
  }
  const out = { rowStart, col: Int32Array.from(col), val: Float64Array.from(val), rowSum, unitRows: rowSum.every((v) => v === 1) };
  sparseCache.set(targets, out);
  return out;
}

/**
 * Per row of the logits z and their softmax, on the host: the cross-entropy summed over rows and, when
 * `labels` is given, how many rows have their label as the first maximal logit (tf.argMax's choice).
 */
function softmaxPass(
  z: tf.Tensor2D,
  probs: tf.Tensor2D,
  t: SparseTargets,
  labels: Int32Array | null,
): { lossSum: number; correct: number } {
  const [n, c] = z.shape;
  return softmaxRows(z.dataSync() as Float32Array, probs.dataSync() as Float32Array, n, c, t, labels);
}

/** softmaxPass on host rows: logits zs and their softmax p, both [n, c] row-major. */
function softmaxRows(
  zs: Float32Array,
  p: Float32Array,
  n: number,
  c: number,
  t: SparseTargets,
  labels: Int32Array | null,
): { lossSum: number; correct: number } {
  let lossSum = 0;
  let correct = 0;
  for (let r = 0; r < n; r++) {
    const o = r * c;
    let arg = 0;
    let m = zs[o]!;
    for (let j = 1; j < c; j++)
      if (zs[o + j]! > m) {
        m = zs[o + j]!;
        arg = j;
      }
    if (labels && labels[r] === arg) correct += 1;
    const lse = m - Math.log(p[o + arg]!);
    let tz = 0;
    for (let q = t.rowStart[r]!; q < t.rowStart[r + 1]!; q++) tz += t.val[q]! * zs[o + t.col[q]!]!;
    lossSum += t.rowSum[r]! * lse - tz;
  }
  return { lossSum, correct };
}

/**
 * Mean squared error against one-hot targets, averaged over every element like torch's nn.MSELoss() (Omnigrok's
 * `loss_fn = nn.MSELoss()` on one-hot labels): mean over rows and classes of (logit − target)².
 */
export function mseOneHot(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.square(tf.sub(logits, targets))) as tf.Scalar; // (squaredDifference has no registered gradient)
}

/**
 * crossEntropy's maths with every step on the device, for a GPU backend (where the fused host pass would read the
 * logits back each step): Σ_rows −t·logSoftmax(z) / n, with the same gradient ((Σt)·softmax − t)·dy/n.
 */
export function deviceCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  const n = logits.shape[0];
  const f = tf.customGrad((...args: GradArgs) => {
    const [z, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const logp = tf.logSoftmax(z);
    save([logp]);
    return {
      value: tf.div(tf.neg(tf.sum(tf.mul(targets, logp))), n) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const p = tf.exp(saved[0]!);
        return tf.mul(tf.sub(tf.mul(p, tf.sum(targets, 1, true)), targets), tf.div(dy, n));
      },
    };
  });
  return f(logits) as tf.Scalar;
}

/** The training loss of a batch (a mean over its rows). */
export function batchLoss(kind: LossKind, logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  if (kind === 'mse') return mseOneHot(logits, targets);
  return onDevice() ? deviceCrossEntropy(logits, targets) : crossEntropy(logits, targets);
}

/** [sum of per-row losses, number of correct argmax predictions] for one batch. */
async function batchTotals(model: Model, b: Batch, kind: LossKind): Promise<[number, number]> {
  // cross-entropy on the host backends: the training loss's own pass (one Softmax kernel, then the host) gives both
  if (kind !== 'mse' && !onDevice())
    return tf.tidy((): [number, number] => {
      const logits = model.forward(b.input);
      const { lossSum, correct } = softmaxPass(logits, tf.softmax(logits), sparseTargets(b.targets), hostLabels(b.labels));
      return [lossSum, correct];
    });
  // otherwise both sums are taken where the logits are, and read in one transfer
  const totals = tf.tidy(() => {
    const logits = model.forward(b.input);
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), b.labels), 'float32'));
    return tf.stack([rowLossSum(kind, logits, b.targets), correct]);
  });
  const [l, c] = await totals.data();
  totals.dispose();
  return [l!, c!];
}

const labelCache = new WeakMap<tf.Tensor, Int32Array>();

/** A labels tensor's classes on the host, read once per tensor. */
export function hostLabels(labels: tf.Tensor1D): Int32Array {
  let hit = labelCache.get(labels);
  if (!hit) labelCache.set(labels, (hit = Int32Array.from(labels.dataSync())));
  return hit;
}

export interface SplitScore {
  loss: number;
  acc: number;
}

/** Loss and accuracy over every row of a split (cached tensors, or chunks encoded on the fly). */
export async function evaluateSplit(
  model: Model,
  s: SplitTensors,
  vocab: number,
  classes: number,
  kind: LossKind = 'cross-entropy',
): Promise<SplitScore> {
  let lossSum = 0;
  let correct = 0;
  const add = async (b: Batch) => {
    const [l, c] = await batchTotals(model, b, kind);
    lossSum += l;
    correct += c;
  };
  if (s.cached) await add(s.cached);
  else
    for (const idx of evalChunks(s, vocab)) {
      const b = encodeBatch(s.data, s.seqLen, vocab, classes, idx);
      await add(b);
      disposeBatch(b);
    }
  return { loss: lossSum / s.size, acc: Math.round(correct) / s.size };
}

/**
 * evaluateSplit for K parameter sets at once: `logitsOf` gives the K sets' logits on the split's rows as K blocks of
 * n rows, [K·n, classes] (the MLP's slice forward over K grid points, engine/mlp-slice.ts). Each set's loss and
 * accuracy are computed as evaluateSplit computes them (cross-entropy: one Softmax kernel then the same host pass per
 * block; MSE: the same per-row sum; accuracy: the first maximal logit). Cached splits only (the batched path is for
 * splits that fit in memory at once).
 */
export function evaluateSplitMany(
  logitsOf: (input: ModelInput) => tf.Tensor2D,
  K: number,
  s: SplitTensors,
  kind: LossKind = 'cross-entropy',
): SplitScore[] {
  const b = s.cached;
  if (!b) throw new Error(`evaluateSplitMany: the split of ${s.size} rows is not cached (evaluate it one parameter set at a time)`);
  const n = s.size;
  const out: SplitScore[] = [];
  tf.tidy(() => {
    const logits = logitsOf(b.input);
    const c = b.targets.shape[1];
    if (logits.shape[0] !== K * n || logits.shape[1] !== c)
      throw new Error(`evaluateSplitMany: logits [${logits.shape.join(', ')}] for ${K} sets of ${n} rows of ${c} classes`);
    if (kind !== 'mse') {
      const zs = logits.dataSync() as Float32Array;
      const p = tf.softmax(logits).dataSync() as Float32Array;
      const t = sparseTargets(b.targets);
      const labels = hostLabels(b.labels);
      for (let k = 0; k < K; k++) {
        const blk = (a: Float32Array) => a.subarray(k * n * c, (k + 1) * n * c);
        const { lossSum, correct } = softmaxRows(blk(zs), blk(p), n, c, t, labels);
        out.push({ loss: lossSum / n, acc: Math.round(correct) / n });
      }
      return;
    }
    const z3 = tf.reshape(logits, [K, n, c]);
    const lossSums = tf.div(tf.sum(tf.squaredDifference(z3, b.targets), [1, 2]), c);
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(z3, 2), b.labels), 'float32'), 1);
    const both = tf.stack([lossSums, correct]).dataSync();
    for (let k = 0; k < K; k++) out.push({ loss: both[k]! / n, acc: Math.round(both[K + k]!) / n });
  });
  return out;
}
