// Gradients of the kernels that appear only when a gradient is itself differentiated (Hessian-vector products by
// double backprop): the backward pass of the models emits Step (ReLU's derivative), Pad (Slice's), ConcatV2
// (SplitV's), Pow (Rsqrt's), AddN (summed gradients), Tile/Fill and comparisons. engine/gradients.ts registers what
// first-order training needs; this file adds the rest for its side effect, with the standard maths (the same as
// tfjs-core's own registrations). An already registered gradient is kept.
import * as tf from '@tensorflow/tfjs-core';
import '../engine/gradients';
import type { LossKind } from '../../../shared/config/run-config';
import { batchLoss } from '../train/metrics';

type Attrs = Record<string, unknown>;
type GradFn = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: Attrs) => Record<string, () => tf.Tensor>;
interface Grad {
  kernelName: string;
  inputsToSave?: string[];
  outputsToSave?: boolean[];
  saveAllInputs?: boolean;
  gradFunc: GradFn;
}

const one = (dy: tf.Tensor | tf.Tensor[]) => dy as tf.Tensor;

const GRADS: Grad[] = [
  // Step (the derivative of ReLU) is piecewise constant: zero derivative almost everywhere, as in tfjs-core.
  { kernelName: tf.Step, gradFunc: (dy) => ({ x: () => tf.zerosLike(one(dy)) }) },
  {
    kernelName: tf.AddN,
    saveAllInputs: true,
    gradFunc: (dy, saved) => Object.fromEntries(saved.map((_, i) => [String(i), () => tf.clone(one(dy))])),
  },
  {
    // the inverse of Slice's gradient: the padded region gets no gradient
    kernelName: tf.PadV2,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const begin = (attrs.paddings as [number, number][]).map((p) => p[0]);
      return { x: () => tf.slice(one(dy), begin, x!.shape) };
    },
  },
  {
    kernelName: tf.Concat,
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const axis = tf.util.parseAxisParam(attrs.axis as number, saved[0]!.shape)[0]!;
      const sizes = saved.map((t) => t.shape[axis]!);
      const parts = tf.split(one(dy), sizes, axis);
      return Object.fromEntries(parts.map((p, i) => [String(i), () => p]));
    },
  },
  {
    kernelName: tf.Pow,
    inputsToSave: ['a', 'b'],
    outputsToSave: [true],
    gradFunc: (dy, [a, b, y]) => {
      const base = a!;
      const exp = b!;
      const unb = (t: tf.Tensor, shape: number[]) => {
        const axes = tf.broadcast_util.getReductionAxes(shape, t.shape);
        return tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, shape);
      };
      return {
        a: () => unb(tf.mul(one(dy), tf.mul(tf.cast(exp, 'float32'), tf.pow(base, tf.sub(exp, tf.scalar(1, exp.dtype))))), base.shape),
        b: () => {
          const logBase = tf.where(tf.greater(base, 0), tf.log(base), tf.zerosLike(base));
          return unb(tf.mul(one(dy), tf.mul(y!, logBase)), exp.shape);
        },
      };
    },
  },
  {
    kernelName: tf.Tile,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const reps = attrs.reps as number[];
      const xs = x!.shape;
      // reshape dy to [r0, x0, r1, x1, ...] and sum over the repeat axes
      const inter: number[] = [];
      xs.forEach((n, i) => inter.push(reps[i]!, n));
      const axes = xs.map((_, i) => 2 * i);
      return { x: () => tf.reshape(tf.sum(tf.reshape(one(dy), inter), axes), xs) };
    },
  },
  {
    // engine/gather's row-gather gradient scatters dy's rows (adding duplicates): its own gradient gathers them back
    kernelName: tf.ScatterNd,
    inputsToSave: ['indices'],
    gradFunc: (dy, [indices]) => ({ updates: () => tf.gatherND(one(dy), indices!) }),
  },
  { kernelName: tf.ZerosLike, gradFunc: (dy) => ({ x: () => tf.zerosLike(one(dy)) }) },
  { kernelName: tf.OnesLike, gradFunc: (dy) => ({ x: () => tf.zerosLike(one(dy)) }) },
  {
    kernelName: tf.Maximum,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => tf.mul(one(dy), tf.cast(tf.greaterEqual(a!, b!), 'float32')),
      b: () => tf.mul(one(dy), tf.cast(tf.less(a!, b!), 'float32')),
    }),
  },
];

/**
 * Kernels whose first-order gradient reuses the kernel's OUTPUT. TF.js records the saved copy of an output on the tape
 * before the kernel's own node, so a second backward pass cannot connect it to the output and silently drops that
 * term (measured: H·v of a tanh MLP 35-130% off finite differences). These versions recompute from the saved INPUT,
 * which the tape connects. Same maths; they replace engine/gradients.ts' versions in a process that loads this file
 * (only probe jobs do: the compute entry imports it lazily), so training keeps the cheaper output-saving ones.
 */
const FROM_INPUT: Grad[] = [
  { kernelName: tf.Exp, inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.mul(one(dy), tf.exp(x!)) }) },
  { kernelName: tf.Tanh, inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.mul(one(dy), tf.sub(1, tf.square(tf.tanh(x!)))) }) },
  {
    kernelName: tf.Sigmoid,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({
      x: () => {
        const y = tf.sigmoid(x!);
        return tf.mul(one(dy), tf.mul(y, tf.sub(1, y)));
      },
    }),
  },
  { kernelName: tf.Sqrt, inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.div(one(dy), tf.mul(tf.sqrt(x!), 2)) }) },
  {
    kernelName: tf.Rsqrt,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(one(dy), tf.mul(tf.pow(tf.rsqrt(x!), 3), -0.5)) }),
  },
  {
    kernelName: tf.Softmax,
    inputsToSave: ['logits'],
    gradFunc: (dy, [logits], attrs) => {
      const y = tf.softmax(logits!, attrs.dim as number);
      const dyY = tf.mul(one(dy), y);
      return { logits: () => tf.sub(dyY, tf.mul(tf.sum(dyY, [attrs.dim as number], true), y)) };
    },
  },
];

for (const g of GRADS) if (!tf.getGradient(g.kernelName)) tf.registerGradient(g as unknown as tf.GradConfig);
for (const g of FROM_INPUT) tf.registerGradient(g as unknown as tf.GradConfig);

/**
 * Mean cross-entropy of logits against one-hot targets, written without tf.logSoftmax: that op is a customGrad that
 * saves its output, whose second-order term TF.js drops (see above). log-sum-exp with the row maximum as a constant
 * shift (its gradient cancels exactly).
 */
export function crossEntropyTwice(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  const shift = tf.tensor(
    tf.tidy(() => tf.max(logits, 1, true).dataSync()),
    [logits.shape[0], 1],
  );
  const z = tf.sub(logits, shift);
  const logZ = tf.log(tf.sum(tf.exp(z), 1, true));
  return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.sub(z, logZ)), 1))) as tf.Scalar;
}

/** The run's training loss (train/metrics' batchLoss) in a form whose second derivative TF.js gets right. */
export function probeLoss(kind: LossKind, logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return kind === 'mse' ? batchLoss(kind, logits, targets) : crossEntropyTwice(logits, targets);
}
