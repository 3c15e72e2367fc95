import { describe, expect, it } from 'vitest';
import { downsampleMinMax } from '../../src/shared/analysis/downsample';

describe('downsampleMinMax', () => {
  it('returns the input unchanged (as plain arrays) when it fits', () => {
    const r = downsampleMinMax(Float64Array.from([0, 10, 20]), Float64Array.from([1, 2, 3]), 4);
    expect(r).toEqual({ steps: [0, 10, 20], values: [1, 2, 3], downsampled: false });
  });

  it('keeps a one-point spike in a 1,000,000-point series within maxPoints (its time is printed)', () => {
    const n = 1_000_000;
    const steps = new Float64Array(n);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      steps[i] = i;
      // a slowly decaying loss with small wiggle
      values[i] = 2 * Math.exp(-i / 200_000) + 0.01 * Math.sin(i / 7);
    }
    const spikeAt = 612_345;
    values[spikeAt] = 50;
    const dipAt = 123_457;
    values[dipAt] = -5;
    const maxPoints = 2000;
    const t0 = performance.now();
    const r = downsampleMinMax(steps, values, maxPoints);
    const ms = performance.now() - t0;
    console.log(`downsampleMinMax: 1e6 → ${r.steps.length} points in ${ms.toFixed(1)} ms`);
    expect(r.downsampled).toBe(true);
    expect(r.steps.length).toBeLessThanOrEqual(maxPoints);
    expect(r.steps.length).toBeGreaterThan(maxPoints * 0.9);
    expect(r.steps.length).toBe(r.values.length);
    const iSpike = r.steps.indexOf(spikeAt);
    expect(iSpike).toBeGreaterThan(0);
    expect(r.values[iSpike]).toBe(50);
    expect(r.values[r.steps.indexOf(dipAt)]).toBe(-5);
    expect(Math.max(...r.values)).toBe(50);
    expect(Math.min(...r.values)).toBe(-5);
    // first and last kept; steps strictly increasing
    expect(r.steps[0]).toBe(0);
    expect(r.steps[r.steps.length - 1]).toBe(n - 1);
    for (let i = 1; i < r.steps.length; i++) expect(r.steps[i]!).toBeGreaterThan(r.steps[i - 1]!);
  });

  it('keeps min and max of each bucket in step order', () => {
    // 2 + 2·3 interior points, maxPoints 8 → 3 buckets of 2 interior points each.
    const steps = [0, 1, 2, 3, 4, 5, 6, 7];
    const values = [0, 5, 1, 2, 9, 8, 3, 4];
    const r = downsampleMinMax(steps, values, 8);
    expect(r.downsampled).toBe(false); // 8 points fit in 8
    const r2 = downsampleMinMax(steps, values, 6);
    // buckets = floor(4/2) = 2 over interior 1..6: [1,2,3] and [4,5,6]
    // bucket 1: min 1 @2, max 5 @1 → steps 1, 2; bucket 2: min 3 @6, max 9 @4 → steps 4, 6
    expect(r2.steps).toEqual([0, 1, 2, 4, 6, 7]);
    expect(r2.values).toEqual([0, 5, 1, 9, 3, 4]);
    expect(r2.downsampled).toBe(true);
  });

  it('keeps an all-NaN bucket as a gap and ignores NaN beside numbers', () => {
    const steps = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const values = [1, NaN, NaN, NaN, 2, NaN, 7, 3, 0];
    const r = downsampleMinMax(steps, values, 6);
    // interior 1..7 in 2 buckets: [1,2,3] (all NaN) and [4..7]
    expect(r.steps).toEqual([0, 1, 4, 6, 8]);
    expect(r.values[1]).toBeNaN();
    expect(r.values.slice(2)).toEqual([2, 7, 0]);
  });

  it('rejects mismatched lengths and too small maxPoints', () => {
    expect(() => downsampleMinMax([1, 2], [1], 10)).toThrow(/differ in length/);
    expect(() => downsampleMinMax([1, 2], [1, 2], 3)).toThrow(/maxPoints/);
  });
});
