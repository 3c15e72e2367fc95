// The teacher-student regression of Omnigrok (003 §3): a teacher MLP (5-100-100-5, tanh) with PyTorch's default
// initialisation, drawn from its own seed, labels inputs x ~ N(0, I); a student of the same shape (scaled by α, the
// run's init.scale) learns them with MSE. The teacher's forward pass is plain float64 JS: it runs once per sample.
import { Rng, deriveSeed } from '../engine/rng';

export interface TeacherSpec {
  inputDim: number;
  outputDim: number;
  width: number;
  /** hidden layers */
  depth: number;
  activation: 'tanh' | 'relu';
  seed: number;
}

export interface TeacherLayer {
  /** row-major [in, out] */
  w: Float64Array;
  b: Float64Array;
  inDim: number;
  outDim: number;
}

/** nn.Linear's default init for every layer: weight and bias U(−1/√fanIn, 1/√fanIn). */
export function createTeacher(spec: TeacherSpec): TeacherLayer[] {
  const rng = new Rng(deriveSeed(spec.seed, 0x7eac));
  const dims = [spec.inputDim, ...Array.from({ length: spec.depth }, () => spec.width), spec.outputDim];
  return dims.slice(1).map((outDim, k) => {
    const inDim = dims[k]!;
    const bound = 1 / Math.sqrt(inDim);
    const u = () => (2 * rng.uniform() - 1) * bound;
    return { inDim, outDim, w: Float64Array.from({ length: inDim * outDim }, u), b: Float64Array.from({ length: outDim }, u) };
  });
}

/** The teacher's output for one input (activation on every hidden layer, none on the output). */
export function teacherForward(layers: TeacherLayer[], x: ArrayLike<number>, activation: TeacherSpec['activation']): Float64Array {
  let h = Float64Array.from(x);
  layers.forEach((l, k) => {
    const y = Float64Array.from(l.b);
    for (let i = 0; i < l.inDim; i++) {
      const hi = h[i]!;
      if (hi === 0) continue;
      for (let j = 0; j < l.outDim; j++) y[j] = y[j]! + hi * l.w[i * l.outDim + j]!;
    }
    if (k < layers.length - 1) for (let j = 0; j < y.length; j++) y[j] = activation === 'tanh' ? Math.tanh(y[j]!) : Math.max(0, y[j]!);
    h = y;
  });
  return h;
}

export interface RegressionSet {
  /** row-major [n, inputDim] */
  inputs: Float32Array;
  /** row-major [n, outputDim] */
  outputs: Float32Array;
  n: number;
}

/** n inputs from N(0, I) drawn by `rng`, labelled by the teacher. */
export function teacherSamples(layers: TeacherLayer[], spec: TeacherSpec, n: number, rng: Rng): RegressionSet {
  const inputs = rng.fillNormal(new Float32Array(n * spec.inputDim), 1);
  const outputs = new Float32Array(n * spec.outputDim);
  for (let r = 0; r < n; r++) {
    // the teacher sees exactly the float32 inputs the student will see
    outputs.set(teacherForward(layers, inputs.subarray(r * spec.inputDim, (r + 1) * spec.inputDim), spec.activation), r * spec.outputDim);
  }
  return { inputs, outputs, n };
}
