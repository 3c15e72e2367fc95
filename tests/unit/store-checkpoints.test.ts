import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/main/store/checkpoint-codec';
import type { TrainingState } from '../../src/main/protocol/training-state';
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
      // compact: the header plus at most the raw floats and deflate's few bytes of framing
      expect(blob.length).toBeLessThan(12 + 300 + 15 * 4 + 4 + 16);
    }
  });

  it('compresses losslessly (byte-shuffled deflate) and still reads raw format-1 blobs', () => {
    // weights of a trained layer: similar magnitudes, so exponent bytes repeat
    const w = new Float32Array(4096).map((_, i) => Math.fround(0.05 * Math.sin(i * 0.37) + 0.001 * Math.cos(i * 1.7)));
    const s: TrainingState = { step: 3, params: [{ name: 'w', shape: [64, 64], data: w }], optimizer: [], rng: [1, -1, 5, 6] };
    const packed = encodeCheckpoint(s);
    const raw = encodeCheckpoint(s, { compress: false });
    expect(packed.readUInt32LE(4)).toBe(2);
    expect(raw.readUInt32LE(4)).toBe(1);
    expect(packed.length).toBeLessThan(0.9 * raw.length);
    for (const blob of [packed, raw]) {
      const back = decodeCheckpoint(new Uint8Array(blob));
      expect(Buffer.from(back.params[0]!.data.buffer)).toEqual(Buffer.from(w.buffer));
      expect(back.rng).toEqual([1, -1, 5, 6]);
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
    expect(store.checkpoints.list(run)).toEqual([{ step: 100, bytes }]);
    const bytes200 = store.checkpoints.save(run, state(200, 2), 't2');
    // the older one is thinned to an analysis copy: weights and rng kept, optimiser slots dropped
    const [c100, c200] = store.checkpoints.list(run);
    expect(c200).toEqual({ step: 200, bytes: bytes200 });
    expect(c100!.step).toBe(100);
    expect(c100!.bytes).toBeLessThan(bytes);
    const thin = store.checkpoints.load(run, 100)!;
    expect(thin.optimizer).toEqual([]);
    expect(thin.rng).toEqual([123456789, 42, 7]);
    expect(thin.params[0]!.data[1]).toBe(Math.fround(0.1 - 100));
    expect(store.checkpoints.latest(run)!.optimizer.map((o) => o.name)).toEqual(['ww/m']);
    expect(store.checkpoints.latest(run)!.step).toBe(200);
    expect(store.checkpoints.load(run, 150)).toBeUndefined();
    store.close();
  });
});
