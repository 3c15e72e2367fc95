// Rprop with torch.optim.Rprop's semantics (defaults etas (0.5, 1.2), step sizes (1e-6, 50)): every weight has its
// own step size, initialised to the learning rate of the first update (later lr changes do not touch it, as in torch);
//   s = sign(g·g_prev) → factor η+ (s > 0), η− (s < 0), 1 (s = 0);   step ← clamp(step·factor, min, max)
//   where s < 0 the gradient is taken as 0 (no move, and it becomes g_prev);   θ ← θ − sign(g)·step
// torch's Rprop has no weight decay; here the L2 term is added to g like the others, or decay is decoupled.
import * as tf from '@tensorflow/tfjs-core';
import type { Param } from '../models/layers';
import { FlatOptimizer, type RuleResult, type WeightDecayMode } from './flat';

export interface RpropConfig {
  weightDecay: number;
  etaMinus: number;
  etaPlus: number;
  stepMin: number;
  stepMax: number;
}

export class Rprop extends FlatOptimizer {
  constructor(
    params: Param[],
    private readonly cfg: RpropConfig,
    mode: WeightDecayMode,
  ) {
    super(params, ['prev', 'stepSize'], { weightDecay: cfg.weightDecay, mode });
  }

  // its step sizes start at lr and then adapt on their own: no per-group learning rate (flat.ts setGroups)
  protected override readonly linearInLr = false;

  protected override firstStep(lr: number): void {
    tf.tidy(() => this.slots['stepSize']!.assign(tf.fill([this.total], lr)));
  }

  protected rule(theta: tf.Tensor, g: tf.Tensor): RuleResult {
    const { etaMinus, etaPlus, stepMin, stepMax } = this.cfg;
    const s = tf.sign(tf.mul(g, this.slots['prev']!));
    const pos = tf.greater(s, 0);
    const neg = tf.less(s, 0);
    const factor = tf.where(pos, tf.fill(s.shape, etaPlus), tf.where(neg, tf.fill(s.shape, etaMinus), tf.onesLike(s)));
    const stepSize = tf.clipByValue(tf.mul(this.slots['stepSize']!, factor), stepMin, stepMax);
    const gEff = tf.where(neg, tf.zerosLike(g), g);
    return { next: tf.sub(theta, tf.mul(tf.sign(gEff), stepSize)), slots: { prev: gEff, stepSize } };
  }
}
