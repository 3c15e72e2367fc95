// Builds the configured optimiser over a model's parameters.
import type { OptimizerConfig } from '../../../shared/config/run-config';
import type { Param } from '../models/layers';
import { Adam, AdamW } from './adamw';
import { Adamax } from './adamax';
import type { FlatOptimizer, WeightDecayMode } from './flat';
import { Rmsprop } from './rmsprop';
import { Rprop } from './rprop';
import { Sgd } from './sgd';

/** AdamW decays decoupled by default; every other optimiser uses torch's `weight_decay` (an L2 term in g). */
export function weightDecayMode(cfg: Pick<OptimizerConfig, 'kind' | 'weightDecayMode'>): WeightDecayMode {
  return cfg.weightDecayMode ?? (cfg.kind === 'adamw' ? 'decoupled' : 'l2');
}

export function createOptimizer(params: Param[], cfg: OptimizerConfig): FlatOptimizer {
  const opt = createRule(params, cfg);
  // 003 §5.1: a trainable representation learns at η_R = reprLr (default η_D = lr), decayed by reprWeightDecay (default
  // 0, Eq. 6); the schedule's warm-up and decay scale both alike
  if (params.some((p) => p.group === 'representation'))
    opt.setGroups(
      params.map((p) =>
        p.group === 'representation'
          ? { lrScale: (cfg.reprLr ?? cfg.lr) / cfg.lr, weightDecay: cfg.reprWeightDecay ?? 0 }
          : { lrScale: 1, weightDecay: cfg.weightDecay },
      ),
    );
  return opt;
}

function createRule(params: Param[], cfg: OptimizerConfig): FlatOptimizer {
  const mode = weightDecayMode(cfg);
  switch (cfg.kind) {
    case 'adamw':
      return new AdamW(params, cfg, mode);
    case 'adam':
      return new Adam(params, cfg, mode);
    case 'adamax':
      return new Adamax(params, cfg, mode);
    case 'sgd':
      return new Sgd(params, cfg, mode);
    case 'rmsprop':
      return new Rmsprop(params, cfg, mode);
    case 'rprop':
      return new Rprop(params, cfg, mode);
  }
}
