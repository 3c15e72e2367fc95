// The LSTM of 004 §3 against PyTorch: one forward pass (logits, mean cross-entropy) and the gradient of every
// parameter, on the cpu and wasm backends, from tests/fixtures/lstm-reference.json (scripts/fixtures/gen_lstm.py,
// float64 torch.nn.Embedding → nn.LSTM → nn.Linear). Also PyTorch's default init: U(−1/√hidden, 1/√hidden).
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { LstmModelSchema } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { createModel, paramCount } from '../../src/main/compute/models/create';
import { crossEntropy } from '../../src/main/compute/train/metrics';
import { Rng } from '../../src/main/compute/engine/rng';

interface Fixture {
  config: { vocab: number; embedDim: number; hidden: number; layers: number; seqLen: number; batch: number; classes: number };
  tokens: number[];
  targets: number[];
  params: { name: string; shape: number[]; data: number[] }[];
  logits: number[];
  loss: number;
  grads: { name: string; data: number[] }[];
}

const fx = JSON.parse(readFileSync('tests/fixtures/lstm-reference.json', 'utf8')) as Fixture;
const c = fx.config;
const shape = { vocabSize: c.vocab, seqLen: c.seqLen, numClasses: c.classes };

afterAll(() => tf.disposeVariables());

/** max |a − b| / max(1, max |b|): float32 against a float64 reference */
function relErr(a: ArrayLike<number>, b: number[]): number {
  expect(a.length).toBe(b.length);
  const scale = Math.max(1, ...b.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst / scale;
}

describe('LSTM', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`matches PyTorch's forward pass and gradients on ${backend}`, async () => {
      await initBackend(backend);
      expect(tf.getBackend()).toBe(backend);
      const cfg = LstmModelSchema.parse({ kind: 'lstm', embedDim: c.embedDim, hidden: c.hidden, layers: c.layers });
      const model = createModel(cfg, shape, new Rng(0));
      // same parameters, same order and shapes as PyTorch's (in our [in, out] layout)
      expect(model.params.map((p) => [p.name, p.variable.shape])).toEqual(fx.params.map((p) => [p.name, p.shape]));
      fx.params.forEach((p, i) => model.params[i]!.variable.assign(tf.tensor(p.data, p.shape)));

      const before = tf.memory().numTensors;
      const [logits, loss, grads] = tf.tidy(() => {
        const onehot = tf.cast(tf.oneHot(tf.tensor1d(fx.tokens, 'int32'), c.vocab), 'float32') as tf.Tensor2D;
        const input = { batch: c.batch, onehot, onehotT: tf.transpose(onehot) as tf.Tensor2D };
        const targets = tf.cast(tf.oneHot(tf.tensor1d(fx.targets, 'int32'), c.classes), 'float32') as tf.Tensor2D;
        const vars = model.params.map((p) => p.variable);
        const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(input), targets), vars);
        return [model.forward(input), value, vars.map((v) => grads[v.name]!)] as [tf.Tensor2D, tf.Scalar, tf.Tensor[]];
      });
      expect(logits.shape).toEqual([c.batch, c.classes]);
      expect(relErr(logits.dataSync(), fx.logits)).toBeLessThan(1e-5);
      expect(Math.abs(loss.dataSync()[0]! - fx.loss)).toBeLessThan(1e-5);
      fx.grads.forEach((g, i) => {
        const err = relErr(grads[i]!.dataSync(), g.data);
        expect(err, `gradient of ${g.name}`).toBeLessThan(1e-5);
      });
      // every parameter gets a non-zero gradient (the second layer's recurrent weights included)
      for (const g of fx.grads) expect(Math.max(...g.data.map(Math.abs)), g.name).toBeGreaterThan(1e-6);
      tf.dispose([logits, loss, ...grads]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("draws PyTorch's default init: U(±1/√hidden) for every LSTM and head weight and bias, N(0, 1) embeddings", async () => {
    await initBackend('cpu');
    const H = 64;
    const cfg = LstmModelSchema.parse({ kind: 'lstm', embedDim: 16, hidden: H, layers: 2 });
    const model = createModel(cfg, { vocabSize: 30, seqLen: 3, numClasses: 28 }, new Rng(3));
    // embedding + per layer (W_ih, W_hh, b_ih, b_hh) + head
    expect(paramCount(model)).toBe(30 * 16 + (16 * 4 * H + H * 4 * H + 8 * H) + (H * 4 * H + H * 4 * H + 8 * H) + (H * 28 + 28));
    const bound = 1 / Math.sqrt(H);
    for (const p of model.params) {
      const v = Array.from(p.variable.dataSync());
      const mean = v.reduce((s, x) => s + x, 0) / v.length;
      const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length;
      if (p.name === 'embed.weight') {
        expect(Math.abs(variance - 1), p.name).toBeLessThan(0.15);
        continue;
      }
      expect(Math.max(...v.map(Math.abs)), p.name).toBeLessThanOrEqual(bound);
      // U(−b, b) has variance b²/3; the smallest tensor (28 head biases) is the noisiest
      expect(Math.abs(variance / ((bound * bound) / 3) - 1), p.name).toBeLessThan(v.length > 1000 ? 0.05 : 0.45);
    }
  });

  it('trains one step on a real task: the loss falls', async () => {
    await initBackend('cpu');
    const { Trainer } = await import('../../src/main/compute/train/trainer');
    const { RunConfigSchema } = await import('../../src/shared/config/run-config');
    const t = new Trainer(
      RunConfigSchema.parse({
        seed: 1,
        task: { kind: 'modular', op: 'add', p: 7, trainFraction: 0.8 },
        model: { kind: 'lstm', embedDim: 8, hidden: 20, layers: 1 },
        optimizer: { lr: 0.01, weightDecay: 0, warmupSteps: 0 },
        training: { steps: 30 },
      }),
    );
    const first = (await t.update(false)).loss;
    let last = first;
    for (let i = 0; i < 29; i++) last = (await t.update(false)).loss;
    expect(last).toBeLessThan(first * 0.9);
    t.dispose();
  });
});
