// Kernel coverage and the exactness of the engine's shortcuts: one training step of every model kind on every
// backend present (wasm, cpu, and tensorflow when @tensorflow/tfjs-node(-gpu) loads) gives finite and equal losses,
// and the transformer's prefix-shared forward (engine/prefix, engine/transformer-prefix) equals the reference forward in value and gradient.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { RunConfigSchema, TransformerModelSchema, type RunConfig, type RunConfigInput } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { fastForward } from '../../src/main/compute/engine/fast-paths';
import { buildPrefixPlan } from '../../src/main/compute/engine/prefix';
import type { ModelInput } from '../../src/main/compute/models/layers';
import { createTransformer } from '../../src/main/compute/models/transformer';
import { Rng } from '../../src/main/compute/engine/rng';
import { Trainer } from '../../src/main/compute/train/trainer';

afterAll(() => tf.disposeVariables());

const MODELS: Record<string, RunConfigInput['model']> = {
  mlp: { kind: 'mlp', embedDim: 8, width: 24, depth: 2, activation: 'gelu' },
  'transformer (Power: 2 layers, LayerNorm, tied)': {
    kind: 'transformer',
    layers: 2,
    dModel: 16,
    heads: 4,
    dMlp: 32,
    layerNorm: true,
    tiedEmbedding: true,
  },
  'transformer (Nanda: 1 layer, no LayerNorm, untied)': {
    kind: 'transformer',
    layers: 1,
    dModel: 16,
    heads: 4,
    dMlp: 32,
    layerNorm: false,
    tiedEmbedding: false,
  },
  lstm: { kind: 'lstm', embedDim: 8, hidden: 16, layers: 2 },
};

function config(model: RunConfigInput['model'], encoding: 'power' | 'three-token'): RunConfig {
  return RunConfigSchema.parse({
    seed: 3,
    task: { kind: 'modular', op: 'add', p: 11, trainFraction: 0.5, encoding },
    model,
    optimizer: { lr: 1e-2, weightDecay: 1, warmupSteps: 0 },
    training: { steps: 3 },
  });
}

/** Which backends this machine has: wasm and cpu always, tensorflow only when a native binding loads. */
async function backendsPresent(): Promise<string[]> {
  const present = ['wasm', 'cpu'];
  try {
    await initBackend('tensorflow');
    present.push('tensorflow');
  } catch {
    // not installed: covered where it is
  }
  return present;
}

/** Losses of three full-batch steps (so the second and third also check the gradients and update of the first). */
async function losses(cfg: RunConfig, backend: string): Promise<number[]> {
  await initBackend(backend as 'wasm');
  const t = new Trainer({ ...cfg, backend: backend as 'wasm' });
  try {
    return [(await t.update(false)).loss, (await t.update(false)).loss, (await t.update(false)).loss];
  } finally {
    t.dispose();
  }
}

describe('kernel coverage: one training step of every model on every backend', async () => {
  const backends = await backendsPresent();
  for (const [name, model] of Object.entries(MODELS)) {
    for (const encoding of ['power', 'three-token'] as const) {
      it(`${name}, ${encoding} encoding: finite losses, equal across ${backends.join(', ')}`, async () => {
        const cfg = config(model, encoding);
        const byBackend = new Map<string, number[]>();
        for (const b of backends) byBackend.set(b, await losses(cfg, b));
        const ref = byBackend.get('cpu')!;
        for (const [b, ls] of byBackend) {
          for (const l of ls) expect(Number.isFinite(l), `${b}: loss ${l}`).toBe(true);
          ls.forEach((l, i) =>
            expect(Math.abs(l - ref[i]!) / Math.abs(ref[i]!), `${b} step ${i + 1}: ${l} vs cpu ${ref[i]}`).toBeLessThan(1e-4),
          );
        }
        expect(ref[2]).toBeLessThan(ref[0]!); // the steps train
      });
    }
  }
});

describe('prefix-shared transformer forward', () => {
  const shape = { vocabSize: 9, seqLen: 4, numClasses: 7 };
  // repeated prefixes, a duplicated row and rows out of order, so nodes are shared and the last gather is needed
  const rows = [
    [3, 7, 1, 8],
    [3, 7, 2, 8],
    [0, 7, 2, 8],
    [3, 7, 1, 8],
    [6, 7, 6, 8],
    [0, 7, 5, 8],
  ];
  const input = (): ModelInput => {
    const tokens = Int32Array.from(rows.flat());
    const onehot = tf.cast(tf.oneHot(tf.tensor1d(tokens, 'int32'), shape.vocabSize), 'float32') as tf.Tensor2D;
    return { batch: rows.length, onehot, onehotT: tf.transpose(onehot) as tf.Tensor2D, tokens };
  };

  it('numbers distinct prefixes per position, with their ancestors', () => {
    const plan = buildPrefixPlan(Int32Array.from(rows.flat()), rows.length, 4, 9);
    // position 0: {3, 0, 6}; 1: same three; 2: {371, 372, 072, 676, 075}; 3: five
    expect(Array.from(plan.offset)).toEqual([0, 3, 6, 11, 16]);
    expect(plan.nodes).toBe(16);
    expect(Array.from(plan.lastNode)).toEqual([11, 12, 13, 11, 14, 15]);
    // row 1's last node: ancestors are ⟨3⟩, ⟨3,7⟩, ⟨3,7,2⟩, itself
    expect(Array.from(plan.ancestors.subarray(12 * 4, 13 * 4))).toEqual([0, 3, 7, 12]);
    // a position-1 node points at itself after its own position
    expect(Array.from(plan.ancestors.subarray(4 * 4, 5 * 4))).toEqual([1, 4, 4, 4]);
    expect(plan.slot[7]).toBe(2 * 9 + 2);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    for (const [name, m] of [
      ['Power setting', { kind: 'transformer', layers: 2, dModel: 16, heads: 4, dMlp: 24, layerNorm: true, tiedEmbedding: true }],
      ['Nanda setting', { kind: 'transformer', layers: 1, dModel: 16, heads: 2, dMlp: 24, layerNorm: false, tiedEmbedding: false }],
      ['3 layers', { kind: 'transformer', layers: 3, dModel: 8, heads: 2, dMlp: 16, layerNorm: true, tiedEmbedding: false }],
    ] as const) {
      it(`${backend}, ${name}: the same logits and gradients as the dense forward`, async () => {
        await initBackend(backend);
        const model = createTransformer(TransformerModelSchema.parse(m), shape, new Rng(5));
        const inp = input();
        const vars = model.params.map((p) => p.variable);
        const weights = tf.randomNormal([rows.length, shape.numClasses], 0, 1, 'float32', 9);
        const run = (f: (i: ModelInput) => tf.Tensor2D) =>
          tf.tidy(() => {
            const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(f(inp), weights)) as tf.Scalar, vars);
            return {
              logits: Array.from(f(inp).dataSync()),
              value: value.dataSync()[0]!,
              grads: vars.map((v) => Array.from(grads[v.name]!.dataSync())),
            };
          });
        const fast = run(fastForward(model)!);
        const dense = run(model.forward);
        fast.logits.forEach((x, i) => expect(x).toBeCloseTo(dense.logits[i]!, 4));
        fast.grads.forEach((g, k) =>
          g.forEach((x, i) =>
            expect(Math.abs(x - dense.grads[k]![i]!), `${model.params[k]!.name}[${i}]`).toBeLessThan(
              1e-4 * (1 + Math.abs(dense.grads[k]![i]!)),
            ),
          ),
        );
        tf.dispose([inp.onehot, inp.onehotT, weights, ...vars]);
      });
    }
  }
});
