// 003 §4, Fig. 3d: grokking on MNIST with a large initialisation. 1000 training images, the 784-200-200-10 ReLU MLP at
// α = 8, MSE on one-hot targets, AdamW lr 1e-3, weight decay 0.01, batch 200, 10⁵ updates: training accuracy reaches
// ≈ 100% early while test accuracy stays low, and test accuracy rises to ≈ 89% long after. The effect judged: test
// accuracy rises by at least 20 points after training accuracy first reaches 99% (t2), while at t2 it is below 50%.
import { runConfig } from './configs';
import { firstWhere, fmt, seriesOf, trainRun } from './steps';
import type { Reproduction } from './types';

const RISE = 0.2;

export const mnist003: Reproduction = {
  name: '003-mnist',
  source: '003 §4, Fig. 3d',
  title: 'MNIST groks with a large initialisation (α = 8)',
  claim: 'N = 1000, α = 8: training accuracy ≈ 100% early, test accuracy rising to ≈ 89% long after',
  criterion: {
    full: `test accuracy below 50% when training accuracy first reaches 99%, and ≥ ${100 * RISE} points higher at the end`,
    quick: `the same on 200 images and a 784-100-100-10 MLP, full batch, lr 2e-3, weight decay 0.5, 1000 updates`,
  },
  async run(ctx, quick) {
    const config = runConfig(
      quick
        ? {
            name: '003-mnist (quick)',
            seed: 0,
            backend: 'auto',
            task: { kind: 'mnist', trainSize: 200, evalSize: 300 },
            model: { kind: 'mlp', width: 100, depth: 2, activation: 'relu' },
            loss: 'mse',
            init: { scale: 8 },
            optimizer: { kind: 'adamw', lr: 2e-3, weightDecay: 0.5, beta2: 0.999, warmupSteps: 0 },
            training: { steps: 1000, evalEvery: 50 },
          }
        : {
            name: '003-mnist',
            seed: 0,
            backend: 'auto',
            task: { kind: 'mnist', trainSize: 1000, subsetSeed: 0, evalSize: 2000 },
            model: { kind: 'mlp', width: 200, depth: 2, activation: 'relu' },
            loss: 'mse',
            init: { scale: 8 },
            optimizer: { kind: 'adamw', lr: 1e-3, weightDecay: 0.01, beta2: 0.999, warmupSteps: 0 },
            training: { steps: 100_000, batchSize: 200, evalEvery: 500 },
          },
    );
    const run = await trainRun(ctx, config);
    const val = await seriesOf(ctx, run.id, 'val_acc');
    const t2 = run.phases.t2_99;
    const atFit = t2 === null ? null : (val.values[val.steps.indexOf(t2)] ?? null);
    const end = val.values.at(-1) ?? null;
    const rise = atFit !== null && end !== null ? end - atFit : null;
    const passed = atFit !== null && rise !== null && atFit < 0.5 && rise >= RISE;
    return {
      passed,
      criterion: quick ? this.criterion.quick : this.criterion.full,
      setting: quick
        ? 'MNIST N = 200 (test: 300 images), 784-100-100-10 ReLU at α = 8, MSE, AdamW lr 2e-3, wd 0.5, full batch, 1000 updates'
        : 'MNIST N = 1000 (test: 2000 images), 784-200-200-10 ReLU at α = 8, MSE, AdamW lr 1e-3, wd 0.01, batch 200, 10⁵ updates',
      measures: [
        { name: 't2 (train acc ≥ 99%)', value: t2, paper: 'early (≈ 10³ updates)' },
        { name: 'test accuracy at t2', value: atFit, paper: 'low (≈ 20%)' },
        { name: 'final test accuracy', value: end, paper: '≈ 0.89' },
        { name: 'rise after t2', value: rise, paper: '≈ 0.7' },
        { name: 'first step with test accuracy ≥ 50%', value: firstWhere(val, (v) => v >= 0.5), paper: '' },
      ],
      summary:
        t2 === null
          ? 'training accuracy never reached 99%.'
          : `training accuracy reached 99% at step ${t2} with test accuracy ${fmt(100 * atFit!)}%; test accuracy ended at ${fmt(100 * (end ?? 0))}% (+${fmt(100 * (rise ?? 0))} points).`,
      runIds: [run.id],
      sweepId: null,
    };
  },
};
