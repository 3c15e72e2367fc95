// The per-layer taps (compute/probes/activations.ts) re-run each model's forward pass from its parameters: their
// logits must equal model.forward's (probe-taps-helpers.ts), which catches any drift between the taps and the models.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { RunConfigSchema, type RunConfigInput } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { buildProbeModel } from '../../src/main/compute/probes/model-at';
import { expectTapsMatchForward } from './probe-taps-helpers';

beforeAll(async () => {
  await initBackend('cpu');
});
afterAll(() => tf.disposeVariables());

describe('layer taps', () => {
  it.each([
    [
      'mlp',
      { kind: 'mlp', width: 8, depth: 2, embedDim: 3, activation: 'relu' },
      ['embed', 'hidden.0', 'hidden.1', 'logits'],
      [12, 8, 8, 7],
    ],
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
    expectTapsMatchForward(config, pm, 'val', layers, widths);
    pm.dispose();
  });
});
