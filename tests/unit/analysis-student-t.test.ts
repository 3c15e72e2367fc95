import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { incompleteBeta, logGamma, studentTCdf, studentTQuantile } from '../../src/shared/analysis/student-t';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/analysis/student_t.json', import.meta.url), 'utf8')) as {
  ppf: { nu: number; p: number; t: number }[];
  cdf: { nu: number; t: number; p: number }[];
  betainc: { x: number; a: number; b: number; I: number }[];
};

describe('Student t against scipy.stats (fixture from gen_student_t.py)', () => {
  it('quantiles match scipy.stats.t.ppf to 1e-9 relative', () => {
    for (const { nu, p, t } of fixture.ppf) {
      const q = studentTQuantile(p, nu);
      expect(Math.abs(q - t), `ν=${nu} p=${p}: ${q} vs ${t}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(t)));
    }
  });
  it('the CDF matches scipy.stats.t.cdf to 1e-12', () => {
    for (const { nu, t, p } of fixture.cdf) expect(studentTCdf(t, nu)).toBeCloseTo(p, 12);
  });
  it('the regularised incomplete beta matches scipy.special.betainc to 1e-12', () => {
    for (const { x, a, b, I } of fixture.betainc) expect(incompleteBeta(x, a, b)).toBeCloseTo(I, 12);
  });
});

describe('Student t closed forms', () => {
  it('ν = 1 is the Cauchy distribution and ν = 2 has an algebraic quantile', () => {
    for (const p of [0.6, 0.9, 0.975, 0.999]) {
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 8);
      expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 10);
    }
  });
  it('is symmetric, tends to the normal 1.959964 for large ν, and logΓ(n) = log((n−1)!)', () => {
    expect(studentTQuantile(0.025, 7)).toBeCloseTo(-studentTQuantile(0.975, 7), 12);
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5);
    expect(logGamma(6)).toBeCloseTo(Math.log(120), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });
  it('rejects impossible arguments', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(/probability in \(0, 1\)/);
    expect(() => studentTQuantile(0.9, 0)).toThrow(/degrees of freedom/);
  });
});
