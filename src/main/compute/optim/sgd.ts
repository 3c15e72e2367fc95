// SGD with torch.optim.SGD's semantics: with momentum μ > 0 the buffer starts as the first gradient, then
//   b ← μ·b + (1 − dampening)·g;   d = g + μ·b (nesterov) or d = b;   θ ← θ − lr·d
// and without momentum θ ← θ − lr·g. Weight decay is handled around the rule (flat.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { Param } from '../models/layers';
import { FlatOptimizer, type RuleResult, type WeightDecayMode } from './flat';

export interface SgdConfig {
  weightDecay: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
}

export class Sgd extends FlatOptimizer {
  constructor(
    params: Param[],
    private readonly cfg: SgdConfig,
    mode: WeightDecayMode,
  ) {
    if (cfg.nesterov && (cfg.momentum <= 0 || cfg.dampening !== 0))
      throw new Error('SGD: nesterov momentum needs momentum > 0 and dampening = 0 (as in torch.optim.SGD)');
    super(params, cfg.momentum > 0 ? ['momentum'] : [], { weightDecay: cfg.weightDecay, mode });
  }

  protected rule(theta: tf.Tensor, g: tf.Tensor, lr: number): RuleResult {
    const { momentum, dampening, nesterov } = this.cfg;
    if (momentum <= 0) return { next: tf.sub(theta, tf.mul(g, lr)), slots: {} };
    // torch: the buffer is a copy of the first gradient (no dampening on that step)
    const buf = this.t === 1 ? g : tf.add(tf.mul(this.slots['momentum']!, momentum), tf.mul(g, 1 - dampening));
    const d = nesterov ? tf.add(g, tf.mul(buf, momentum)) : buf;
    return { next: tf.sub(theta, tf.mul(d, lr)), slots: { momentum: buf } };
  }
}
