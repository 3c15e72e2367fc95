// Gradient definitions for the kernels our models differentiate through. tfjs-core's own gradient registrations ship
// only as extensionless ES modules (dist/gradients/*.js) that Node cannot load next to the CommonJS main bundle,
// and are otherwise only bundled into the @tensorflow/tfjs union package, which we do not depend on. The maths
// below is the standard one (the same as tfjs-core's); an already registered gradient (e.g. from tfjs-node) is kept.
import * as tf from '@tensorflow/tfjs-core';

type Attrs = Record<string, unknown>;
type GradFn = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: Attrs) => Record<string, () => tf.Tensor>;
interface Grad {
  kernelName: string;
  inputsToSave?: string[];
  saveAllInputs?: boolean;
  outputsToSave?: boolean[];
  gradFunc: GradFn;
}

/** Sums a broadcast gradient back to the shape of the input it came from. */
function unbroadcast(dy: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, dy.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(dy, axes) : dy, shape);
}

/**
 * dy reshaped with the reduced axes kept as 1 and broadcast back to x's shape. A broadcast multiply by ones, not
 * tf.tile: wasm's Tile is ~10× slower (measured: 1167 ms against ~100 ms per 2-layer transformer step).
 */
function expandReduced(dy: tf.Tensor, x: tf.Tensor, axis: unknown): tf.Tensor {
  const kept = x.shape.slice();
  for (const a of tf.util.parseAxisParam(axis as number | number[], x.shape)) kept[a] = 1;
  return tf.mul(tf.reshape(dy, kept), tf.onesLike(x)); // OnesLike fills on the backend; tf.ones fills in JS
}

const one = (dy: tf.Tensor | tf.Tensor[]) => dy as tf.Tensor;
/** x as float32; a float32 x is returned as is (a same-type Cast still copies the data on wasm). */
const asFloat = (x: tf.Tensor) => (x.dtype === 'float32' ? x : tf.cast(x, 'float32'));

