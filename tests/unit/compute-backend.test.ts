import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/compute/engine/backend';

describe('backend choice', () => {
  it('auto falls back to wasm and says why tensorflow was skipped', async () => {
    const info = await initBackend('auto');
    expect(info.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    // neither native binding can be installed here (libtensorflow download)
    expect(info.notes).toContain('tensorflow: @tensorflow/tfjs-node-gpu not installed');
    expect(info.notes).toContain('tensorflow: @tensorflow/tfjs-node not installed');
    expect(info.notes.some((n) => n.startsWith('wasm: '))).toBe(true);
  });

  it('an explicit tensorflow choice that cannot load is an error naming why', async () => {
    await expect(initBackend('tensorflow')).rejects.toThrow(
      'backend "tensorflow" is not available: @tensorflow/tfjs-node-gpu not installed; @tensorflow/tfjs-node not installed',
    );
  });

  it('switches between wasm and cpu and computes the same product on both', async () => {
    const product = () =>
      tf.tidy(() =>
        Array.from(
          tf
            .matMul(
              tf.tensor2d([
                [1, 2],
                [3, 4],
              ]),
              tf.tensor2d([[5], [6]]),
            )
            .dataSync(),
        ),
      );
    expect((await initBackend('cpu')).backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const onCpu = product();
    expect((await initBackend('wasm')).backend).toBe('wasm');
    expect(product()).toEqual(onCpu);
    expect(onCpu).toEqual([17, 39]);
  });
});
