// 003 §5.1, Fig. 6, App. E: representation is key to grokking on algorithmic data. The toy addition task (messiness):
// p symbols with a representation R, a decoder Dec(E_i + E_j) (1-200-200-30 ReLU, MSE onto random templates Y_{i+j}).
// The paper's claims: (a) with R frozen at messiness m (Eq. 4: m = 0 linear, m = 1 random), the reduced training loss
// depends weakly on m and the reduced test loss strongly (Fig. 6a, b); (b) with R and the decoder both trainable (at
// η_R and η_D), the model groks, and (c) the representation evolves from random towards linear (the path A → E).
// Judged by these criteria, fixed before the runs (three settings changed after seeing results, all named in
// EXPERIMENTS.md: the landscape cells' budget, R_linear's scale, and GEN_ACC below):
//   (a) landscape (003 Eq. 5, read at the training-loss minimiser, R frozen, analysis.reduced over m ∈ {0, 1}): at
//       the largest weight norm measured, |Δ test loss| between m = 1 and m = 0 is ≥ LANDSCAPE_RATIO × |Δ training
//       loss| and the test loss at m = 1 is above the one at m = 0;
//   (b) grokking: test accuracy reaches GEN_ACC, and it does so at least DELAY × later than training accuracy does
//       (the task's pairs are ordered and E_i + E_j = E_j + E_i: a test pair whose mirror is a training pair, 18 of
//       40 here, is answered by memorising alone, so test accuracy starts from a floor near 45%);
//   (c) the representation's linearity R² (analysis/representation-linearity) ends ≥ LIN_END, ≥ LIN_GAIN above its start.
// The paper is silent on p for §5.1's grokking run, η_R, η_D, weight decay, steps and the split; we take p = 10 as in
// Liu et al. (2022)'s toy model, and say the rest in the setting line.
import { REPR_LINEARITY } from '../../shared/api/types';
import type { ReducedCell } from '../../shared/api/landscape-types';
import { reducedValue } from '../../shared/figures/landscape-reduced';
import { runConfig } from './configs';
import { firstWhere, fmt, seriesOf, trainRun } from './steps';
import type { Reproduction } from './types';

const LANDSCAPE_RATIO = 5;
// Not 95%: at p = 10, r = 0.6 (split seed 0) 4 of the 40 test pairs have a sum i + j that no training pair has, so
// no model can name their template: 90% is the most test accuracy there is (first written as 95%, unreachable)
const GEN_ACC = 0.85;
const FIT_ACC = 0.95;
const DELAY = 2;
const LIN_END = 0.9;
const LIN_GAIN = 0.3;

interface Setting {
  name: string;
  p: number;
  reprDim: number;
  trainFraction: number;
  lr: number;
  reprLr: number;
  weightDecay: number;
  reprWeightDecay: number;
  steps: number;
  evalEvery: number;
  /** the landscape: weight-norm factors α, updates per cell, and whether each cell's lr is η_D × α (cosine-decayed) */
  scales: number[];
  cellSteps: number;
  cellLrWithNorm: boolean;
}

const QUICK: Setting = {
  name: '003-representation (quick)',
  p: 10,
  reprDim: 2,
  trainFraction: 0.6,
  lr: 1e-3,
  reprLr: 1e-2,
  weightDecay: 1,
  reprWeightDecay: 1,
  steps: 3000,
  evalEvery: 50,
  scales: [1, 4],
  cellSteps: 2000,
  cellLrWithNorm: true,
};

const FULL: Setting = {
  ...QUICK,
  name: '003-representation',
  steps: 50_000,
  evalEvery: 250,
  scales: [0.25, 0.5, 1, 2, 4],
  // App. E: Adam at lr 1e-3 for 10⁴ steps per cell
  cellSteps: 10_000,
  cellLrWithNorm: false,
};

const settingLine = (s: Setting) =>
  `messiness p = ${s.p}, E_i ∈ R^${s.reprDim} from m = 1 (random; R_linear centred in [−1, 1]), r = ${s.trainFraction} of the ${s.p * s.p} ordered pairs; ` +
  `a ${s.reprDim}-200-200-30 ReLU decoder, MSE; AdamW η_D = ${s.lr} (wd ${s.weightDecay}), ` +
  `η_R = ${s.reprLr} (wd ${s.reprWeightDecay}), β2 0.999, full batch, ${s.steps} updates; landscape: R frozen at m ∈ {0, 1}, ` +
  `α ∈ {${s.scales.join(', ')}}, constant-norm Adam at ${s.cellLrWithNorm ? `η_D × α with a cosine decay` : `η_D`}, ${s.cellSteps} updates per cell`;

