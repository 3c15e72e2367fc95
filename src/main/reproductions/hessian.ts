// 000 §4 / App. B.1: "λmin remains in general close to 0 while λmax is large, but during slingshot λmin becomes
// negative". One run with checkpoints along its trajectory, then λmax and λmin of the training loss's Hessian at each
// (analysis.hessian: Lanczos on exact Hessian-vector products, 1-D parameters left out as in the authors' code). A
// slingshot is a checkpoint after memorisation (t2) whose training loss is ≥ 100× the previous checkpoint's. The effect
// judged: at the first slingshot λmin < 0 and |λmin| is ≥ 100× the median |λmin| of the other checkpoints after t2.
import { nandaTransformer } from './configs';
import { fmt, median, trainRun } from './steps';
import type { Reproduction } from './types';

const SPIKE = 100;
const NEGATIVE = 100;

export const hessian000: Reproduction = {
  name: '000-hessian',
  source: '000 §4, App. B.1',
  title: 'λmin of the Hessian turns negative at the slingshots',
  claim: 'λmin stays close to 0 while λmax is large, and becomes negative during a slingshot',
  criterion: {
    full: `at the first slingshot (training loss ≥ ${SPIKE}× the previous checkpoint's, after t2) λmin < 0 with |λmin| ≥ ${NEGATIVE}× the median |λmin| of the other checkpoints after t2`,
    quick: 'the same on the nanda-2023 quick transformer (a checkpoint every 100 updates)',
  },
  async run(ctx, quick) {
    const base = quick
      ? nandaTransformer({ name: '000-hessian (quick)', p: 23, r: 0.7, dModel: 32, lr: 1e-2, steps: 2000, evalEvery: 10 })
      : nandaTransformer({ name: '000-hessian', p: 113, r: 0.3, dModel: 128, steps: 40_000, evalEvery: 100 });
    const config = { ...base, training: { ...base.training, checkpointEvery: quick ? 100 : 500 } };
    const run = await trainRun(ctx, config);
    const h = await ctx.call('analysis.hessian', { id: run.id, maxCheckpoints: quick ? 20 : 80, maxIter: quick ? 20 : 30 });
    const t2 = run.phases.t2_99 ?? Infinity;
    const pts = h.points.filter((p) => p.step >= t2);
    const spikes = pts.flatMap((p, i) => (i > 0 && p.loss >= SPIKE * pts[i - 1]!.loss ? [i] : []));
    const first = spikes[0];
    const others = pts.filter((_, i) => !spikes.includes(i)).map((p) => Math.abs(p.lambdaMin));
    const calm = median(others);
    const at = first === undefined ? null : pts[first]!;
    const passed = at !== null && calm !== null && at.lambdaMin < 0 && Math.abs(at.lambdaMin) >= NEGATIVE * calm;
    return {
      passed,
      criterion: quick ? this.criterion.quick : this.criterion.full,
      setting: quick
        ? 'a + b mod 23, r = 0.7, 1-layer transformer d 32, AdamW lr 1e-2, wd 1, full batch, 2000 updates, a checkpoint every 100; Hessian at 20 checkpoints, ≤ 20 products per eigenvalue'
        : 'Nanda et al.: a + b mod 113, r = 0.3, 1-layer transformer d 128, AdamW lr 1e-3, wd 1, full batch, 40k updates, a checkpoint every 500; Hessian at 80 checkpoints',
      measures: [
        { name: 'slingshots after t2', value: spikes.length, paper: 'several' },
        { name: 'first slingshot step', value: at?.step ?? null, paper: '' },
        { name: 'λmin at the slingshot', value: at?.lambdaMin ?? null, paper: '< 0' },
        { name: 'λmax at the slingshot', value: at?.lambdaMax ?? null, paper: 'large' },
        { name: 'median |λmin| elsewhere after t2', value: calm, paper: '≈ 0' },
        { name: 'most negative λmin/λmax after t2', value: pts.length ? Math.min(...pts.map((p) => p.ratio ?? 0)) : null, paper: '' },
      ],
      summary:
        at === null
          ? `no slingshot after t2 among ${pts.length} checkpoints (training loss never jumped ${SPIKE}× between checkpoints).`
          : `at the slingshot of step ${at.step} (training loss ${fmt(at.loss)}) λmin = ${fmt(at.lambdaMin)} and λmax = ${fmt(at.lambdaMax)}; ` +
            `elsewhere after t2 the median |λmin| is ${fmt(calm)} (${fmt(Math.abs(at.lambdaMin) / (calm ?? 1))}× smaller).`,
      runIds: [run.id],
      sweepId: null,
    };
  },
};
