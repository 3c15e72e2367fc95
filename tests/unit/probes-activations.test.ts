// The per-layer taps (compute/probes/activations.ts) re-run each model's forward pass from its parameters: their
// logits must equal model.forward's, which catches any drift between the taps and the models.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunConfigSchema, type RunConfigInput } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { layerActivations } from '../../src/main/compute/probes/activations';
import { buildProbeModel } from '../../src/main/compute/probes/model-at';

beforeAll(async () => {
  await initBackend('cpu');
});
afterAll(() => tf.disposeVariables());

describe('layer taps', () => {
  it.each([
    ['mlp', { kind: 'mlp', width: 8, depth: 2, embedDim: 3, activation: 'relu' }, ['embed', 'hidden.0', 'hidden.1', 'logits'], [12, 8, 8, 7]],
    [
      'transformer (LayerNorm, tied)',
      { kind: 'transformer', layers: 2, dModel: 8, heads: 2, dMlp: 16, layerNorm: true, tiedEmbedding: true },
      ['embed', 'blocks.0.attn', 'blocks.0', 'blocks.1.attn', 'blocks.1', 'logits'],
      [32, 32, 32, 32, 32, 7],
    ],
    [
      'transformer (Nanda style)',
      { kind: 'transformer', layers: 1, dModel: 8, heads: 2, dMlp: 16, layerNorm: false, tiedEmbedding: false },
      ['embed', 'blocks.0.attn', 'blocks.0', 'logits'],
      [32, 32, 32, 7],
    ],
  ] as const)('%s: layers, widths, and logits equal to model.forward', (_n, model, layers, widths) => {
    const config = RunConfigSchema.parse({
      task: { kind: 'modular', op: 'add', p: 7, trainFraction: 0.5 },
      model: model as RunConfigInput['model'],
      training: { steps: 1 },
    });
    const pm = buildProbeModel(config);
    const rows = pm.rowsOf('val', null);
    const taps = layerActivations(config, pm.model, pm.dataset, rows.batch.input);
    expect(taps.map((t) => t.layer)).toEqual(layers);
    expect(taps.map((t) => t.cols)).toEqual(widths);
    expect(taps.every((t) => t.rows === rows.rows)).toBe(true);
    const ref = tf.tidy(() => pm.model.forward(rows.batch.input).dataSync());
    const logits = taps.at(-1)!.data;
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(logits[i]! - ref[i]!));
    expect(worst).toBeLessThan(1e-4);
    rows.dispose();
    pm.dispose();
  });
});
