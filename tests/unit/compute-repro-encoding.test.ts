// Must-show (a) of issue 3, 004 §4.1: the Power encoding ⟨a⟩⟨+⟩⟨b⟩⟨=⟩ needs a larger training fraction than the
// three-token encoding (a, b, =) to generalise. Same model (embedding + MLP, 1×128, e32), same optimiser (AdamW
// lr 0.01, weight decay 1), same split seed, a+b mod 23, full batch on wasm, a budget of 2500 updates;
// "generalises" = validation accuracy ≥ 99% at an evaluation (every 40 steps).
//
// The effect is real but modest, so one seed is not enough to show it: a single run's outcome near the threshold
// moves with float32 rounding (this test used init seed 1 alone at r = 0.6 until the MLP moved to Grokscope's wasm
// kernel, after which that run ended at 98.6%). Measured with the kernel, init seeds 0-5, 2500 updates:
//   r = 0.5:  neither generalises (final validation accuracy 0.14-0.38 three-token, 0.08-0.33 Power);
//   r = 0.55: neither reaches 99%; final validation accuracy three-token 0.80 0.99 0.91 0.98 0.69 0.93 (mean 0.88),
//             Power 0.47 0.46 0.92 0.97 0.43 0.49 (mean 0.62);
//   r = 0.6:  three-token 99% in 4 of 6 seeds, Power in 3 of 6;
//   r = 0.7:  Power 99% in 6 of 6 (760-2280 updates).
// So the test compares the encodings' mean final validation accuracy at r = 0.55 over init seeds 0-3 (measured 0.92
// against 0.71) and checks that the Power encoding does generalise with more data (r = 0.7, seed 1: 99% at 880).
import { beforeAll, describe, expect, it } from 'vitest';
import { RunConfigSchema } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { Trainer } from '../../src/main/compute/train/trainer';
import { inOrder } from './in-order';

const BUDGET = 2500;

beforeAll(async () => {
  await initBackend('wasm');
});

/** Trains until validation accuracy reaches 99% or the budget runs out. */
async function generalise(
  encoding: 'power' | 'three-token',
  trainFraction: number,
  seed: number,
): Promise<{ step: number | null; valAcc: number }> {
  const config = RunConfigSchema.parse({
    seed,
    backend: 'wasm',
    task: { kind: 'modular', op: 'add', p: 23, trainFraction, splitSeed: 0, encoding },
    model: { kind: 'mlp', embedDim: 32, width: 128, depth: 1, activation: 'relu' },
    optimizer: { kind: 'adamw', lr: 0.01, weightDecay: 1, beta1: 0.9, beta2: 0.98, warmupSteps: 10 },
    training: { steps: BUDGET, batchSize: 'full', evalEvery: 40 },
  });
  const t = new Trainer(config);
  try {
    let valAcc = 0;
    while (t.step < BUDGET) {
      await t.update(false);
      if (t.step % config.training.evalEvery !== 0 && t.step < BUDGET) continue; // and at the last step
      valAcc = (await t.evaluate(null)).find(([name]) => name === 'val_acc')![2];
      if (valAcc >= 0.99) return { step: t.step, valAcc };
    }
    return { step: null, valAcc };
  } finally {
    t.dispose();
  }
}

const SEEDS = [0, 1, 2, 3];
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('004 §4.1: Power encoding vs three-token', () => {
  it('at r = 0.55 three-token gets much closer to generalising than Power (4 init seeds); Power generalises at r = 0.7', async () => {
    const started = performance.now();
    const three = (await inOrder(SEEDS, (s) => generalise('three-token', 0.55, s))).map((g) => g.valAcc);
    const power = (await inOrder(SEEDS, (s) => generalise('power', 0.55, s))).map((g) => g.valAcc);
    const powerMore = await generalise('power', 0.7, 1);
    const seconds = (performance.now() - started) / 1000;
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(' ');
    console.log(
      `encodings at p = 23, r = 0.55, seeds ${SEEDS.join(',')}: three-token ${fmt(three)}, power ${fmt(power)}; power r=0.7 ${JSON.stringify(powerMore)}; ${seconds.toFixed(1)} s`,
    );
    // measured: mean 0.92 against 0.71
    expect(mean(three) - mean(power)).toBeGreaterThan(0.1);
    // with more data the same model in the Power encoding does generalise (measured: step 880)
    expect(powerMore.step).not.toBeNull();
    expect(powerMore.step!).toBeLessThanOrEqual(0.6 * BUDGET);
  }, 180_000);
});
