// 000 App. B.2 (and §4): "more than 98% of the total variance in the parameter space occurs in the first 2 PCA modes".
// One run with checkpoints along its whole trajectory, then the trajectory PCA of θ_t − θ_T (analysis.pca).
import { grokFastMlp, notsawoTransformer } from './configs';
import { fmt, trainRun } from './steps';
import type { Reproduction } from './types';

const SHARE = 0.9;

export const pca000: Reproduction = {
  name: '000-pca',
  source: '000 App. B.2',
  title: 'share of the trajectory’s variance in its first two principal components',
  claim: 'more than 98% of the variance of θ_t over training in the first 2 PCA modes',
  criterion: {
    full: `PC1 + PC2 explain ≥ ${100 * SHARE}% of the variance of θ_t − θ_T over the run's checkpoints`,
    quick: `the same (≥ ${100 * SHARE}%) on the fast MLP example`,
  },
  async run(ctx, quick) {
    const config = quick
      ? grokFastMlp({ name: '000-pca (quick)', steps: 1200, evalEvery: 20, checkpointEvery: 40 })
      : notsawoTransformer({ name: '000-pca', r: 0.5, steps: 10_000, checkpointEvery: 100 });
    const run = await trainRun(ctx, config);
    const t = await ctx.call('analysis.pca', { id: run.id });
    const two = (t.explained[0] ?? 0) + (t.explained[1] ?? 0);
    const passed = two >= SHARE;
    return {
      passed,
      criterion: quick ? this.criterion.quick : this.criterion.full,
      setting: quick
        ? 'a + b mod 31, r = 0.6, embedding 32 + MLP 128, AdamW lr 5e-3, wd 1, full batch, 1200 updates, a checkpoint every 40'
        : '000 §2.2: a + b mod 97, r = 0.5, 2-layer transformer d 128, AdamW lr 1e-4, wd 1, full batch, 10⁴ updates, a checkpoint every 100',
      measures: [
        { name: 'PC1 + PC2 share', value: two, paper: '> 0.98' },
        { name: 'PC1 share', value: t.explained[0] ?? null, paper: '' },
        { name: 'final validation accuracy', value: run.final.valAcc, paper: '' },
        { name: 'checkpoints', value: t.steps.length, paper: '' },
      ],
      summary:
        `${fmt(100 * two)}% of the trajectory's variance lies in its first two principal components ` +
        `(PC1 ${fmt(100 * (t.explained[0] ?? 0))}%) over ${t.steps.length} checkpoints; the paper reports > 98%.`,
      runIds: [run.id],
      sweepId: null,
      figure: {
        title: 'Share of the trajectory’s variance by principal component',
        x: { name: 'principal component' },
        y: { name: 'share of variance' },
        categories: t.explained.map((_, i) => `PC${i + 1}`),
        series: [
          { name: 'share', kind: 'bar', points: t.explained.map((v, i) => [i, v]) },
          {
            name: 'cumulative',
            kind: 'line',
            points: t.explained.map((_, i) => [i, t.explained.slice(0, i + 1).reduce((a, b) => a + b, 0)]),
          },
        ],
        marks: [
          { y: 0.98, label: 'paper: 98% in 2 PCs' },
          { y: SHARE, label: `criterion: ${100 * SHARE}%` },
        ],
      },
    };
  },
};
