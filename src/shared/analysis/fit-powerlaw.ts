// Fits of the papers' scaling laws, with standard errors and 95% confidence intervals.
//
// fitPowerLaw: t = a·r^(−γ) + b (000 App. A.3: t4 as a function of the training fraction r), by nonlinear least
//   squares. r is in PERCENT: the paper's constants (γ, a, b) = (7.73, 1.09e15, 1442.63) for modular addition give
//   a·30^(−7.73) + b ≈ 5.6k steps at r = 30%, and nonsense (≈ 1e19 steps) with r = 0.3.
//   Method: Levenberg-Marquardt on (ln a, γ, b), which keeps a > 0 and tames a's scale (1e15), started from the
//   best of several log-log line fits of ln(t − b₀) against ln r for trial offsets b₀ < min t. Standard errors are
//   those of scipy.optimize.curve_fit (absolute_sigma = False): cov = s²·(JᵀJ)⁻¹ with J the Jacobian in (a, γ, b) at
//   the optimum and s² = RSS/(n − 3); the intervals are value ± t_{0.975, n−3}·se.
//
// fitLogLog: log10 y = intercept + slope·log10 x by ordinary least squares (003 App. D: time to generalise against
//   weight decay, t ∝ wd^(−k), so k = −slope), with scipy.stats.linregress's standard errors and t-intervals.
import { invertSPD, type Matrix } from './linalg';
import { studentTQuantile } from './student-t';
import { centredMoments } from './rank-correlation';

export interface Estimate {
  value: number;
  /** standard error */
  se: number;
  /** 95% confidence interval [value − t·se, value + t·se] */
  ci95: [number, number];
}

export interface PowerLawFit {
  a: Estimate;
  gamma: Estimate;
  b: Estimate;
  /** observed − fitted, in input order */
  residuals: number[];
  rss: number;
  r2: number;
  n: number;
  /** degrees of freedom n − 3 */
  dof: number;
  iterations: number;
  converged: boolean;
}

export interface LogLogFit {
  /** log10 y = intercept + slope·log10 x */
  slope: Estimate;
  intercept: Estimate;
  /** 10^intercept: y ≈ prefactor·x^slope */
  prefactor: number;
  /** Pearson correlation of the logs */
  r: number;
  r2: number;
  n: number;
  dof: number;
  /** observed − fitted log10 y */
  residuals: number[];
}

/** a·r^(−γ) + b */
export const powerLaw = (r: number, a: number, gamma: number, b: number): number => a * Math.pow(r, -gamma) + b;

function checkPairs(x: ArrayLike<number>, y: ArrayLike<number>, xName: string, yName: string, min: number): void {
  if (x.length !== y.length) throw new RangeError(`${xName} has ${x.length} values but ${yName} has ${y.length}`);
  if (x.length < min) throw new RangeError(`the fit needs at least ${min} points, got ${x.length}`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) throw new RangeError(`${xName}[${i}] is ${String(x[i])}`);
    if (!Number.isFinite(y[i]!)) throw new RangeError(`${yName}[${i}] is ${String(y[i])}`);
  }
}

function estimate(value: number, se: number, tq: number): Estimate {
  return { value, se, ci95: [value - tq * se, value + tq * se] };
}

/** Ordinary least squares y = c0 + c1·x with linregress's standard errors. */
function ols(x: ArrayLike<number>, y: ArrayLike<number>) {
  const n = x.length;
  const { mx, my, sxx, sxy, syy } = centredMoments(x, y);
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const residuals = Array.from({ length: n }, (_, i) => y[i]! - (intercept + slope * x[i]!));
  const rss = residuals.reduce((s, e) => s + e * e, 0);
  const s2 = n > 2 ? rss / (n - 2) : Number.NaN;
  const seSlope = Math.sqrt(s2 / sxx);
  let sumX2 = 0;
  for (let i = 0; i < n; i++) sumX2 += x[i]! * x[i]!;
  const seIntercept = seSlope * Math.sqrt(sumX2 / n);
  const r = syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
  return { slope, intercept, seSlope, seIntercept, r, rss, residuals, sxx };
}

