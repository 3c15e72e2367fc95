// Loss and the measurements taken at each evaluation: the training loss (cross-entropy, or Omnigrok's MSE on one-hot
// targets) and accuracy on the answer token over a WHOLE split, the total L2 norm of the weights, and the total L2
// norm of a gradient.
import * as tf from '@tensorflow/tfjs-core';
import type { LossKind } from '../../../shared/config/run-config';
import type { Model } from '../models/layers';
import { disposeBatch, encodeBatch, evalChunks, type Batch, type SplitTensors } from './data';

/** Mean cross-entropy of logits [n, p] against one-hot targets [n, p]. */
export function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}

/**
 * Mean squared error against one-hot targets, averaged over every element like torch's nn.MSELoss() (Omnigrok's
 * `loss_fn = nn.MSELoss()` on one-hot labels): mean over rows and classes of (logit − target)².
 */
export function mseOneHot(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.square(tf.sub(logits, targets))) as tf.Scalar; // (squaredDifference has no registered gradient)
}

/** The training loss of a batch (a mean over its rows). */
export function batchLoss(kind: LossKind, logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return kind === 'mse' ? mseOneHot(logits, targets) : crossEntropy(logits, targets);
}

/** Sum over the batch's rows of the per-row loss (so that chunks add up to the split's mean). */
function rowLossSum(kind: LossKind, logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  if (kind === 'mse') return tf.div(tf.sum(tf.squaredDifference(logits, targets)), logits.shape[1]) as tf.Scalar;
  return tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)))) as tf.Scalar;
}

/** [sum of per-row losses, number of correct argmax predictions] for one batch, as two scalars. */
function batchTotals(model: Model, b: Batch, kind: LossKind): [tf.Scalar, tf.Scalar] {
  const logits = model.forward(b.input);
  const lossTotal = rowLossSum(kind, logits, b.targets);
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), b.labels), 'float32'));
  return [lossTotal, correct as tf.Scalar];
}

export interface SplitScore {
  loss: number;
  acc: number;
}

/** Loss and accuracy over every row of a split (cached tensors, or chunks encoded on the fly). */
export function evaluateSplit(model: Model, s: SplitTensors, vocab: number, classes: number, kind: LossKind = 'cross-entropy'): SplitScore {
  let lossSum = 0;
  let correct = 0;
  const add = (b: Batch) => {
    const totals = tf.tidy(() => tf.stack(batchTotals(model, b, kind)));
    const [l, c] = totals.dataSync();
    totals.dispose();
    lossSum += l!;
    correct += c!;
  };
  if (s.cached) add(s.cached);
  else
    for (const idx of evalChunks(s, vocab)) {
      const b = encodeBatch(s.data, s.seqLen, vocab, classes, idx);
      add(b);
      disposeBatch(b);
    }
  return { loss: lossSum / s.size, acc: Math.round(correct) / s.size };
}

/** √(Σ‖t‖²) over a list of tensors, as a scalar tensor. */
export function globalNorm(ts: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(ts.map((t) => tf.sum(tf.square(t))))) as tf.Scalar);
}
