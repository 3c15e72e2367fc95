// Nanda et al. (2023), as 004 §3 and the TransformerLens demo run it: a 1-layer transformer on a + b mod 113, r = 0.3,
// full-batch AdamW lr 1e-3, weight decay 1. It memorises early and generalises long after (validation accuracy ≥ 99%;
// test loss below 1 near 13.8k steps in the demo). The effect judged: t4/t2 ≥ 10 (both at 99%: train accuracy ≥ 99%
// at t2, validation accuracy ≥ 99% at t4), i.e. generalisation an order of magnitude after memorisation.
import { nandaTransformer } from './configs';
import { firstWhere, fmt, seriesOf, trainRun } from './steps';
import type { Reproduction } from './types';

const RATIO = 10;

export const nanda2023: Reproduction = {
  name: 'nanda-2023',
  source: 'Nanda et al. 2023 (004 §3)',
  title: 'a one-layer transformer memorises a + b mod 113 early and generalises long after',
  claim: 'validation accuracy reaches ≈ 100% long after training accuracy; test loss < 1 near 13.8k full-batch steps',
  criterion: {
    full: `t4/t2 ≥ ${RATIO} (t2: train accuracy ≥ 99%, t4: validation accuracy ≥ 99%)`,
    quick: `t4/t2 ≥ ${RATIO} on a + b mod 23 (r = 0.7, d_model 32, lr 1e-2)`,
  },
  async run(ctx, quick) {
    const config = quick
      ? nandaTransformer({ name: 'nanda-2023 (quick)', p: 23, r: 0.7, dModel: 32, lr: 1e-2, steps: 2000, evalEvery: 10 })
      : nandaTransformer({ name: 'nanda-2023', p: 113, r: 0.3, dModel: 128, steps: 40_000, evalEvery: 100 });
    const run = await trainRun(ctx, config);
    const t2 = run.phases.t2_99;
    const t4 = run.phases.t4_99;
    const ratio = t2 !== null && t4 !== null && t2 > 0 ? t4 / t2 : null;
    const valLoss = await seriesOf(ctx, run.id, 'val_loss');
    const below1 = firstWhere(valLoss, (v) => v < 1);
    const passed = ratio !== null && ratio >= RATIO;
    return {
      passed,
      criterion: quick ? this.criterion.quick : this.criterion.full,
      setting: quick
        ? 'a + b mod 23, r = 0.7, 1-layer transformer d 32, 4 heads, d_mlp 128, no LayerNorm, AdamW lr 1e-2, wd 1, β (0.9, 0.98), full batch, 2000 updates'
        : 'a + b mod 113, r = 0.3, 1-layer transformer d 128, 4 heads, d_mlp 512, no LayerNorm, AdamW lr 1e-3, wd 1, β (0.9, 0.98), full batch, 40k updates',
      measures: [
        { name: 't2 (train acc ≥ 99%)', value: t2, paper: 'early (a few hundred steps)' },
        { name: 't4 (val acc ≥ 99%)', value: t4, paper: '' },
        { name: 't4/t2', value: ratio, paper: '≫ 1' },
        { name: 'first step with test loss < 1', value: below1, paper: '≈ 13.8k (p = 113)' },
        { name: 'final validation accuracy', value: run.final.valAcc, paper: '≈ 1' },
      ],
      summary:
        t4 === null
          ? `memorised at step ${fmt(t2)} but validation accuracy never reached 99% in ${config.training.steps} updates (final ${fmt(100 * (run.final.valAcc ?? 0))}%).`
          : `train accuracy reached 99% at step ${fmt(t2)}, validation accuracy at step ${fmt(t4)}: t4/t2 = ${fmt(ratio)}; test loss fell below 1 at step ${fmt(below1)}.`,
      runIds: [run.id],
      sweepId: null,
    };
  },
};
