// The check the per-layer tap tests share: the taps re-run a model's forward pass from its parameters, so their last
// tap (the logits) must equal model.forward's, which catches any drift between compute/probes/activations.ts and
// the models.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { RunConfig } from '../../src/shared/config/run-config';
import { layerActivations } from '../../src/main/compute/probes/activations';
import type { ProbeModel } from '../../src/main/compute/probes/model-at';

/** Taps `split`'s rows through `pm`: the layers and widths expected, one row per sample, logits equal to
 *  model.forward's within 1e-4. */
export function expectTapsMatchForward(
  config: RunConfig,
  pm: ProbeModel,
  split: 'train' | 'val',
  layers: readonly string[],
  widths: readonly number[],
): void {
  const rows = pm.rowsOf(split, null);
  try {
    const taps = layerActivations(config, pm.model, pm.dataset, rows.batch.input);
    expect(taps.map((t) => t.layer)).toEqual(layers);
    expect(taps.map((t) => t.cols)).toEqual(widths);
    expect(taps.every((t) => t.rows === rows.rows)).toBe(true);
    const ref = tf.tidy(() => pm.model.forward(rows.batch.input).dataSync());
    const logits = taps.at(-1)!.data;
    expect(logits.length).toBe(ref.length);
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(logits[i]! - ref[i]!));
    expect(worst).toBeLessThan(1e-4);
  } finally {
    rows.dispose();
  }
}
