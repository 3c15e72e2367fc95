// Adam and AdamW with PyTorch's semantics (torch.optim.Adam / AdamW, amsgrad=False), applied to every parameter:
//   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²
//   θ ← θ − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps)   t = 1, 2, … counts updates
// AdamW is Adam with decoupled weight decay (θ ← θ·(1 − lr·λ) first); Adam's own `weight_decay` is the L2 term
// added to g. Both are available for either name (see flat.ts). The bias corrections are computed in float64 in JS,
// as PyTorch does on the host. Weight decay applies to every parameter (biases, norms and embeddings included), as
// AdamW(model.parameters()) does in the papers' code.
import * as tf from '@tensorflow/tfjs-core';
import type { Param } from '../models/layers';
import { FlatOptimizer, type RuleResult, type WeightDecayMode } from './flat';

export { assertShape, copyData } from './flat';

export interface AdamConfig {
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
}

export class Adam extends FlatOptimizer {
  constructor(
    params: Param[],
    private readonly cfg: AdamConfig,
    mode: WeightDecayMode = 'l2',
  ) {
    super(params, ['m', 'v'], { weightDecay: cfg.weightDecay, mode });
  }

  protected rule(theta: tf.Tensor, g: tf.Tensor, lr: number): RuleResult {
    const { beta1, beta2, eps } = this.cfg;
    const stepSize = lr / (1 - beta1 ** this.t);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** this.t);
    const m = tf.add(tf.mul(this.slots['m']!, beta1), tf.mul(g, 1 - beta1));
    const v = tf.add(tf.mul(this.slots['v']!, beta2), tf.mul(tf.square(g), 1 - beta2));
    const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), eps);
    return { next: tf.sub(theta, tf.mul(tf.div(m, denom), stepSize)), slots: { m, v } };
  }
}

/** torch.optim.AdamW: Adam with decoupled weight decay by default. */
export class AdamW extends Adam {
  constructor(params: Param[], cfg: AdamConfig, mode: WeightDecayMode = 'decoupled') {
    super(params, cfg, mode);
  }
}
