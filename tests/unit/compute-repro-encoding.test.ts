// Must-show (a) of issue 3, 004 §4.1: the Power encoding ⟨a⟩⟨+⟩⟨b⟩⟨=⟩ needs a larger training fraction than the
// three-token encoding (a, b, =) to generalise. Same model (embedding + MLP, 1×128, e32), same optimiser (AdamW
// lr 0.01, weight decay 1), same init and split seeds, a+b mod 23, full batch on wasm, a budget of 2500 updates;
// "generalises" = validation accuracy ≥ 99% at an evaluation (every 40 steps).
//
// Measured on this machine (init seed 1, split seed 0, 3000-step budget): three-token first generalises at r = 0.55
// (r 0.5: val 0.30 at the end; 0.55: 99% at step 2340; 0.6: at 1640), Power only at r = 0.65 (0.6: val 0.925 at
// step 3000; 0.65: 99% at 1120; 0.7: at 840). Over init seeds 0–3 at r = 0.6 and 3000 steps, three-token generalised
// in 4/4 (1260–2720 steps) and Power in 1/4 (seed 3, 960 steps; the others ended at val 0.925–0.962). The effect is
// real but not large: at r ≥ 0.7 both encodings generalise within ~10% of each other's steps.
import { beforeAll, describe, expect, it } from 'vitest';
import { RunConfigSchema } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { Trainer } from '../../src/main/compute/train/trainer';

const BUDGET = 2500;

beforeAll(async () => {
  await initBackend('wasm');
});

/** Trains until validation accuracy reaches 99% or the budget runs out. */
function generalise(encoding: 'power' | 'three-token', trainFraction: number): { step: number | null; valAcc: number } {
  const config = RunConfigSchema.parse({
    seed: 1,
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
      t.update(false);
      if (t.step % config.training.evalEvery !== 0 && t.step < BUDGET) continue; // and at the last step
      valAcc = t.evaluate(null).find(([name]) => name === 'val_acc')![2];
      if (valAcc >= 0.99) return { step: t.step, valAcc };
    }
    return { step: null, valAcc };
  } finally {
    t.dispose();
  }
}

describe('004 §4.1: Power encoding vs three-token', () => {
  it('at r = 0.6 three-token generalises and Power does not; Power needs r = 0.7', () => {
    const started = performance.now();
    const three = generalise('three-token', 0.6);
    const power = generalise('power', 0.6);
    const powerMore = generalise('power', 0.7);
    const seconds = (performance.now() - started) / 1000;
    console.log(`encodings at p = 23: three-token r=0.6 ${JSON.stringify(three)}, power r=0.6 ${JSON.stringify(power)}, power r=0.7 ${JSON.stringify(powerMore)}; ${seconds.toFixed(1)} s`);
    // measured: three-token 99% at step 1640 of 2500
    expect(three.step).not.toBeNull();
    expect(three.step!).toBeLessThanOrEqual(0.8 * BUDGET);
    // measured: Power still well short of 99% when the budget ends (val 0.89 at step 2500)
    expect(power.step).toBeNull();
    expect(power.valAcc).toBeLessThan(0.97);
    // with more data the same model in the Power encoding does generalise (measured: step 840)
    expect(powerMore.step).not.toBeNull();
    expect(powerMore.step!).toBeLessThanOrEqual(0.6 * BUDGET);
  }, 180_000);
});
