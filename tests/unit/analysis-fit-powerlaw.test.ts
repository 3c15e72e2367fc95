import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitLogLog, fitPowerLaw, powerLaw } from '../../src/shared/analysis/fit-powerlaw';
import { seededRandom } from '../../src/shared/analysis/rng';

interface PowerCase {
  name: string;
  r: number[];
  t: number[];
  truth: { a: number; gamma: number; b: number };
  curve_fit: { a: number; gamma: number; b: number; se: number[]; rss: number };
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/analysis/fits.json', import.meta.url), 'utf8')) as {
  powerlaw: PowerCase[];
  loglog: {
    x: number[];
    y: number[];
    slope: number;
    intercept: number;
    r: number;
    slope_se: number;
    intercept_se: number;
    t975: number;
  };
};
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('fitPowerLaw', () => {
  it("the paper's constants need r in percent: 1.09e15·30^(−7.73) + 1442.63 ≈ 5.6k steps", () => {
    const t = powerLaw(30, 1.09e15, 7.73, 1442.63);
    expect(t).toBeGreaterThan(5500);
    expect(t).toBeLessThan(5700);
    expect(powerLaw(0.3, 1.09e15, 7.73, 1442.63)).toBeGreaterThan(1e18); // r as a fraction: nonsense
  });

  for (const c of fixture.powerlaw) {
    it(`matches scipy.optimize.curve_fit on ${c.name}: parameters, standard errors, RSS`, () => {
      const f = fitPowerLaw(c.r, c.t);
      expect(f.converged).toBe(true);
      expect(rel(f.rss, c.curve_fit.rss)).toBeLessThan(1e-9);
      expect(rel(f.a.value, c.curve_fit.a)).toBeLessThan(1e-5);
      expect(rel(f.gamma.value, c.curve_fit.gamma)).toBeLessThan(1e-6);
      expect(Math.abs(f.b.value - c.curve_fit.b)).toBeLessThan(1e-5 * Math.max(1, ...c.t));
      expect(rel(f.a.se, c.curve_fit.se[0]!)).toBeLessThan(1e-4);
      expect(rel(f.gamma.se, c.curve_fit.se[1]!)).toBeLessThan(1e-4);
      expect(rel(f.b.se, c.curve_fit.se[2]!)).toBeLessThan(1e-4);
      expect(f.dof).toBe(c.r.length - 3);
      expect(f.r2).toBeGreaterThan(0.99);
      // Residuals are observed − fitted and their squares add up to the RSS.
      f.residuals.forEach((e, i) => expect(e).toBeCloseTo(c.t[i]! - powerLaw(c.r[i]!, f.a.value, f.gamma.value, f.b.value), 6));
      expect(
        rel(
          f.residuals.reduce((s, e) => s + e * e, 0),
          f.rss,
        ),
      ).toBeLessThan(1e-12);
    });
  }

  it('recovers known parameters from noisy synthetic data, the truth inside each 95% interval', () => {
    const rng = seededRandom(4);
    const truth = { a: 2.0e6, gamma: 1.6, b: 800 };
    const r = Array.from({ length: 30 }, (_, i) => 15 + 2.5 * i);
    const t = r.map((x) => powerLaw(x, truth.a, truth.gamma, truth.b) + 40 * rng.normal());
    const f = fitPowerLaw(r, t);
    for (const key of ['a', 'gamma', 'b'] as const) {
      const [lo, hi] = f[key].ci95;
      expect(lo, key).toBeLessThan(truth[key]);
      expect(hi, key).toBeGreaterThan(truth[key]);
    }
    expect(rel(f.gamma.value, truth.gamma)).toBeLessThan(0.05);
  });

  it('fits noiseless data exactly', () => {
    const r = [20, 30, 40, 50, 60, 70, 80];
    const t = r.map((x) => powerLaw(x, 1.09e15, 7.73, 1442.63));
    const f = fitPowerLaw(r, t);
    expect(rel(f.gamma.value, 7.73)).toBeLessThan(1e-6);
    expect(rel(f.a.value, 1.09e15)).toBeLessThan(1e-5);
    expect(rel(f.b.value, 1442.63)).toBeLessThan(1e-6);
    expect(f.r2).toBeGreaterThan(1 - 1e-12);
  });

  it('the 95% intervals use Student t with n − 3 degrees of freedom', () => {
    const c = fixture.powerlaw[0]!;
    const f = fitPowerLaw(c.r, c.t);
    const half = (f.gamma.ci95[1] - f.gamma.ci95[0]) / 2;
    expect(half / f.gamma.se).toBeCloseTo(2.178812829667, 9); // scipy.stats.t.ppf(0.975, 12)
  });

  it('rejects input it cannot fit, saying why', () => {
    expect(() => fitPowerLaw([20, 30, 40], [3, 2, 1])).toThrow(/at least 4 points/);
    expect(() => fitPowerLaw([20, 30, 40, 0], [4, 3, 2, 1])).toThrow(/r\[3\] is 0/);
    expect(() => fitPowerLaw([20, 20, 30, 30], [4, 3, 2, 1])).toThrow(/3 distinct values of r/);
    expect(() => fitPowerLaw([20, 30, 40, 50], [4, 3, Number.NaN, 1])).toThrow(/t\[2\] is NaN/);
    expect(() => fitPowerLaw([20, 30, 40, 50], [4, 3, 2])).toThrow(/r has 4 values but t has 3/);
  });
});

describe('fitLogLog', () => {
  it('matches scipy.stats.linregress on log10 weight decay vs log10 steps', () => {
    const L = fixture.loglog;
    const f = fitLogLog(L.x, L.y);
    expect(f.slope.value).toBeCloseTo(L.slope, 12);
    expect(f.intercept.value).toBeCloseTo(L.intercept, 12);
    expect(f.r).toBeCloseTo(L.r, 12);
    expect(f.slope.se).toBeCloseTo(L.slope_se, 12);
    expect(f.intercept.se).toBeCloseTo(L.intercept_se, 12);
    expect(f.slope.ci95[1] - f.slope.value).toBeCloseTo(L.t975 * L.slope_se, 10);
    expect(f.prefactor).toBeCloseTo(10 ** L.intercept, 8);
    // 003 App. D: t ∝ 1/γ, so the slope's interval should hold −1 for data built that way.
    expect(f.slope.ci95[0]).toBeLessThan(-1);
    expect(f.slope.ci95[1]).toBeGreaterThan(-1);
  });

  it('is exact on an exact power law', () => {
    const x = [0.01, 0.03, 0.1, 0.3, 1];
    const f = fitLogLog(
      x,
      x.map((v) => 250 * v ** -1.5),
    );
    expect(f.slope.value).toBeCloseTo(-1.5, 12);
    expect(f.prefactor).toBeCloseTo(250, 9);
    expect(f.r2).toBeCloseTo(1, 12);
  });

  it('rejects non-positive values and a single x', () => {
    expect(() => fitLogLog([1, 2, 0], [1, 2, 3])).toThrow(/x > 0, but x\[2\] is 0/);
    expect(() => fitLogLog([1, 2, 3], [1, -2, 3])).toThrow(/y > 0, but y\[1\] is -2/);
    expect(() => fitLogLog([2, 2, 2], [1, 2, 3])).toThrow(/two distinct x/);
    expect(() => fitLogLog([1, 2], [1, 2])).toThrow(/at least 3 points/);
  });
});