export function fitLogLog(x: ArrayLike<number>, y: ArrayLike<number>): LogLogFit {
  checkPairs(x, y, 'x', 'y', 3);
  for (let i = 0; i < x.length; i++) {
    if (!(x[i]! > 0)) throw new RangeError(`a log-log fit needs x > 0, but x[${i}] is ${x[i]}`);
    if (!(y[i]! > 0)) throw new RangeError(`a log-log fit needs y > 0, but y[${i}] is ${y[i]}`);
  }
  const lx = Array.from(x, Math.log10);
  const ly = Array.from(y, Math.log10);
  const fit = ols(lx, ly);
  if (!(fit.sxx > 0)) throw new RangeError('a log-log fit needs at least two distinct x values');
  const n = lx.length;
  const tq = studentTQuantile(0.975, n - 2);
  return {
    slope: estimate(fit.slope, fit.seSlope, tq),
    intercept: estimate(fit.intercept, fit.seIntercept, tq),
    prefactor: Math.pow(10, fit.intercept),
    r: fit.r,
    r2: fit.r * fit.r,
    n,
    dof: n - 2,
    residuals: fit.residuals,
  };
}

interface PowerLawState {
  c: number; // ln a
  gamma: number;
  b: number;
}

function rssOf(r: ArrayLike<number>, t: ArrayLike<number>, s: PowerLawState): number {
  let rss = 0;
  for (let i = 0; i < r.length; i++) {
    const e = t[i]! - (Math.exp(s.c - s.gamma * Math.log(r[i]!)) + s.b);
    rss += e * e;
  }
  return rss;
}

/** Levenberg-Marquardt (Marquardt's diagonal scaling) on (ln a, γ, b). */
function levenbergMarquardt(r: ArrayLike<number>, t: ArrayLike<number>, start: PowerLawState, maxIter: number) {
  const n = r.length;
  const lnr = Array.from(r, Math.log);
  let s = { ...start };
  let rss = rssOf(r, t, s);
  let lambda = 1e-3;
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIter; iterations++) {
    const JtJ: Matrix = [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ];
    const Jte = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      const u = Math.exp(s.c - s.gamma * lnr[i]!);
      const e = t[i]! - (u + s.b);
      const j = [u, -u * lnr[i]!, 1];
      for (let p = 0; p < 3; p++) {
        Jte[p]! += j[p]! * e;
        for (let q = 0; q < 3; q++) JtJ[p]![q]! += j[p]! * j[q]!;
      }
    }
    let improved = false;
    while (lambda < 1e16) {
      const A = JtJ.map((row, p) => row.map((v, q) => (p === q ? v * (1 + lambda) + 1e-300 : v)));
      const inv = invertSPD(A);
      if (inv) {
        const d = inv.map((row) => row[0]! * Jte[0]! + row[1]! * Jte[1]! + row[2]! * Jte[2]!);
        const next = { c: s.c + d[0]!, gamma: s.gamma + d[1]!, b: s.b + d[2]! };
        const nextRss = rssOf(r, t, next);
        if (Number.isFinite(nextRss) && nextRss <= rss) {
          const relStep = Math.abs(d[0]!) + Math.abs(d[1]!) / Math.max(1, Math.abs(s.gamma)) + Math.abs(d[2]!) / Math.max(1, Math.abs(s.b));
          const relDrop = (rss - nextRss) / Math.max(rss, 1e-300);
          s = next;
          rss = nextRss;
          lambda = Math.max(lambda / 10, 1e-12);
          improved = true;
          if (relStep < 1e-12 || relDrop < 1e-15) converged = true;
          break;
        }
      }
      lambda *= 10;
    }
    if (!improved) converged = true; // no step lowers the RSS: a minimum to working precision
    if (converged) break;
  }
  return { s, rss, iterations, converged };
}

