import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlpModelSchema, TransformerModelSchema } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { createModel, paramCount } from '../../src/main/compute/models/create';
import type { ModelInput } from '../../src/main/compute/models/layers';
import { createTransformer } from '../../src/main/compute/models/transformer';
import { Rng } from '../../src/main/compute/engine/rng';

beforeAll(async () => {
  await initBackend('cpu');
});
afterAll(() => tf.disposeVariables());

const shape = { vocabSize: 13, seqLen: 4, numClasses: 11 };

function input(rows: number[][], vocab = shape.vocabSize): ModelInput {
  const onehot = tf.cast(tf.oneHot(tf.tensor1d(rows.flat(), 'int32'), vocab), 'float32') as tf.Tensor2D;
  return { batch: rows.length, onehot, onehotT: tf.transpose(onehot) as tf.Tensor2D };
}

const batch = [
  [0, 11, 3, 12],
  [5, 11, 7, 12],
  [10, 11, 10, 12],
];

describe('models', () => {
  it('MLP maps a batch to [batch, p] logits with the expected parameter count', () => {
    const cfg = MlpModelSchema.parse({ kind: 'mlp', embedDim: 6, width: 10, depth: 2, activation: 'gelu' });
    const model = createModel(cfg, shape, new Rng(1));
    const logits = model.forward(input(batch));
    expect(logits.shape).toEqual([3, 11]);
    expect(paramCount(model)).toBe(13 * 6 + (4 * 6 * 10 + 10) + (10 * 10 + 10) + (10 * 11 + 11));
    expect(model.params.map((p) => p.name)).toEqual([
      'embed.weight',
      'hidden.0.weight',
      'hidden.0.bias',
      'hidden.1.weight',
      'hidden.1.bias',
      'out.weight',
      'out.bias',
    ]);
  });

  it('the same seed gives the same initial weights, another seed different ones', () => {
    const cfg = MlpModelSchema.parse({ kind: 'mlp', embedDim: 4, width: 8, depth: 1 });
    const w = (seed: number) => Array.from(createModel(cfg, shape, new Rng(seed)).params[1]!.variable.dataSync());
    expect(w(3)).toEqual(w(3));
    expect(w(3)).not.toEqual(w(4));
  });

  for (const variant of [
    { layerNorm: true, tiedEmbedding: true },
    { layerNorm: false, tiedEmbedding: false },
  ]) {
    it(`transformer (${JSON.stringify(variant)}) gives [batch, p] logits and is causal`, () => {
      const cfg = TransformerModelSchema.parse({ kind: 'transformer', layers: 2, dModel: 8, heads: 2, dMlp: 16, ...variant });
      const model = createTransformer(cfg, shape, new Rng(2));
      const x = input(batch);
      const last = model.forward(x);
      expect(last.shape).toEqual([3, 11]);
      const all = model.forwardAll(x);
      expect(all.shape).toEqual([3, 4, 11]);
      // the fast last-position path equals the full computation's last position
      const lastOfAll = tf.squeeze(tf.slice(all, [0, 3, 0], [3, 1, 11]), [1]);
      expect(tf.max(tf.abs(tf.sub(last, lastOfAll))).dataSync()[0]).toBeLessThan(1e-4);

      // changing token 2 (b) leaves positions 0 and 1 unchanged and changes positions 2 and 3
      const changed = model.forwardAll(input(batch.map((r) => [r[0]!, r[1]!, (r[2]! + 5) % 11, r[3]!])));
      const diffAt = (pos: number) =>
        tf.max(tf.abs(tf.sub(tf.slice(all, [0, pos, 0], [3, 1, 11]), tf.slice(changed, [0, pos, 0], [3, 1, 11])))).dataSync()[0]!;
      expect(diffAt(0)).toBe(0);
      expect(diffAt(1)).toBe(0);
      expect(diffAt(2)).toBeGreaterThan(1e-4);
      expect(diffAt(3)).toBeGreaterThan(1e-4);
    });
  }

  it('tied embedding has no unembedding matrix and reads logits from the number-token rows', () => {
    const tied = createTransformer(
      TransformerModelSchema.parse({ kind: 'transformer', layers: 1, dModel: 8, heads: 2, dMlp: 8, tiedEmbedding: true }),
      shape,
      new Rng(0),
    );
    const untied = createTransformer(
      TransformerModelSchema.parse({ kind: 'transformer', layers: 1, dModel: 8, heads: 2, dMlp: 8, tiedEmbedding: false }),
      shape,
      new Rng(0),
    );
    expect(tied.params.some((p) => p.name === 'unembed.weight')).toBe(false);
    expect(untied.params.find((p) => p.name === 'unembed.weight')?.variable.shape).toEqual([8, 11]);
    // zeroing the embedding rows of the non-number tokens (op, '=') must not change how logits read number rows:
    // with tied weights, scaling number-token row c scales only the input it embeds and logit c's weight
    const embed = tied.params.find((p) => p.name === 'embed.weight')!.variable;
    const x = input([[1, 11, 2, 12]]);
    const before = tied.forward(x).dataSync();
    const e = embed.arraySync() as number[][];
    e[9] = e[9]!.map((v) => v * 2); // token 9 is not in the input: only logit 9 can change
    embed.assign(tf.tensor(e));
    const after = tied.forward(x).dataSync();
    for (let c = 0; c < 11; c++) {
      if (c === 9) expect(Math.abs(after[c]! - 2 * before[c]!)).toBeLessThan(1e-4);
      else expect(after[c]).toBeCloseTo(before[c]!, 5);
    }
  });
});
