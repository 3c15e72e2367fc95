import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hessianExtremes, lanczosExtremeEigs, type MatVec } from '../../src/shared/analysis/lanczos';
import { seededRandom } from '../../src/shared/analysis/rng';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/analysis/lanczos.json', import.meta.url), 'utf8')) as {
  cases: { name: string; A: number[][]; eigvalsh: number[] }[];
};
const dense =
  (A: number[][]): MatVec =>
  (v) =>
    Float64Array.from(A, (row) => row.reduce((s, a, j) => s + a * v[j]!, 0));
const diagonal =
  (d: ArrayLike<number>): MatVec =>
  (v) =>
    Float64Array.from(v, (x, i) => d[i]! * x);
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** A Hessian-like spectrum: a few outliers, a bulk near zero, some small negative eigenvalues (000 App. B.1). */
function realisticSpectrum(dim: number, seed: number, outliers = [120, 70, 45, 30, 21, 15, 11, 8, 6, 5]): Float64Array {
  const rng = seededRandom(seed);
  const d = Float64Array.from({ length: dim }, () => 0.05 * rng.normal());
  outliers.forEach((v, i) => (d[(i * 7919) % dim] = v));
  return d;
}

describe('lanczosExtremeEigs', () => {
  it('λmax of a realistic Hessian spectrum (d = 20000) to 1e-2 relative within 30 matvecs', async () => {
    const d = realisticSpectrum(20_000, 1);
    const r = await lanczosExtremeEigs(diagonal(d), d.length);
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThanOrEqual(30);
    expect(rel(r.eigenvalues[0]!, 120)).toBeLessThan(1e-2);
    expect(r.residuals[0]!).toBeLessThanOrEqual(1e-2 * r.eigenvalues[0]!);
    console.log(`λmax ${r.eigenvalues[0]} (true 120) after ${r.iterations} matvecs, residual ${r.residuals[0]!.toExponential(2)}`);
  });

  it('converges for every seed tried on the realistic spectrum, and the error stays within the residual bound', async () => {
    for (let seed = 0; seed < 10; seed++) {
      const d = realisticSpectrum(5000, 100 + seed);
      const r = await lanczosExtremeEigs(diagonal(d), d.length, { seed });
      expect(r.converged, `seed ${seed}`).toBe(true);
      expect(r.iterations).toBeLessThanOrEqual(30);
      expect(Math.abs(r.eigenvalues[0]! - 120)).toBeLessThanOrEqual(r.residuals[0]! + 1e-9);
    }
  });

  for (const c of fixture.cases) {
    it(`${c.name} (60×60): matches numpy.linalg.eigvalsh at both ends`, async () => {
      const lo = c.eigvalsh[0]!;
      const hi = c.eigvalsh[c.eigvalsh.length - 1]!;
      // Tight tolerance: both ends to working accuracy.
      const exact = await lanczosExtremeEigs(dense(c.A), 60, { maxIter: 60, tol: 1e-10 });
      expect(exact.converged).toBe(true);
      expect(exact.lambdaMax).toBeCloseTo(hi, 8);
      // The far end was not asked for, but Ritz values interlace: never below the true minimum.
      expect(exact.lambdaMin).toBeGreaterThanOrEqual(lo - 1e-9);
      const k3 = await lanczosExtremeEigs(dense(c.A), 60, { k: 3, maxIter: 60, tol: 1e-10 });
      k3.eigenvalues.forEach((v, i) => expect(v).toBeCloseTo(c.eigvalsh[59 - i]!, 8));
      const sa = await lanczosExtremeEigs(dense(c.A), 60, { which: 'SA', maxIter: 60, tol: 1e-10 });
      expect(sa.eigenvalues[0]).toBeCloseTo(lo, 8);
      // Default tolerance: within 1e-2 relative once converged.
      const quick = await lanczosExtremeEigs(dense(c.A), 60);
      if (quick.converged) expect(rel(quick.eigenvalues[0]!, hi)).toBeLessThan(1e-2);
    });
  }

  it('which LM picks the end of largest magnitude', async () => {
    const r = await lanczosExtremeEigs(diagonal([3, -7, 1, 2, -1]), 5, { which: 'LM', maxIter: 5 });
    expect(r.eigenvalues[0]).toBeCloseTo(-7, 10);
  });

  it('stops early and exactly on an invariant subspace (3 distinct eigenvalues)', async () => {
    const d = Float64Array.from({ length: 300 }, (_, i) => [2, 5, -1][i % 3]!);
    const r = await lanczosExtremeEigs(diagonal(d), 300, { tol: 1e-14 });
    expect(r.iterations).toBe(3);
    expect(r.converged).toBe(true);
    expect(r.ritzValues.map((v) => Number(v.toFixed(10)))).toEqual([5, 2, -1]);
  });

  it('a crowded top (120, 118, 115, 111, …) still gives λmax to 1e-2 within 30 matvecs', async () => {
    const d = realisticSpectrum(20_000, 2, [120, 118, 115, 111, 106, 100, 93, 85, 76, 66, 55, 43]);
    const r = await lanczosExtremeEigs(diagonal(d), d.length);
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThanOrEqual(30);
    expect(rel(r.eigenvalues[0]!, 120)).toBeLessThan(1e-2);
    console.log(`crowded top: λmax ${r.eigenvalues[0]} after ${r.iterations} matvecs`);
  });

  it('accepts an asynchronous matvec (a Hessian-vector product from another process)', async () => {
    const d = realisticSpectrum(2000, 3);
    const r = await lanczosExtremeEigs(async (v) => diagonal(d)(v), d.length);
    expect(rel(r.eigenvalues[0]!, 120)).toBeLessThan(1e-2);
  });

  it('names a bad matvec or bad options', async () => {
    await expect(lanczosExtremeEigs(() => new Float64Array(3), 4)).rejects.toThrow(/returned 3 values for a 4-dimensional/);
    await expect(lanczosExtremeEigs((v) => v.map(() => Number.NaN), 4)).rejects.toThrow(/NaN at index 0 \(iteration 1\)/);
    await expect(lanczosExtremeEigs(diagonal([1, 2]), 2, { k: 3 })).rejects.toThrow(/k must be/);
    await expect(lanczosExtremeEigs(diagonal([1, 2]), 0)).rejects.toThrow(/dimension/);
  });
});

