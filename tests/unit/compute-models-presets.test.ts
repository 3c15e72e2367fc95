// The two published transformer settings (004 §3) and that the schema's defaults are Power et al.'s.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSFORMER_PRESETS, TransformerModelSchema } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { createModel } from '../../src/main/compute/models/create';
import { Rng } from '../../src/main/compute/engine/rng';

beforeAll(async () => {
  await initBackend('cpu');
});
afterAll(() => tf.disposeVariables());

const nonEmbedding = (cfg: object, shape: { vocabSize: number; seqLen: number; numClasses: number }) =>
  createModel(TransformerModelSchema.parse({ kind: 'transformer', ...cfg }), shape, new Rng(0))
    .params.filter((p) => !['embed.weight', 'pos.weight', 'unembed.weight'].includes(p.name))
    .reduce((n, p) => n + p.variable.size, 0);

describe('transformer presets', () => {
  it('power is the schema default: 2 layers, d 128, 4 heads, FFN 4·d, LayerNorm, tied; ≈ 4·10⁵ non-embedding parameters', () => {
    expect(TransformerModelSchema.parse({ kind: 'transformer' })).toEqual({ kind: 'transformer', ...TRANSFORMER_PRESETS.power });
    expect(TRANSFORMER_PRESETS.power.dMlp).toBe(4 * TRANSFORMER_PRESETS.power.dModel);
    // per layer: 4·d² attention + 2·d·4d + 4d + d FFN + 4d LayerNorm; plus the final LayerNorm
    const d = 128;
    const want = 2 * (4 * d * d + 8 * d * d + 5 * d + 4 * d) + 2 * d;
    const n = nonEmbedding(TRANSFORMER_PRESETS.power, { vocabSize: 99, seqLen: 4, numClasses: 97 });
    expect(n).toBe(want);
    expect(Math.abs(n - 4e5) / 4e5).toBeLessThan(0.02); // "approximately 4·10⁵ non-embedding parameters" (004 §3)
  });

  it('nanda: 1 layer, d_mlp 512, no LayerNorm, separate unembedding', () => {
    const m = createModel(
      TransformerModelSchema.parse({ kind: 'transformer', ...TRANSFORMER_PRESETS.nanda }),
      { vocabSize: 114, seqLen: 3, numClasses: 113 },
      new Rng(0),
    );
    const names = m.params.map((p) => p.name);
    expect(names.some((n) => n.includes('ln'))).toBe(false);
    expect(names.filter((n) => n.startsWith('blocks.')).every((n) => n.startsWith('blocks.0.'))).toBe(true);
    expect(m.params.find((p) => p.name === 'blocks.0.mlp.fc.weight')!.variable.shape).toEqual([128, 512]);
    expect(m.params.find((p) => p.name === 'unembed.weight')!.variable.shape).toEqual([128, 113]);
  });
});
