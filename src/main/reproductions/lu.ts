// 003 §3, Fig. 2a: the LU mechanism on the teacher-student task. Reduced losses by 003 Eq. 1, the losses at the
// training-loss minimiser on the sphere ‖θ‖ = α·w0 (analysis.reduced, constant-norm training without weight decay,
// read 'at-train-min'), against α. The paper: the reduced test loss is U-shaped with its minimum near α ≈ 1, the
// reduced training loss L-shaped (falls for α < 1, flat near zero beyond). The effects judged: the test loss's minimum
// over α is inside the range and both ends are at least 10× above it; from that minimum on, the training loss stays
// below 1/100 of its value at the smallest α.
import type { ReducedCell } from '../../shared/api/landscape-types';
import { reducedValue } from '../../shared/figures/landscape-reduced';
import { runConfig } from './configs';
import { fmt, trainRun } from './steps';
import type { Reproduction } from './types';

const U_FACTOR = 10;
const L_FACTOR = 100;

/** The student of 003 §3: 5-100-100-5 tanh MLP, MSE, 100 training and 100 test samples, Adam lr 1e-3. */
const student = (name: string) =>
  runConfig({
    name,
    seed: 0,
    backend: 'auto',
    task: { kind: 'teacher-student', inputDim: 5, outputDim: 5, teacherWidth: 100, teacherDepth: 2, trainSize: 100, testSize: 100 },
    model: { kind: 'mlp', width: 100, depth: 2, activation: 'tanh' },
    loss: 'mse',
    optimizer: { kind: 'adamw', lr: 1e-3, weightDecay: 0 },
    training: { steps: 10, evalEvery: 10 },
  });

export const lu003: Reproduction = {
  name: '003-lu',
  source: '003 §3, Fig. 2a, Eq. 1',
  title: 'the reduced test loss is U-shaped and the reduced training loss L-shaped against the weight norm',
  claim: 'teacher-student: reduced test loss U-shaped with its minimum at α ≈ 1; reduced training loss L-shaped',
  criterion: {
    full: `003's budget (Adam lr 1e-3, 10⁴ updates per α, α 0.1 … 10, 21 values), read at the training-loss minimiser: the test loss's minimum is inside the α range with both ends ≥ ${U_FACTOR}× above it, and the training loss from there on ≤ 1/${L_FACTOR} of its value at the smallest α`,
    quick: `the same on α ∈ {0.25, 0.5, 1, 2, 4}, 1000 updates per α (lr × α, decayed by a cosine)`,
  },
  async run(ctx, quick) {
    const run = await trainRun(ctx, student(quick ? '003-lu (quick)' : '003-lu'));
    const view = await ctx.call(
      'analysis.reduced',
      quick
        ? { id: run.id, scales: [0.25, 0.5, 1, 2, 4], steps: 1000, evalEvery: 10, lrScaling: 'with-norm', lrSchedule: 'cosine' }
        : { id: run.id, preset: 'paper', evalEvery: 50 },
    );
    const cells = (view.cells[0] ?? []).filter((c): c is ReducedCell => c !== null).sort((a, b) => a.scale - b.scale);
    const shape = (reading: 'at-train-min' | 'best-over-training') => {
      const test = cells.map((c) => reducedValue(c, 'test', 'loss', reading));
      const train = cells.map((c) => c.trainLoss);
      const k = test.indexOf(Math.min(...test));
      const u = k > 0 && k < cells.length - 1 && test[0]! >= U_FACTOR * test[k]! && test.at(-1)! >= U_FACTOR * test[k]!;
      const l = train.slice(k).every((t) => t <= train[0]! / L_FACTOR);
      return { k, u, l, test, train };
    };
    const eq1 = shape('at-train-min');
    const best = shape('best-over-training');
    const at = (i: number) => cells[i]?.scale ?? null;
    return {
      passed: eq1.u && eq1.l,
      criterion: quick ? this.criterion.quick : this.criterion.full,
      setting: quick
        ? 'teacher-student 5-100-100-5 tanh, N = 100, MSE; constant-norm Adam (lr 1e-3 × α, cosine), no weight decay, 1000 updates per α; α ∈ {0.25, 0.5, 1, 2, 4}'
        : "teacher-student 5-100-100-5 tanh, N = 100, MSE; constant-norm Adam lr 1e-3, no weight decay, 10⁴ updates per α; α = 0.1 … 10 (21 log-spaced; the reduced landscape's 'paper' preset)",
      measures: [
        { name: 'α at the test-loss minimum (Eq. 1)', value: at(eq1.k), paper: '≈ 1' },
        { name: 'test loss at the smallest α / minimum', value: eq1.test[0]! / eq1.test[eq1.k]!, paper: '' },
        { name: 'test loss at the largest α / minimum', value: eq1.test.at(-1)! / eq1.test[eq1.k]!, paper: '' },
        { name: 'train loss at the smallest α', value: eq1.train[0] ?? null, paper: '' },
        { name: 'largest train loss from the minimum on', value: Math.max(...eq1.train.slice(eq1.k)), paper: '≈ 0' },
        { name: 'U by Eq. 1 (1 = yes)', value: eq1.u ? 1 : 0, paper: '1' },
        { name: 'L by Eq. 1 (1 = yes)', value: eq1.l ? 1 : 0, paper: '1' },
        { name: 'α at the test minimum, best over training', value: at(best.k), paper: '' },
        { name: 'U best over training (1 = yes)', value: best.u ? 1 : 0, paper: '' },
        { name: 'cells', value: cells.length, paper: quick ? '' : '21' },
      ],
      summary:
        `Read at the training-loss minimiser (Eq. 1) the test loss is lowest at α = ${fmt(at(eq1.k))} ` +
        `(ends ${fmt(eq1.test[0]! / eq1.test[eq1.k]!)}× and ${fmt(eq1.test.at(-1)! / eq1.test[eq1.k]!)}× above it): ${eq1.u ? 'a U' : 'no U'}; ` +
        `the training loss ${eq1.l ? `stays below 1/${L_FACTOR} of its small-α value from there on: an L` : 'does not stay low from there on: no L'}. ` +
        `Best over training: minimum at α = ${fmt(at(best.k))}, ${best.u ? 'a U' : 'no U'}.`,
      runIds: [run.id],
      sweepId: null,
    };
  },
};
