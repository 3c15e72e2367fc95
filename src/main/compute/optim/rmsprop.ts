// RMSprop with torch.optim.RMSprop's semantics (defaults alpha 0.99, eps 1e-8):
//   s ← α·s + (1 − α)·g²;   centered: a ← α·a + (1 − α)·g, avg = √(s − a²) + eps;   else avg = √s + eps
//   momentum μ > 0: b ← μ·b + g/avg, θ ← θ − lr·b;   else θ ← θ − lr·g/avg
import * as tf from '@tensorflow/tfjs-core';
import type { Param } from '../models/layers';
import { FlatOptimizer, type RuleResult, type WeightDecayMode } from './flat';

export interface RmspropConfig {
  weightDecay: number;
  alpha: number;
  eps: number;
  momentum: number;
  centered: boolean;
}

export class Rmsprop extends FlatOptimizer {
  constructor(
    params: Param[],
    private readonly cfg: RmspropConfig,
    mode: WeightDecayMode,
  ) {
    const slots = ['squareAvg', ...(cfg.centered ? ['gradAvg'] : []), ...(cfg.momentum > 0 ? ['momentum'] : [])];
    super(params, slots, { weightDecay: cfg.weightDecay, mode });
  }

  protected rule(theta: tf.Tensor, g: tf.Tensor, lr: number): RuleResult {
    const { alpha, eps, momentum, centered } = this.cfg;
    const squareAvg = tf.add(tf.mul(this.slots['squareAvg']!, alpha), tf.mul(tf.square(g), 1 - alpha));
    const slots: Record<string, tf.Tensor> = { squareAvg };
    let avg: tf.Tensor;
    if (centered) {
      const gradAvg = tf.add(tf.mul(this.slots['gradAvg']!, alpha), tf.mul(g, 1 - alpha));
      slots['gradAvg'] = gradAvg;
      avg = tf.add(tf.sqrt(tf.sub(squareAvg, tf.square(gradAvg))), eps);
    } else avg = tf.add(tf.sqrt(squareAvg), eps);
    if (momentum > 0) {
      const buf = tf.add(tf.mul(this.slots['momentum']!, momentum), tf.div(g, avg));
      slots['momentum'] = buf;
      return { next: tf.sub(theta, tf.mul(buf, lr)), slots };
    }
    return { next: tf.sub(theta, tf.mul(tf.div(g, avg), lr)), slots };
  }
}
