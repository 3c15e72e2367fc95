// Reproduces Omnigrok (003) Fig. 3d: grokking on MNIST with a large initialisation. 1000 training images, the
// 784-200-200-10 ReLU MLP at α = 8, MSE on one-hot targets, AdamW (lr 1e-3, weight decay 0.01, β = (0.9, 0.999)),
// batch 200. Training accuracy reaches 99% early; test accuracy keeps rising long after. The script prints the curve,
// the step t_fit where training accuracy first reached 99%, test accuracy then and at the end, the run's phases
// (000 §2.3, as the app computes them), and checks the rise is at least 20 points (exit 1 if not).
//   npx tsx scripts/repro-omnigrok-mnist.ts [--steps 100000] [--eval-every 500] [--eval-size 2000] [--seed 0] [--out curve.json]
// It is a Grokscope run: the config goes through the run schema and trains in runTraining (the trainer and loop of
// every run: same seeds, metrics and evaluation), on the wasm backend. Ctrl-C stops it early (as cancelling a run
// does) and still prints the summary of what was measured.
import { writeFileSync } from 'node:fs';
import { computePhases } from '../src/shared/analysis/phases';
import { RunConfigSchema } from '../src/shared/config/run-config';
import { runTraining } from '../src/main/compute/train/run';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const outIdx = process.argv.indexOf('--out');
const outFile = outIdx > 0 ? process.argv[outIdx + 1] : null;
const steps = arg('steps', 100_000);
const evalEvery = arg('eval-every', 500);
const evalSize = arg('eval-size', 2000);

const config = RunConfigSchema.parse({
  seed: arg('seed', 0),
  backend: 'wasm',
  task: { kind: 'mnist', trainSize: 1000, evalSize },
  model: { kind: 'mlp', width: 200, depth: 2, activation: 'relu' },
  loss: 'mse',
  init: { scale: 8 },
  optimizer: { kind: 'adamw', lr: 1e-3, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, warmupSteps: 0 },
  training: { steps, evalEvery, batchSize: 200, checkpointEvery: 0, checkpointPowersOfTwo: false },
});

interface Row {
  step: number;
  trainLoss: number;
  trainAcc: number;
  testLoss: number;
  testAcc: number;
  norm: number;
  seconds: number;
}
const curve: Row[] = [];
const control = { paused: false, cancelled: false };
process.on('SIGINT', () => {
  control.cancelled = true; // the loop stops at its next yield; the summary below still runs
});
let failure: string | null = null;
let end = '';
const t0 = performance.now();
await runTraining(config, {
  runId: 1,
  control,
  emit: (m) => {
    if (m.type === 'started') {
      console.log(
        `backend ${m.backend}; MNIST ${config.task.kind === 'mnist' ? `${config.task.trainSize} training images, ${evalSize || 10_000} test images` : ''}; ${steps} steps; ${m.paramCount} parameters`,
      );
      console.log('step\ttrain_loss\ttrain_acc\ttest_loss\ttest_acc\tweight_norm\tseconds');
    } else if (m.type === 'metrics') {
      const get = (name: string) => m.rows.find(([n]) => n === name)?.[2];
      const trainAcc = get('train_acc');
      if (trainAcc === undefined) return; // a message of per-update losses only
      const row: Row = {
        step: m.step,
        trainLoss: get('train_loss')!,
        trainAcc,
        testLoss: get('val_loss')!,
        testAcc: get('val_acc')!,
        norm: get('weight_norm')!,
        seconds: (performance.now() - t0) / 1000,
      };
      curve.push(row);
      console.log(
        [
          row.step,
          row.trainLoss.toExponential(3),
          row.trainAcc.toFixed(4),
          row.testLoss.toExponential(3),
          row.testAcc.toFixed(4),
          row.norm.toFixed(2),
          row.seconds.toFixed(0),
        ].join('\t'),
      );
      if (outFile) writeFileSync(outFile, JSON.stringify({ config, curve }, null, 1));
    } else if (m.type === 'done') end = m.reason + (m.message ? `: ${m.message}` : '');
    else if (m.type === 'error') failure = m.message;
  },
});
if (failure) {
  console.error(`the run failed: ${failure}`);
  process.exit(1);
}

const fit = curve.find((r) => r.trainAcc >= 0.99);
const last = curve.at(-1)!;
const series = (key: 'trainAcc' | 'testAcc') => ({ steps: curve.map((r) => r.step), values: curve.map((r) => r[key]) });
const phases = computePhases(series('trainAcc'), series('testAcc'));
if (outFile) writeFileSync(outFile, JSON.stringify({ config, curve, phases, end }, null, 1));
console.log(
  `\nrun ${end}; run time ${last.seconds.toFixed(0)} s (${((1000 * last.seconds) / Math.max(1, last.step)).toFixed(1)} ms per step incl. evaluation)`,
);
console.log(
  `phases: ${Object.entries(phases)
    .map(([k, v]) => `${k} ${v ?? '–'}`)
    .join(', ')}`,
);
if (!fit) {
  console.log('training accuracy never reached 99%');
  process.exit(1);
}
const rise = 100 * (last.testAcc - fit.testAcc);
console.log(
  `train acc ≥ 99% first at step ${fit.step} (test acc ${(100 * fit.testAcc).toFixed(1)}%); at step ${last.step} test acc ${(100 * last.testAcc).toFixed(1)}%: +${rise.toFixed(1)} points`,
);
console.log(
  rise >= 20 ? 'PASS: test accuracy rose ≥ 20 points after training accuracy reached 99%' : 'FAIL: test accuracy rose < 20 points',
);
process.exit(rise >= 20 ? 0 : 1);
