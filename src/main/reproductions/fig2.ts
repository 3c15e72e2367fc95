// 000 §3, Fig. 2 (and Fig. 8-9): over a learning-rate × weight-decay grid, the validation accuracy at the end of
// training "is similar" to the spectral energy (Hjorth activity) of the training loss over the first 400 updates: the
// early oscillations hint at the grokking to come. One sweep over the grid, trained to its budget; per cell the
// spectral signature of the stored per-update loss (analysis.spectral, W = 400) and the final validation accuracy;
// then Spearman's rank correlation between the two. The effect judged: ρ > 0 (the paper gives the two heat maps, no
// number; a positive rank correlation is the similarity stated as a number).
import { spearman } from '../../shared/analysis/rank-correlation';
import { grokFastMlp, notsawoTransformer } from './configs';
import { fmt, runSweep } from './steps';
import type { Reproduction } from './types';

const WINDOW = 400;
const QUICK = { lrs: [2e-3, 5e-3, 1e-2], wds: [0.1, 0.3, 1], steps: 1500 };
// 000's Fig. 2 axes are the learning rate and the weight decay around its default (lr 1e-4, wd 1), r = 0.5, 10k steps
const FULL = { lrs: [3e-5, 1e-4, 3e-4, 1e-3], wds: [0.1, 0.3, 1, 3], steps: 10_000 };

export const fig2000: Reproduction = {
  name: '000-fig2',
  source: '000 §3, Fig. 2',
  title: 'final validation accuracy beside the early spectral energy of the training loss, over lr × weight decay',
  claim:
    'over a learning-rate × weight-decay grid (r = 0.5, 10k steps) the spectral energy of the training loss in the first 400 steps is similar to the final validation accuracy',
  criterion: {
    full: `Spearman ρ(energy over updates 1..${WINDOW}, final validation accuracy) > 0 over the ${FULL.lrs.length} × ${FULL.wds.length} grid`,
    quick: `the same (ρ > 0) over a ${QUICK.lrs.length} × ${QUICK.wds.length} grid of the fast MLP, ${QUICK.steps} updates`,
  },
  async run(ctx, quick) {
    const g = quick ? QUICK : FULL;
    const base = quick
      ? grokFastMlp({ name: '000-fig2 (quick)', steps: g.steps, evalEvery: 50 })
      : notsawoTransformer({ name: '000-fig2', r: 0.5, steps: g.steps, evalEvery: 100 });
    const { view, runs } = await runSweep(ctx, base.name!, {
      base,
      axes: [
        { path: 'optimizer.lr', values: g.lrs },
        { path: 'optimizer.weightDecay', values: g.wds },
      ],
      seeds: 1,
    });
    const cells: { lr: number; wd: number; energy: number; acc: number; id: number }[] = [];
    for (const r of runs) {
      const s = await ctx.call('analysis.spectral', { id: r.id, window: WINDOW });
      cells.push({
        lr: r.config.optimizer.lr,
        wd: r.config.optimizer.weightDecay,
        energy: s.signature.energy,
        acc: r.final.valAcc ?? 0,
        id: r.id,
      });
    }
    const rho = spearman(
      cells.map((c) => c.energy),
      cells.map((c) => c.acc),
    );
    const passed = Number.isFinite(rho) && rho > 0;
    const label = (c: (typeof cells)[number]) => `lr ${fmt(c.lr)}, wd ${fmt(c.wd)}`;
    const table = cells.map((c) => `${label(c)}: E ${fmt(c.energy)}, acc ${fmt(100 * c.acc)}%`).join('; ');
    return {
      passed,
      criterion: quick ? this.criterion.quick : this.criterion.full,
      setting: quick
        ? `a + b mod 31, r = 0.6, embedding 32 + MLP 128, AdamW, full batch, ${g.steps} updates; lr ∈ {${g.lrs.join(', ')}} × wd ∈ {${g.wds.join(', ')}}; energy of the detrended, high-passed loss over updates 1..${WINDOW}`
        : `000 §2.2: a + b mod 97, r = 0.5, 2-layer transformer d 128, AdamW, full batch, 10⁴ updates; lr ∈ {${g.lrs.join(', ')}} × wd ∈ {${g.wds.join(', ')}}`,
      measures: [
        {
          name: 'Spearman ρ (energy, final val acc)',
          value: Number.isFinite(rho) ? rho : null,
          paper: '> 0 (the heat maps are similar; no number given)',
        },
        { name: 'cells', value: cells.length, paper: '' },
        { name: 'cells with final val acc ≥ 99%', value: cells.filter((c) => c.acc >= 0.99).length, paper: '' },
        { name: 'highest energy', value: Math.max(...cells.map((c) => c.energy)), paper: '' },
        { name: 'lowest energy', value: Math.min(...cells.map((c) => c.energy)), paper: '' },
      ],
      summary: `ρ = ${fmt(rho)} over ${cells.length} cells (${table}).`,
      runIds: runs.map((r) => r.id),
      sweepId: view.id,
      figure: {
        title: 'Final validation accuracy against the early spectral energy',
        x: { name: `spectral energy, updates 1..${WINDOW}`, log: true },
        y: { name: 'final validation accuracy' },
        series: g.wds.map((wd) => {
          const mine = cells.filter((c) => c.wd === wd).sort((a, b) => a.energy - b.energy);
          return {
            name: `wd ${fmt(wd)}`,
            kind: 'scatter' as const,
            points: mine.map((c) => [Math.max(c.energy, 1e-12), c.acc] as [number, number]),
            labels: mine.map(label),
          };
        }),
      },
    };
  },
};
