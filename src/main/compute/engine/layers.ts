// What every model is built from and what it promises: named parameters, the input batch, the forward contract,
// and the ops both a reference model (models/) and its fast paths (engine/fast-paths) use: linear layers through
// the fast matMul, LayerNorm and activations.
import * as tf from '@tensorflow/tfjs-core';
import type { MlpModelConfig, ModelConfig } from '../../../shared/config/run-config';
import { matMul } from './matmul';

export interface Param {
  name: string;
  variable: tf.Variable;
  /** 'representation': a trainable input representation (003 §5.1's R), with its own learning rate and decay, not scaled by α */
  group?: 'representation';
}

/** Omnigrok's α (init.scale) multiplies the model's weights; a trainable representation starts at the task's R. */
export const scaledByInit = (p: Param): boolean => p.group !== 'representation';

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

export interface Linear {
  w: tf.Variable; // [in, out]
  b: tf.Variable | null;
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
