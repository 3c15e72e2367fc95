import { describe, expect, it } from 'vitest';
import { emaSmooth } from '../../src/shared/analysis/smoothing';

describe('emaSmooth (TensorBoard debiased EMA)', () => {
  it('keeps a constant series constant from the first point (the point of debiasing)', () => {
    const out = emaSmooth(new Array(50).fill(3.5), 0.9);
    for (const v of out) expect(v).toBeCloseTo(3.5, 12);
  });

  it('matches the closed form for a step input', () => {
    // 0 for k points, then 1: smoothed_n = (1 − w^(n−k)) / (1 − w^n) for n > k (n counts from 1).
    const w = 0.8;
    const k = 5;
    const input = Array.from({ length: 40 }, (_, i) => (i < k ? 0 : 1));
    const out = emaSmooth(input, w);
    for (let i = 0; i < input.length; i++) {
      const n = i + 1;
      const expected = n <= k ? 0 : (1 - w ** (n - k)) / (1 - w ** n);
      expect(out[i]).toBeCloseTo(expected, 12);
    }
    // It lags: not yet at 1 right after the step, monotone towards it.
    expect(out[k]).toBeLessThan(0.5);
    expect(out[39]).toBeGreaterThan(0.99);
  });

  it('computes two points by hand', () => {
    // last1 = 0.5·1 = 0.5 → /0.5 = 1; last2 = 0.25 + 1 = 1.25 → /0.75 = 5/3
    const out = emaSmooth([1, 2], 0.5);
    expect(out[0]).toBeCloseTo(1, 12);
    expect(out[1]).toBeCloseTo(5 / 3, 12);
  });

  it('returns the input for w = 0', () => {
    const input = Float64Array.from([3, 1, 4, 1, 5, NaN, 9]);
    const out = emaSmooth(input, 0);
    expect(out).toEqual([3, 1, 4, 1, 5, NaN, 9]);
    expect(Array.isArray(out)).toBe(true);
  });

  it('passes non-finite values through without updating the state', () => {
    const out = emaSmooth([0, NaN, Infinity, 1], 0.5);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBe(Infinity);
    // The 1 is the second finite point: (0·0.5 + 0.5·1) / (1 − 0.25) = 2/3.
    expect(out[3]).toBeCloseTo(2 / 3, 12);
  });

  it('handles empty input and rejects weights outside [0, 1)', () => {
    expect(emaSmooth([], 0.6)).toEqual([]);
    expect(() => emaSmooth([1], 1)).toThrow(/\[0, 1\)/);
    expect(() => emaSmooth([1], -0.1)).toThrow(/smoothing weight/);
    expect(() => emaSmooth([1], NaN)).toThrow(/smoothing weight/);
  });
});