describe('hessianExtremes (λmax, then λmin from H − 0.51·λmax·I)', () => {
  const quadratic = (d: Float64Array): MatVec => {
    // Hessian-vector products of ½θᵀHθ by central differences of its gradient Hθ, as a probe without autograd would.
    const grad = (theta: Float64Array): Float64Array => Float64Array.from(theta, (x, i) => d[i]! * x);
    const theta0 = Float64Array.from({ length: d.length }, (_, i) => Math.sin(i));
    return (v) => {
      const eps = 1e-3;
      const gp = grad(theta0.map((x, i) => x + eps * v[i]!));
      const gm = grad(theta0.map((x, i) => x - eps * v[i]!));
      return gp.map((g, i) => (g - gm[i]!) / (2 * eps));
    };
  };

  it('a quadratic loss ½θᵀHθ with a known diagonal Hessian and a slingshot-like negative curvature', async () => {
    const d = realisticSpectrum(3000, 9);
    d[17] = -20;
    const h = await hessianExtremes(quadratic(d), d.length);
    expect(h.converged).toEqual({ max: true, min: true });
    expect(rel(h.lambdaMax, 120)).toBeLessThan(1e-2);
    expect(h.shift).toBeCloseTo(0.51 * h.lambdaMax, 12);
    expect(h.lambdaMinFrom).toBe('shifted-lm');
    // The tolerance is relative to the shifted value |λmin − σ| ≈ 81.
    expect(Math.abs(h.lambdaMin - -20)).toBeLessThan(1e-2 * Math.abs(-20 - h.shift));
    expect(h.lambdaMin).toBeGreaterThanOrEqual(-20 - 1e-6);
    expect(h.ratio).toBeCloseTo(h.lambdaMin / h.lambdaMax, 12); // with its sign: negative at a slingshot
    console.log(
      `λmax ${h.lambdaMax.toFixed(4)}, λmin ${h.lambdaMin.toFixed(4)} (true 120, −20), matvecs ${h.iterations.max} + ${h.iterations.min}`,
    );
  });

  it('testing convergence from the first matvec (minIter 1) accepts the bulk and misses λmin; the default finds it', async () => {
    const d = realisticSpectrum(3000, 9);
    d[17] = -20;
    const early = await hessianExtremes(quadratic(d), d.length, { minIter: 1 });
    // "Converged" on a Ritz value inside the bulk: within tol of *an* eigenvalue, an upper bound on λmin, but wrong.
    expect(early.converged.min).toBe(true);
    expect(early.lambdaMin).toBeGreaterThan(-1);
    // A smaller negative eigenvalue (−2.5, 2% of λmax) is still found with the default minIter = 20.
    d[17] = -2.5;
    const h = await hessianExtremes(quadratic(d), d.length);
    expect(Math.abs(h.lambdaMin - -2.5)).toBeLessThan(1e-2 * Math.abs(-2.5 - h.shift));
    console.log(
      `λmin −20 with minIter 1: ${early.lambdaMin.toFixed(3)} after ${early.iterations.min} matvecs; λmin −2.5 by default: ${h.lambdaMin.toFixed(4)}`,
    );
  });

  for (const c of fixture.cases) {
    it(`${c.name}: λmax, λmin and the ratio against numpy.linalg.eigvalsh`, async () => {
      const lo = c.eigvalsh[0]!;
      const hi = c.eigvalsh[c.eigvalsh.length - 1]!;
      const h = await hessianExtremes(dense(c.A), 60, { maxIter: 60, tol: 1e-10 });
      expect(h.lambdaMax).toBeCloseTo(hi, 8);
      expect(h.lambdaMin).toBeCloseTo(lo, 8);
      expect(h.ratio!).toBeCloseTo(lo / hi, 8);
      // The random SPD matrix has λmin = 0.1 > 0.02·λmax: the shifted top end wins and the bottom end is asked for.
      expect(h.lambdaMinFrom).toBe(lo > 0.02 * hi ? 'shifted-sa' : 'shifted-lm');
      expect(h.converged).toEqual({ max: true, min: true });
    });
  }
});