/**
 * Fit t = a·r^(−γ) + b (a > 0). r must be positive — give it in percent (see the header). Needs at least 4 points
 * with at least 3 distinct r.
 */
export function fitPowerLaw(r: ArrayLike<number>, t: ArrayLike<number>, opts: { maxIter?: number } = {}): PowerLawFit {
  checkPairs(r, t, 'r', 't', 4);
  const n = r.length;
  for (let i = 0; i < n; i++) {
    if (!(r[i]! > 0)) throw new RangeError(`r must be positive (a training fraction in percent), but r[${i}] is ${r[i]}`);
  }
  if (new Set(Array.from(r)).size < 3) throw new RangeError('a power-law fit needs at least 3 distinct values of r');
  const maxIter = opts.maxIter ?? 500;
  let tMin = Infinity;
  let tMax = -Infinity;
  for (let i = 0; i < n; i++) {
    tMin = Math.min(tMin, t[i]!);
    tMax = Math.max(tMax, t[i]!);
  }
  const span = tMax - tMin || Math.abs(tMax) || 1;
  // Starting values: for each trial offset b₀ below min t, a line through (ln r, ln(t − b₀)) gives γ₀ and ln a₀.
  const offsets = [1, 0.3, 0.1, 0.03, 0.01, 1e-3, 1e-4].map((f) => tMin - f * span);
  if (tMin > 0) offsets.push(0, 0.5 * tMin, 0.9 * tMin);
  const lnr = Array.from(r, Math.log);
  let best: ReturnType<typeof levenbergMarquardt> | null = null;
  for (const b0 of offsets) {
    const line = ols(
      lnr,
      Array.from(t, (v) => Math.log(v - b0)),
    );
    const start = { c: line.intercept, gamma: -line.slope, b: b0 };
    if (!Number.isFinite(start.c) || !Number.isFinite(start.gamma)) continue;
    const fit = levenbergMarquardt(r, t, start, maxIter);
    if (!best || fit.rss < best.rss) best = fit;
  }
  if (!best) throw new RangeError('no starting point for the power-law fit: are t values finite and r values distinct?');

  const { s, rss } = best;
  const a = Math.exp(s.c);
  // Jacobian in (a, γ, b) for the covariance; columns scaled to unit norm so that a ≈ 1e15 does not ruin (JᵀJ)⁻¹.
  const cols = Array.from({ length: n }, (_, i) => {
    const u = Math.pow(r[i]!, -s.gamma);
    return [u, -a * u * Math.log(r[i]!), 1];
  });
  const norms = [0, 1, 2].map((p) => Math.sqrt(cols.reduce((acc, row) => acc + row[p]! ** 2, 0)) || 1);
  const JtJ: Matrix = [0, 1, 2].map((p) =>
    [0, 1, 2].map((q) => cols.reduce((acc, row) => acc + (row[p]! / norms[p]!) * (row[q]! / norms[q]!), 0)),
  );
  const inv = invertSPD(JtJ);
  if (!inv) throw new RangeError('the power-law fit is degenerate (its parameters cannot be told apart by these points)');
  const dof = n - 3;
  const s2 = rss / dof;
  const se = [0, 1, 2].map((p) => Math.sqrt((s2 * inv[p]![p]!) / (norms[p]! * norms[p]!)));
  const tq = studentTQuantile(0.975, dof);
  const residuals = Array.from({ length: n }, (_, i) => t[i]! - powerLaw(r[i]!, a, s.gamma, s.b));
  let tMean = 0;
  for (let i = 0; i < n; i++) tMean += t[i]!;
  tMean /= n;
  let tss = 0;
  for (let i = 0; i < n; i++) tss += (t[i]! - tMean) ** 2;
  return {
    a: estimate(a, se[0]!, tq),
    gamma: estimate(s.gamma, se[1]!, tq),
    b: estimate(s.b, se[2]!, tq),
    residuals,
    rss,
    r2: tss > 0 ? 1 - rss / tss : 1,
    n,
    dof,
    iterations: best.iterations,
    converged: best.converged,
  };
}