const configOf = (s: Setting) =>
  runConfig({
    name: s.name,
    seed: 0,
    backend: 'auto',
    task: {
      kind: 'messiness',
      p: s.p,
      messiness: 1,
      reprDim: s.reprDim,
      linear: 'centred',
      templateDim: 30,
      trainFraction: s.trainFraction,
      trainRepresentation: true,
    },
    model: { kind: 'mlp', width: 200, depth: 2, activation: 'relu' },
    loss: 'mse',
    optimizer: {
      kind: 'adamw',
      lr: s.lr,
      reprLr: s.reprLr,
      weightDecay: s.weightDecay,
      reprWeightDecay: s.reprWeightDecay,
      beta2: 0.999,
      warmupSteps: 0,
    },
    training: { steps: s.steps, evalEvery: s.evalEvery },
  });

export const representation003: Reproduction = {
  name: '003-representation',
  source: '003 §5.1, Fig. 6, App. E',
  title: 'a trainable representation: the training loss hardly depends on m, the test loss does, and the model groks as R turns linear',
  claim:
    'R frozen: training loss weakly dependent on m, test loss strongly (Fig. 6a, b); R and decoder trainable: grokking, R evolving from random (m = 1) towards linear (m = 0)',
  criterion: {
    full:
      `(a) at the largest α, |Δ test loss| (m = 1 vs 0) ≥ ${LANDSCAPE_RATIO}× |Δ training loss|, test higher at m = 1 (Eq. 5 at the training-loss minimiser); ` +
      `(b) test accuracy reaches ${100 * GEN_ACC}%, ≥ ${DELAY}× later than training accuracy reaches ${100 * FIT_ACC}%; ` +
      `(c) linearity R² of R ends ≥ ${LIN_END} and ≥ ${LIN_GAIN} above its start. Setting: ${settingLine(FULL)}`,
    quick: `the same, on ${settingLine(QUICK)}`,
  },
  async run(ctx, quick) {
    const s = quick ? QUICK : FULL;
    const run = await trainRun(ctx, configOf(s));
    const trainAcc = await seriesOf(ctx, run.id, 'train_acc');
    const valAcc = await seriesOf(ctx, run.id, 'val_acc');
    const lin = await seriesOf(ctx, run.id, REPR_LINEARITY);

    // (b) grokking
    const tFit = firstWhere(trainAcc, (v) => v >= FIT_ACC);
    const tGen = firstWhere(valAcc, (v) => v >= GEN_ACC);
    const valAtFit = tFit === null ? null : (valAcc.values[valAcc.steps.indexOf(tFit)] ?? null);
    const delay = tFit !== null && tGen !== null ? tGen / Math.max(1, tFit) : null;
    const grokked = delay !== null && delay >= DELAY;

    // (c) the representation
    const linStart = lin.values[0] ?? null;
    const linEnd = lin.values.at(-1) ?? null;
    const linearised = linStart !== null && linEnd !== null && linEnd >= LIN_END && linEnd - linStart >= LIN_GAIN;

    // (a) the landscape, R frozen at m = 0 and m = 1 (analysis.reduced freezes a trainable R, App. E Table 1)
    const view = await ctx.call('analysis.reduced', {
      id: run.id,
      axis: 'task.messiness',
      values: [0, 1],
      scales: s.scales,
      steps: s.cellSteps,
      evalEvery: Math.max(1, Math.floor(s.cellSteps / 20)),
      ...(s.cellLrWithNorm ? { lrScaling: 'with-norm' as const, lrSchedule: 'cosine' as const } : {}),
    });
    const cellAt = (m: number, scale: number): ReducedCell | null =>
      view.cells[view.params.values.indexOf(m)]?.[view.params.scales.indexOf(scale)] ?? null;
    const top = Math.max(...s.scales);
    const [lin0, rnd] = [cellAt(0, top), cellAt(1, top)];
    const test = (c: ReducedCell | null) => (c ? reducedValue(c, 'test', 'loss', 'at-train-min') : null);
    const dTrain = lin0 && rnd ? Math.abs(rnd.trainLoss - lin0.trainLoss) : null;
    const dTest = lin0 && rnd ? test(rnd)! - test(lin0)! : null;
    const ratio = dTrain !== null && dTest !== null ? Math.abs(dTest) / Math.max(dTrain, 1e-12) : null;
    const landscape = dTest !== null && ratio !== null && dTest > 0 && ratio >= LANDSCAPE_RATIO;

    const perScale = s.scales.flatMap((a) => {
      const [c0, c1] = [cellAt(0, a), cellAt(1, a)];
      return [
        { name: `α ${a}: training loss m = 0`, value: c0?.trainLoss ?? null, paper: '' },
        { name: `α ${a}: training loss m = 1`, value: c1?.trainLoss ?? null, paper: '' },
        { name: `α ${a}: test loss m = 0`, value: test(c0), paper: '' },
        { name: `α ${a}: test loss m = 1`, value: test(c1), paper: '' },
      ];
    });
    return {
      passed: landscape && grokked && linearised,
      criterion: quick ? this.criterion.quick : this.criterion.full,
      setting: settingLine(s),
      measures: [
        { name: '(a) |Δ test loss| / |Δ training loss| at the largest α', value: ratio, paper: 'large (weak vs strong dependence on m)' },
        {
          name: '(a) training loss m = 1 − m = 0 at the largest α',
          value: lin0 && rnd ? rnd.trainLoss - lin0.trainLoss : null,
          paper: '≈ 0',
        },
        { name: '(a) test loss m = 1 − m = 0 at the largest α', value: dTest, paper: '> 0, large' },
        ...perScale,
        { name: `(b) t_fit (train acc ≥ ${100 * FIT_ACC}%)`, value: tFit, paper: 'early' },
        { name: `(b) t_gen (test acc ≥ ${100 * GEN_ACC}%)`, value: tGen, paper: 'long after t_fit' },
        { name: '(b) t_gen / t_fit', value: delay, paper: `≥ ${DELAY}` },
        { name: '(b) test acc at t_fit', value: valAtFit, paper: 'low' },
        { name: '(b) test acc at the end', value: valAcc.values.at(-1) ?? null, paper: '≈ 1' },
        { name: '(c) linearity R² of R at the start', value: linStart, paper: 'random (m = 1)' },
        { name: '(c) linearity R² of R at the end', value: linEnd, paper: '≈ 1 (m → 0)' },
      ],
      summary:
        `Landscape (R frozen, α = ${top}): the training loss moves by ${fmt(dTrain)} between m = 0 and m = 1, the test loss by ${fmt(dTest)} ` +
        `(${fmt(ratio)}×): ${landscape ? 'weak vs strong dependence, as Fig. 6a, b' : 'not the paper’s contrast'}. ` +
        `Trainable R: training accuracy reaches ${100 * FIT_ACC}% at ${fmt(tFit)}, test accuracy ${100 * GEN_ACC}% at ${fmt(tGen)} ` +
        `(${grokked ? 'grokking' : 'no grokking by the criterion'}; ${fmt(valAcc.values.at(-1))} at the end); ` +
        `R's linearity goes ${fmt(linStart)} → ${fmt(linEnd)} (${linearised ? 'towards linear' : 'not linear by the criterion'}).`,
      runIds: [run.id],
      sweepId: null,
      figure: {
        title: '003 §5.1: accuracy and the linearity of a trainable representation',
        x: { name: 'update', log: true },
        y: { name: 'accuracy, linearity R²' },
        series: [
          { name: 'train accuracy', kind: 'line', points: trainAcc.steps.map((t, i) => [Math.max(1, t), trainAcc.values[i]!]) },
          { name: 'test accuracy', kind: 'line', points: valAcc.steps.map((t, i) => [Math.max(1, t), valAcc.values[i]!]) },
          { name: 'linearity of R', kind: 'line', points: lin.steps.map((t, i) => [Math.max(1, t), lin.values[i]!]) },
        ],
        marks: [{ y: GEN_ACC, label: `${100 * GEN_ACC}%` }],
      },
    };
  },
};
