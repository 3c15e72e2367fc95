// Adamax with torch.optim.Adamax's semantics:
//   m ← β1·m + (1 − β1)·g;   u ← max(β2·u, |g| + eps);   θ ← θ − (lr / (1 − β1^t)) · m / u
import * as tf from '@tensorflow/tfjs-core';
import type { Param } from '../models/layers';
import { FlatOptimizer, type RuleResult, type WeightDecayMode } from './flat';
import type { AdamConfig } from './adamw';

export class Adamax extends FlatOptimizer {
  constructor(
    params: Param[],
    private readonly cfg: AdamConfig,
    mode: WeightDecayMode,
  ) {
    super(params, ['m', 'u'], { weightDecay: cfg.weightDecay, mode });
  }

  protected rule(theta: tf.Tensor, g: tf.Tensor, lr: number): RuleResult {
    const { beta1, beta2, eps } = this.cfg;
    const m = tf.add(tf.mul(this.slots['m']!, beta1), tf.mul(g, 1 - beta1));
    const u = tf.maximum(tf.mul(this.slots['u']!, beta2), tf.add(tf.abs(g), eps));
    const clr = lr / (1 - beta1 ** this.t);
    return { next: tf.sub(theta, tf.mul(tf.div(m, u), clr)), slots: { m, u } };
  }
}
