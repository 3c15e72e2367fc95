// Building blocks shared by the models: named parameters with PyTorch's default initialisation (drawn from our seeded
// Rng so a seed means the same weights on every backend), linear layers through the fast matMul, LayerNorm and
// activations.
import * as tf from '@tensorflow/tfjs-core';
import type { MlpModelConfig, ModelConfig } from '../../../shared/config/run-config';
import { matMul } from '../engine/matmul';
import type { Rng } from '../rng';

export interface Param {
  name: string;
  variable: tf.Variable;
}

/** The input batch as one-hot rows: [batch·seqLen, vocab], plus its transpose for the embedding gradient. */
export interface ModelInput {
  batch: number;
  onehot: tf.Tensor2D;
  onehotT: tf.Tensor2D;
  /** host copy of the token rows, row-major [batch·seqLen]; read back from `onehot` when absent */
  tokens?: Int32Array;
}

export interface Model {
  /** which architecture (engine/fast-paths looks up its fast paths by it); absent on test doubles */
  readonly kind?: ModelConfig['kind'];
  readonly params: Param[];
  /** logits over the p answer classes, [batch, p] */
  forward(input: ModelInput): tf.Tensor2D;
}

/** Collects parameters in creation order; each is a trainable tf.Variable (auto-named: TF.js names are global). */
export class ParamSet {
  readonly list: Param[] = [];
  constructor(private readonly rng: Rng) {}

  private add(name: string, shape: number[], values: Float32Array): tf.Variable {
    const initial = tf.tensor(values, shape);
    const variable = tf.variable(initial, true); // shares the data, which the variable now holds a reference to
    initial.dispose();
    this.list.push({ name, variable });
    return variable;
  }

  /** nn.Embedding's default: N(0, 1). */
  normal(name: string, shape: number[], std = 1): tf.Variable {
    return this.add(name, shape, this.rng.fillNormal(new Float32Array(size(shape)), std));
  }

  /** nn.Linear's default (kaiming_uniform with a=√5, and its bias): U(−1/√fanIn, 1/√fanIn). */
  uniform(name: string, shape: number[], fanIn: number): tf.Variable {
    return this.add(name, shape, this.rng.fillUniform(new Float32Array(size(shape)), 1 / Math.sqrt(fanIn)));
  }

  constant(name: string, shape: number[], value: number): tf.Variable {
    return this.add(name, shape, new Float32Array(size(shape)).fill(value));
  }
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export interface Linear {
  w: tf.Variable; // [in, out]
  b: tf.Variable | null;
}

export function linearParams(ps: ParamSet, name: string, inDim: number, outDim: number, bias: boolean): Linear {
  return {
    w: ps.uniform(`${name}.weight`, [inDim, outDim], inDim),
    b: bias ? ps.uniform(`${name}.bias`, [outDim], inDim) : null,
  };
}

/** x·W + b for x of shape [n, in]. */
export function linear(x: tf.Tensor2D, l: Linear): tf.Tensor2D {
  const y = matMul(x, l.w as tf.Tensor2D);
  return l.b ? tf.add(y, l.b) : y;
}

/** LayerNorm over the last axis (eps 1e-5 as in PyTorch). */
export function layerNorm(x: tf.Tensor2D, gain: tf.Variable, bias: tf.Variable): tf.Tensor2D {
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, 1e-5))), gain), bias);
}

/** The activation functions of the MLP config; gelu is the exact erf form (PyTorch nn.GELU default). */
export function activate(x: tf.Tensor2D, kind: MlpModelConfig['activation']): tf.Tensor2D {
  switch (kind) {
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'silu':
      return tf.mul(x, tf.sigmoid(x));
    case 'gelu':
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
  }
}
