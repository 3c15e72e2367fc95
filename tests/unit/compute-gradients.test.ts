// The kernel gradients registered in engine/gradients.ts, checked end to end against central finite differences of
// the training loss of every model variant, one parameter tensor at a time.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelSchema, type ModelConfig } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { createModel } from '../../src/main/compute/models/create';
import type { ModelInput } from '../../src/main/compute/models/layers';
import { crossEntropy } from '../../src/main/compute/train/metrics';
import { Rng } from '../../src/main/compute/engine/rng';

beforeAll(async () => {
  await initBackend('cpu');
});
afterAll(() => tf.disposeVariables());

const shape = { vocabSize: 9, seqLen: 4, numClasses: 7 };
const rows = [
  [0, 7, 3, 8],
  [5, 7, 6, 8],
  [2, 7, 2, 8],
  [6, 7, 1, 8],
  [4, 7, 0, 8],
];
const labels = [3, 4, 4, 0, 4];

function batch(): { input: ModelInput; targets: tf.Tensor2D } {
  const onehot = tf.cast(tf.oneHot(tf.tensor1d(rows.flat(), 'int32'), shape.vocabSize), 'float32') as tf.Tensor2D;
  const targets = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), shape.numClasses), 'float32') as tf.Tensor2D;
  return { input: { batch: rows.length, onehot, onehotT: tf.transpose(onehot) as tf.Tensor2D }, targets };
}

function checkModel(cfg: ModelConfig) {
  const model = createModel(cfg, shape, new Rng(5));
  const { input, targets } = batch();
  const loss = () => crossEntropy(model.forward(input), targets);
  const vars = model.params.map((p) => p.variable);
  const { grads } = tf.variableGrads(loss, vars);
  const rng = new Rng(9);
  const eps = 2e-3;
  for (const p of model.params) {
    const g = grads[p.variable.name]!;
    // a random unit direction: small enough per element not to cross ReLU kinks
    const raw = tf.tensor(rng.fillNormal(new Float32Array(p.variable.size), 1), p.variable.shape);
    const u = tf.div(raw, tf.norm(raw));
    const base = p.variable.clone();
    p.variable.assign(tf.add(base, tf.mul(u, eps)));
    const up = loss().dataSync()[0]!;
    p.variable.assign(tf.sub(base, tf.mul(u, eps)));
    const down = loss().dataSync()[0]!;
    p.variable.assign(base);
    const numeric = (up - down) / (2 * eps);
    const analytic = tf.sum(tf.mul(g, u)).dataSync()[0]!;
    expect(Math.abs(numeric - analytic), `${p.name}: finite difference ${numeric}, gradient ${analytic}`).toBeLessThan(
      3e-4 + 1e-2 * Math.abs(analytic),
    );
  }
}

describe('gradients of the models', () => {
  for (const activation of ['relu', 'gelu', 'tanh', 'silu'] as const) {
    it(`MLP with ${activation}`, () => {
      tf.tidy(() => checkModel(ModelSchema.parse({ kind: 'mlp', embedDim: 5, width: 12, depth: 2, activation })));
    });
  }
  for (const [layerNorm, tiedEmbedding] of [
    [true, true],
    [false, false],
    [true, false],
  ] as const) {
    it(`transformer with layerNorm=${layerNorm}, tiedEmbedding=${tiedEmbedding}`, () => {
      tf.tidy(() =>
        checkModel(ModelSchema.parse({ kind: 'transformer', layers: 2, dModel: 8, heads: 2, dMlp: 12, layerNorm, tiedEmbedding })),
      );
    });
  }
});