const GRADS: Grad[] = [
  {
    kernelName: tf.Add,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({ a: () => unbroadcast(one(dy), a!.shape), b: () => unbroadcast(one(dy), b!.shape) }),
  },
  {
    kernelName: tf.Sub,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({ a: () => unbroadcast(one(dy), a!.shape), b: () => unbroadcast(tf.neg(one(dy)), b!.shape) }),
  },
  {
    kernelName: tf.Multiply,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => unbroadcast(tf.mul(one(dy), asFloat(b!)), a!.shape),
      b: () => unbroadcast(tf.mul(one(dy), asFloat(a!)), b!.shape),
    }),
  },
  {
    kernelName: tf.RealDiv,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => unbroadcast(tf.div(one(dy), b!), a!.shape),
      b: () => unbroadcast(tf.neg(tf.div(tf.mul(one(dy), a!), tf.square(b!))), b!.shape),
    }),
  },
  { kernelName: tf.Neg, gradFunc: (dy) => ({ x: () => tf.neg(one(dy)) }) },
  { kernelName: tf.Identity, gradFunc: (dy) => ({ x: () => tf.clone(one(dy)) }) },
  { kernelName: tf.Cast, gradFunc: (dy) => ({ x: () => tf.clone(one(dy)) }) },
  { kernelName: tf.Reshape, inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.reshape(one(dy), x!.shape) }) },
  {
    kernelName: tf.Transpose,
    gradFunc: (dy, _s, attrs) => {
      const perm = attrs.perm as number[];
      const undo = new Array<number>(perm.length);
      perm.forEach((p, i) => (undo[p] = i));
      return { x: () => tf.transpose(one(dy), undo) };
    },
  },
  { kernelName: tf.Sum, inputsToSave: ['x'], gradFunc: (dy, [x], attrs) => ({ x: () => expandReduced(one(dy), x!, attrs.axis) }) },
  {
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x!.shape);
      const count = axes.reduce((n, a) => n * x!.shape[a]!, 1);
      return { x: () => tf.div(expandReduced(one(dy), x!, attrs.axis), count) };
    },
  },
  { kernelName: tf.Relu, inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.mul(one(dy), tf.step(x!)) }) },
  {
    kernelName: tf.Tanh,
    outputsToSave: [true],
    gradFunc: (dy, [y]) => ({ x: () => tf.mul(one(dy), tf.sub(1, tf.square(y!))) }),
  },
  {
    kernelName: tf.Sigmoid,
    outputsToSave: [true],
    gradFunc: (dy, [y]) => ({ x: () => tf.mul(one(dy), tf.mul(y!, tf.sub(1, y!))) }),
  },
  {
    kernelName: tf.Erf,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(one(dy), tf.mul(tf.exp(tf.neg(tf.square(x!))), 2 / Math.sqrt(Math.PI))) }),
  },
  { kernelName: tf.Exp, outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.mul(one(dy), y!) }) },
  { kernelName: tf.Log, inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.div(one(dy), x!) }) },
  { kernelName: tf.Square, inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.mul(one(dy), tf.mul(x!, 2)) }) },
  { kernelName: tf.Sqrt, outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.div(one(dy), tf.mul(y!, 2)) }) },
  {
    // d/dx x^(-1/2) = −½·x^(-3/2) = −½·y³ with y = rsqrt(x)
    kernelName: tf.Rsqrt,
    outputsToSave: [true],
    gradFunc: (dy, [y]) => ({ x: () => tf.mul(one(dy), tf.mul(tf.pow(y!, 3), -0.5)) }),
  },
  {
    kernelName: tf.Softmax,
    outputsToSave: [true],
    gradFunc: (dy, [y], attrs) => {
      const dyY = tf.mul(one(dy), y!);
      return { logits: () => tf.sub(dyY, tf.mul(tf.sum(dyY, [attrs.dim as number], true), y!)) };
    },
  },
  {
    kernelName: tf.Slice,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const [begin, size] = tf.slice_util.parseSliceParams(x!, attrs.begin as number[], attrs.size as number[]) as [number[], number[]];
      const pads = x!.shape.map((n, i) => [begin[i]!, n - begin[i]! - size[i]!] as [number, number]);
      return { x: () => tf.pad(one(dy), pads) };
    },
  },
  {
    kernelName: tf.Concat,
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const axis = tf.util.parseAxisParam(attrs.axis as number, saved[0]!.shape)[0]!;
      const parts = tf.split(
        one(dy),
        saved.map((t) => t.shape[axis]!),
        axis,
      );
      // one entry per input, in order (the engine reads the gradients of a list input by index)
      return parts.map((p) => () => p) as unknown as Record<string, () => tf.Tensor>;
    },
  },
  { kernelName: tf.SplitV, gradFunc: (dy, _s, attrs) => ({ x: () => tf.concat(dy as tf.Tensor[], attrs.axis as number) }) },
  {
    // the plain product's gradient, with transpose flags (slow on wasm; models use engine/matmul instead)
    kernelName: tf.BatchMatMul,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b], attrs) => {
      const g = one(dy) as tf.Tensor3D;
      const [ta, tb] = [attrs.transposeA as boolean, attrs.transposeB as boolean];
      const A = a as tf.Tensor3D;
      const B = b as tf.Tensor3D;
      if (!ta && !tb) return { a: () => tf.matMul(g, B, false, true), b: () => tf.matMul(A, g, true, false) };
      if (!ta && tb) return { a: () => tf.matMul(g, B, false, false), b: () => tf.matMul(g, A, true, false) };
      if (ta && !tb) return { a: () => tf.matMul(B, g, false, true), b: () => tf.matMul(A, g, false, false) };
      return { a: () => tf.matMul(B, g, true, true), b: () => tf.matMul(g, A, true, true) };
    },
  },
];

for (const g of GRADS) if (!tf.getGradient(g.kernelName)) tf.registerGradient(g as unknown as tf.GradConfig);
