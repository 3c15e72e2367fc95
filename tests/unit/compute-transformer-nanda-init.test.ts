// weightInit 'nanda' against Nanda et al.'s init as Omnigrok's notebook writes it (mod-addition/grokking): W_E, W_pos,
// W_Q/K/V, W_O, W_in, W_out ~ randn/√d_model, W_U ~ randn/√d_vocab, b_in = b_out = 0. Its expected norm is what α of
// 003 App. C multiplies: ≈ 42 at the paper's size (Fig. 9a's initial weight norm).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelSchema } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { Rng } from '../../src/main/compute/engine/rng';
import { createModel } from '../../src/main/compute/models/create';

beforeAll(async () => {
  await initBackend('cpu');
});
afterAll(() => tf.disposeVariables());

/** the notebook's standard deviation of each parameter, by our names (d_vocab = p + 1: the '=' token is a row of W_E) */
function nandaStd(name: string, d: number, vocab: number): number {
  if (name.endsWith('.bias')) return 0;
  if (name === 'unembed.weight') return 1 / Math.sqrt(vocab);
  return 1 / Math.sqrt(d);
}

function model(d: number, p: number) {
  const cfg = ModelSchema.parse({
    kind: 'transformer',
    layers: 1,
    dModel: d,
    heads: 4,
    dMlp: 4 * d,
    layerNorm: false,
    tiedEmbedding: false,
    weightInit: 'nanda',
  });
  return createModel(cfg, { vocabSize: p + 1, seqLen: 3, numClasses: p }, new Rng(3));
}

describe("transformer weightInit 'nanda'", () => {
  it('draws every parameter at Nanda’s scale, biases zero', () => {
    const d = 64;
    const p = 59;
    const m = model(d, p);
    expect(m.params.map((q) => q.name).sort()).toEqual(
      [
        'embed.weight',
        'pos.weight',
        'blocks.0.attn.q.weight',
        'blocks.0.attn.k.weight',
        'blocks.0.attn.v.weight',
        'blocks.0.attn.proj.weight',
        'blocks.0.mlp.fc.weight',
        'blocks.0.mlp.fc.bias',
        'blocks.0.mlp.out.weight',
        'blocks.0.mlp.out.bias',
        'unembed.weight',
      ].sort(),
    );
    for (const q of m.params) {
      const v = Array.from(q.variable.dataSync());
      const want = nandaStd(q.name, d, p + 1);
      if (want === 0) {
        expect(v.every((x) => x === 0)).toBe(true);
        continue;
      }
      const rms = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
      // the sample RMS of n normals is within a few 1/√(2n) of σ
      expect(Math.abs(rms / want - 1)).toBeLessThan(5 / Math.sqrt(2 * v.length));
    }
  });

  it('has the paper model’s initial norm, ≈ 42 at p = 113, d 128 (Fig. 9a)', () => {
    const d = 128;
    const p = 113;
    const m = model(d, p);
    const norm = Math.sqrt(m.params.reduce((s, q) => s + Array.from(q.variable.dataSync()).reduce((a, x) => a + x * x, 0), 0));
    // E‖θ‖² = Σ n_i σ_i²: W_E (p+1)·d/d, W_pos 3·d/d, Q K V O 4·d²/d, W_in and W_out 2·4d·d/d, W_U d·p/(p+1)
    const expected = Math.sqrt(p + 1 + 3 + 4 * d + 8 * d + (d * p) / (p + 1));
    expect(expected).toBeCloseTo(42.2, 1);
    expect(Math.abs(norm / expected - 1)).toBeLessThan(0.01);
  });
});
