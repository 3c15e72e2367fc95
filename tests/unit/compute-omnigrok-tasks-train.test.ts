// The Omnigrok tasks (003) trained as Grokscope runs (runTraining, the trainer and loop of every run):
//   - teacher-student at α = 2 (§3, Fig. 2c): the step where training accuracy reaches 95% hardly depends on weight
//     decay, the step where test accuracy does comes later for the smaller weight decay;
//   - MNIST at α = 8 (§4, Fig. 3d, CI-sized): training accuracy reaches 99% while test accuracy is low, and test
//     accuracy rises long after;
//   - representation messiness (§5.1): a linear representation generalises, a random one memorises;
//   - IMDb (LSTM) and QM9 (GCN) on fixtures written here learn, and a sample-task run resumes from a checkpoint exactly.
// Settings were chosen by measuring first (numbers in the comments, wasm on this machine); assertions keep margins.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunConfigSchema, type RunConfigInput } from '../../src/shared/config/run-config';
import type { TrainingState } from '../../src/main/protocol/training-state';
import { runTraining } from '../../src/main/compute/train/run';

const tmp = mkdtempSync(join(tmpdir(), 'grokscope-omni-train-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Curve {
  steps: number[];
  train: number[];
  val: number[];
  trainLoss: number[];
  valLoss: number[];
  end: string | null;
  last: TrainingState | null;
}

async function train(input: RunConfigInput, resume?: TrainingState): Promise<Curve> {
  const config = RunConfigSchema.parse({ backend: 'wasm', ...input });
  const c: Curve = { steps: [], train: [], val: [], trainLoss: [], valLoss: [], end: null, last: null };
  await runTraining(config, {
    runId: 1,
    control: { paused: false, cancelled: false },
    ...(resume ? { resume } : {}),
    emit: (m) => {
      if (m.type === 'done') c.end = m.reason;
      if (m.type === 'error') c.end = `error: ${m.message}`;
      if (m.type === 'checkpoint') c.last = m.state;
      if (m.type !== 'metrics') return;
      const get = (name: string) => m.rows.find(([n]) => n === name)?.[2];
      const acc = get('train_acc');
      if (acc === undefined) return;
      c.steps.push(m.step);
      c.train.push(acc);
      c.val.push(get('val_acc')!);
      c.trainLoss.push(get('train_loss')!);
      c.valLoss.push(get('val_loss')!);
    },
  });
  return c;
}

/** First evaluated step where `values` reach `level`, or null. */
const firstAt = (c: Curve, values: number[], level: number): number | null => {
  const i = values.findIndex((v) => v >= level);
  return i < 0 ? null : c.steps[i]!;
};

describe('teacher-student (003 §3, Fig. 2c)', () => {
  // β = 0.001 (the authors' notebook), lr 3e-3 to fit CI. Measured: wd 0.3 train95 100, test95 550;
  // wd 0.03 train95 150, test95 none within 1500 steps (test accuracy 0.49 at the end).
  it('α = 2: training accuracy reaches 95% at about the same step for wd 0.03 and 0.3, test accuracy later for 0.03', async () => {
    const run = (weightDecay: number) =>
      train({
        task: { kind: 'teacher-student', beta: 0.001 },
        model: { kind: 'mlp', width: 100, depth: 2, activation: 'tanh' },
        loss: 'mse',
        init: { scale: 2 },
        optimizer: { kind: 'adamw', lr: 3e-3, weightDecay, beta2: 0.999, warmupSteps: 0 },
        training: { steps: 1500, evalEvery: 50 },
      });
    const small = await run(0.03);
    const large = await run(0.3);
    for (const c of [small, large]) expect(c.end).toBe('completed');
    const fit = [firstAt(small, small.train, 0.95), firstAt(large, large.train, 0.95)];
    const gen = [firstAt(small, small.val, 0.95), firstAt(large, large.val, 0.95)];
    console.log(`teacher-student α = 2: train95 (wd 0.03, 0.3) = ${fit.join(', ')}; test95 = ${gen.join(', ')}`);
    expect(fit[0]).not.toBeNull();
    expect(fit[1]).not.toBeNull();
    expect(Math.abs(fit[0]! - fit[1]!)).toBeLessThanOrEqual(150);
    expect(gen[1]).not.toBeNull();
    expect(gen[1]!).toBeGreaterThan(fit[1]! + 150); // generalisation is delayed even at the larger weight decay
    // the smaller weight decay generalises later: not within the budget, or at least twice as late
    if (gen[0] !== null) expect(gen[0]).toBeGreaterThanOrEqual(2 * gen[1]!);
    else expect(small.val.at(-1)!).toBeLessThan(0.9);
  }, 120_000);
});

describe('MNIST at α = 8 (003 §4, Fig. 3d, CI-sized)', () => {
  // N = 200, 784-100-100-10, full batch, AdamW lr 2e-3 wd 0.5 (a shorter clock than the paper's 0.01).
  // Measured: train acc ≥ 99% first at step 500 with test acc 0.21; test acc 0.51 at step 1000 (0.73 at 1500).
  it('fits the training set first; test accuracy rises by ≥ 20 points afterwards', async () => {
    const c = await train({
      task: { kind: 'mnist', trainSize: 200, evalSize: 300 },
      model: { kind: 'mlp', width: 100, depth: 2, activation: 'relu' },
      loss: 'mse',
      init: { scale: 8 },
      optimizer: { kind: 'adamw', lr: 2e-3, weightDecay: 0.5, beta2: 0.999, warmupSteps: 0 },
      training: { steps: 1000, evalEvery: 100 },
    });
    expect(c.end).toBe('completed');
    const tFit = firstAt(c, c.train, 0.99);
    expect(tFit).not.toBeNull();
    const atFit = c.val[c.steps.indexOf(tFit!)]!;
    console.log(`MNIST α = 8: train acc ≥ 99% at step ${tFit} with test acc ${atFit}; test acc ${c.val.at(-1)} at step ${c.steps.at(-1)}`);
    expect(tFit!).toBeLessThanOrEqual(700);
    expect(atFit).toBeLessThan(0.45); // memorised, not generalised
    expect(c.val.at(-1)! - atFit).toBeGreaterThanOrEqual(0.2);
  }, 120_000);
});

describe('representation messiness (003 §5.1)', () => {
  // Measured (p = 10, r = 0.6, 400 steps, constant norm): m = 0 train 0.45 / test 0.45; m = 1 train 0.37 / test 0.025.
  it('the linear representation generalises, the random one does not, with the decoder at constant norm', async () => {
    const run = (messiness: number) =>
      train({
        task: { kind: 'messiness', p: 10, messiness, trainFraction: 0.6 },
        model: { kind: 'mlp', width: 200, depth: 2, activation: 'relu' },
        loss: 'mse',
        constantNorm: true,
        optimizer: { kind: 'adamw', lr: 1e-3, weightDecay: 0, beta2: 0.999, warmupSteps: 0 },
        training: { steps: 400, evalEvery: 100 },
      });
    const linear = await run(0);
    const random = await run(1);
    console.log(
      `messiness: m = 0 train ${linear.train.at(-1)} test ${linear.val.at(-1)}; m = 1 train ${random.train.at(-1)} test ${random.val.at(-1)}`,
    );
    expect(linear.val.at(-1)!).toBeGreaterThan(0.3);
    expect(linear.val.at(-1)!).toBeGreaterThan(random.val.at(-1)! + 0.25);
    expect(random.val.at(-1)!).toBeLessThan(0.15);
    expect(random.train.at(-1)!).toBeGreaterThan(random.val.at(-1)! + 0.2);
  }, 120_000);
});

describe('IMDb (LSTM) and QM9 (GCN) on fixtures', () => {
  it('an LSTM learns the sentiment of a small aclImdb folder', async () => {
    const root = join(tmp, 'aclImdb');
    const good = ['great', 'wonderful', 'superb', 'fine', 'lovely'];
    const bad = ['awful', 'boring', 'dull', 'poor', 'terrible'];
    const filler = ['the', 'film', 'plot', 'actors', 'story', 'was', 'and'];
    let k = 0;
    for (const part of ['train', 'test'])
      for (const [sub, words] of [
        ['pos', good],
        ['neg', bad],
      ] as const) {
        mkdirSync(join(root, part, sub), { recursive: true });
        for (let i = 0; i < 20; i++) {
          const text = Array.from({ length: 8 }, (_, j) => ((i + j) % 3 === 0 ? words[(i + j) % 5] : filler[(i * 7 + j) % 7])).join(' ');
          writeFileSync(join(root, part, sub, `${k++}_${sub === 'pos' ? 9 : 1}.txt`), text);
        }
      }
    const c = await train({
      task: { kind: 'imdb', path: root, vocabSize: 20, maxLen: 8, trainSize: 40 },
      model: { kind: 'lstm', embedDim: 8, hidden: 16, layers: 2 },
      optimizer: { kind: 'adam', lr: 1e-2, weightDecay: 0, beta2: 0.999, warmupSteps: 0 },
      training: { steps: 120, evalEvery: 40 },
    });
    expect(c.end).toBe('completed');
    console.log(`IMDb fixture: train acc ${c.train.join(', ')}; test acc ${c.val.join(', ')}`);
    expect(c.trainLoss.at(-1)!).toBeLessThan(c.trainLoss[0]! / 2);
    expect(c.val.at(-1)!).toBeGreaterThan(0.8);
  }, 120_000);

  it('a GCN fits polarisabilities of a small QM9 CSV, and a run resumes from its checkpoint exactly', async () => {
    const smiles = [
      'C',
      'N',
      'O',
      'C#C',
      'C#N',
      'C=O',
      'CO',
      'CC',
      'CCO',
      'c1ccccc1',
      'CC(C)C',
      'CCN',
      'OCC(N)=O',
      'C1CC1',
      'CC#N',
      'CCC',
      'CC=O',
      'NC=O',
      'OC=O',
      'C1CO1',
    ];
    const csv = join(tmp, 'qm9.csv');
    // a property that grows with the heavy atoms and their hydrogens, like polarisability
    writeFileSync(
      csv,
      'mol_id,smiles,alpha\n' +
        smiles.map((s, i) => `gdb_${i},${s},${(6 + 7 * s.replace(/[^A-Za-z]/g, '').length + (i % 3)).toFixed(2)}`).join('\n') +
        '\n',
    );
    const input: RunConfigInput = {
      task: { kind: 'qm9', path: csv, trainSize: 10, testFraction: 0.5 },
      model: { kind: 'gcn', hidden: 16, layers: 2 },
      loss: 'mse',
      init: { scale: 1 },
      optimizer: { kind: 'adam', lr: 1e-2, weightDecay: 0, beta2: 0.999, warmupSteps: 0 },
      training: { steps: 200, evalEvery: 50, batchSize: 4, checkpointEvery: 100 },
    };
    const c = await train(input);
    expect(c.end).toBe('completed');
    console.log(
      `QM9 fixture: train loss ${c.trainLoss.map((v) => v.toFixed(3)).join(', ')}; test loss ${c.valLoss.map((v) => v.toFixed(3)).join(', ')}`,
    );
    expect(c.trainLoss.at(-1)!).toBeLessThan(0.2 * c.trainLoss[0]!);
    // resume: 100 steps, then the other 100 from the checkpoint, equals the 200-step run (minibatch sampler included)
    const half = await train({ ...input, training: { ...input.training!, steps: 100 } });
    const rest = await train(input, half.last!);
    expect(rest.end).toBe('completed');
    expect(rest.trainLoss.at(-1)).toBe(c.trainLoss.at(-1));
    expect(rest.last!.params.map((p) => Array.from(p.data))).toEqual(c.last!.params.map((p) => Array.from(p.data)));
  }, 120_000);
});
