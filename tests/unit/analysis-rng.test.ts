import { describe, expect, it } from 'vitest';
import { seededRandom, shuffleInPlace } from '../../src/shared/analysis/rng';

describe('seededRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
  });

  it('draws uniforms in [0, 1) with mean 1/2 and variance 1/12, normals with mean 0 and variance 1', () => {
    const r = seededRandom(1);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      s += u;
      s2 += u * u;
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(s / n - 0.5)).toBeLessThan(0.005); // 5 standard errors
    expect(Math.abs(s2 / n - (s / n) ** 2 - 1 / 12)).toBeLessThan(0.002);
    let g = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      g += z;
      g2 += z * z;
    }
    expect(Math.abs(g / n)).toBeLessThan(0.016);
    expect(Math.abs(g2 / n - 1)).toBeLessThan(0.023);
  });

  it('shuffles into a permutation and rejects a non-finite seed', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = shuffleInPlace(items.slice(), seededRandom(3));
    expect(shuffled).not.toEqual(items);
    expect(shuffled.slice().sort((x, y) => x - y)).toEqual(items);
    expect(() => seededRandom(Number.NaN)).toThrow(/seed/);
  });
});
