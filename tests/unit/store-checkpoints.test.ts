import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/main/store/checkpoint-codec';
import type { TrainingState } from '../../src/main/compute/protocol';
import { OWNER, smallConfig, tempDir } from './store-helpers';

const tmp = tempDir('store-ckpt');
afterAll(() => tmp.cleanup());

const state = (step: number, nameLen: number): TrainingState => {
  const w = new Float32Array(6).map((_, i) => Math.fround(i * 0.1 - step));
  return {
    step,
    // names of varying length shift the header, so the float section's alignment is exercised
    params: [
      { name: 'w'.repeat(nameLen), shape: [2, 3], data: w },
      { name: 'b', shape: [3], data: new Float32Array([NaN, Infinity, -0]) },
    ],
    optimizer: [{ name: `${'w'.repeat(nameLen)}/m`, shape: [2, 3], data: new Float32Array(6).fill(1e-30) }],
    rng: [123456789, 42, 7],
  };
};

describe('checkpoint codec', () => {
  it('round-trips weights, optimiser slots, step and rng state bit for bit, whatever the header length', () => {
    for (let len = 1; len <= 4; len++) {
      const s = state(7, len);
      const blob = encodeCheckpoint(s);
      const back = decodeCheckpoint(new Uint8Array(blob));
      expect(back.step).toBe(7);
      expect(back.rng).toEqual([123456789, 42, 7]);
      expect(back.params.map((p) => [p.name, p.shape])).toEqual(s.params.map((p) => [p.name, p.shape]));
      for (const [i, p] of back.params.entries()) expect(Buffer.from(p.data.buffer)).toEqual(Buffer.from(s.params[i]!.data.buffer));
      expect(Array.from(back.optimizer[0]!.data)).toEqual(Array.from(s.optimizer[0]!.data));
      // compact: the header plus the raw floats, nothing more
      expect(blob.length).toBeLessThan(12 + 300 + 15 * 4 + 4);
    }
  });

  it('rejects blobs that are not checkpoints, or truncated ones, with a clear message', () => {
    expect(() => decodeCheckpoint(new Uint8Array(Buffer.from('hello world, not a checkpoint')))).toThrow(/bad magic/);
    const blob = encodeCheckpoint(state(1, 1));
    expect(() => decodeCheckpoint(blob.subarray(0, blob.length - 4))).toThrow(/truncated/);
    expect(() =>
      encodeCheckpoint({ step: 0, params: [{ name: 'w', shape: [2, 2], data: new Float32Array(3) }], optimizer: [], rng: [] }),
    ).toThrow(/shape \[2, 2\] needs 4 values, got 3/);
  });
});

describe('checkpoints repository', () => {
  it('stores checkpoints per step and loads one or the latest', () => {
    const store = openStore(tmp.file('ckpt.db'));
    const run = store.runs.insert({ name: 'r', config: smallConfig(), createdAt: 't', owner: OWNER });
    const bytes = store.checkpoints.save(run, state(100, 2), 't1');
    store.checkpoints.save(run, state(200, 2), 't2');
    expect(store.checkpoints.list(run)).toEqual([
      { step: 100, bytes },
      { step: 200, bytes },
    ]);
    expect(store.checkpoints.load(run, 100)!.params[0]!.data[1]).toBe(Math.fround(0.1 - 100));
    expect(store.checkpoints.latest(run)!.step).toBe(200);
    expect(store.checkpoints.load(run, 150)).toBeUndefined();
    store.close();
  });
});
