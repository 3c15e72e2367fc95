// Extreme eigenvalues of a symmetric operator known only through products v ↦ A·v (the Hessian of a training loss,
// through Hessian-vector products), by the Lanczos method with full reorthogonalisation.
//
// Each iteration costs one matvec. The Ritz values (eigenvalues of the tridiagonal T_j) approximate A's extreme
// eigenvalues first; a Ritz pair (θ, y) has residual ‖A·y − θ·y‖ = β_j·|last component of T_j's eigenvector|, and
// an eigenvalue of A lies within that residual of θ. Convergence is declared, as in ARPACK / scipy's eigsh, when the
// residual is at most tol·|θ| for every wanted Ritz value (so the relative error is at most tol).
//
// hessianExtremes follows the procedure of the code behind 000 App. B.1: λmax by Lanczos, then λmin from the
// largest-magnitude eigenvalue μ of H − σ·I with σ = 0.51·λmax, shifted back (λmin = μ + σ). The shift makes the
// tolerance relative to |λmin − σ| ≥ 0.51·λmax, so a λmin near 0 still converges. It also assumes λmin < 0.02·λmax
// (true for the networks studied: their Hessians have near-zero and negative eigenvalues); otherwise the shifted
// operator's largest-magnitude eigenvalue is its top one, which this implementation detects and then runs Lanczos
// for the smallest algebraic eigenvalue of the shifted operator instead (reported in `lambdaMinFrom`).
// A converged Ritz value is within tol·|θ| of *an* eigenvalue, not necessarily the extreme one (and Ritz values
// interlace, so the λmin estimate is an upper bound): tested too early, a loose tol accepts a Ritz value on the dense
// bulk near zero before an isolated negative eigenvalue beyond it has emerged. Hence minIter (see LanczosOptions).
// One difference from that code: λmax here is the largest algebraic eigenvalue (which 'LA'); scipy's default
// (largest magnitude) would return a negative eigenvalue if that were larger in magnitude.
import { eigSym } from './eig-sym';
import { seededRandom } from './rng';

export type MatVec = (v: Float64Array) => ArrayLike<number> | Promise<ArrayLike<number>>;

/** LA: largest algebraic; SA: smallest algebraic; LM: largest magnitude (scipy.sparse.linalg.eigsh's `which`). */
export type Which = 'LA' | 'SA' | 'LM';

export interface LanczosOptions {
  /** how many eigenvalues are wanted (default 1) */
  k?: number;
  /** at most this many matvecs (default 30) */
  maxIter?: number;
  /** relative tolerance on each wanted eigenvalue (default 1e-2, as the authors' code) */
  tol?: number;
  /** seed of the random start vector (default 0) */
  seed?: number;
  /** which end of the spectrum is wanted (default 'LA') */
  which?: Which;
  /**
   * matvecs before convergence is first tested (default min(20, maxIter): ARPACK's basis size ncv = max(2k + 1, 20),
   * which scipy's eigsh fills before its first test). Testing earlier lets a loose tol accept a Ritz value sitting
   * on a dense cluster before an isolated eigenvalue beyond it has emerged: the tests show a −20 eigenvalue under a
   * bulk near 0 missed that way.
   */
  minIter?: number;
}

export interface LanczosResult {
  /** the k wanted Ritz values, in `which` order */
  eigenvalues: number[];
  /** their residual norms (error bounds) */
  residuals: number[];
  /** largest Ritz value (= eigenvalues[0] for which 'LA') */
  lambdaMax: number;
  /** smallest Ritz value */
  lambdaMin: number;
  /** all Ritz values, largest first, and their residuals */
  ritzValues: number[];
  ritzResiduals: number[];
  /** matvecs used */
  iterations: number;
  converged: boolean;
}

function order(values: number[], which: Which): number[] {
  const idx = values.map((_, i) => i);
  if (which === 'LA') return idx.sort((a, b) => values[b]! - values[a]!);
  if (which === 'SA') return idx.sort((a, b) => values[a]! - values[b]!);
  return idx.sort((a, b) => Math.abs(values[b]!) - Math.abs(values[a]!));
}

export async function lanczosExtremeEigs(matvec: MatVec, dim: number, opts: LanczosOptions = {}): Promise<LanczosResult> {
  const k = opts.k ?? 1;
  const maxIter = opts.maxIter ?? 30;
  const tol = opts.tol ?? 1e-2;
  const which = opts.which ?? 'LA';
  const minIter = opts.minIter ?? Math.min(Math.max(2 * k + 1, 20), maxIter);
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`Lanczos needs a positive integer dimension, got ${String(dim)}`);
  if (!Number.isInteger(k) || k < 1 || k > dim) throw new RangeError(`Lanczos k must be an integer in [1, ${dim}], got ${String(k)}`);
  if (!Number.isInteger(maxIter) || maxIter < k)
    throw new RangeError(`Lanczos maxIter must be an integer ≥ k = ${k}, got ${String(maxIter)}`);
  if (!(tol > 0)) throw new RangeError(`Lanczos tol must be positive, got ${String(tol)}`);

  const rng = seededRandom(opts.seed ?? 0);
  let q = Float64Array.from({ length: dim }, () => rng.normal());
  const scaleBy = (v: Float64Array, s: number): void => {
    for (let i = 0; i < dim; i++) v[i] = v[i]! * s;
  };
  const dotv = (a: Float64Array, b: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < dim; i++) s += a[i]! * b[i]!;
    return s;
  };
  scaleBy(q, 1 / Math.sqrt(dotv(q, q)));

  const basis: Float64Array[] = [];
  const alphas: number[] = [];
  const betas: number[] = [];
  let ritz: number[] = [];
  let ritzRes: number[] = [];
  let converged = false;
  let iterations = 0;
  const steps = Math.min(maxIter, dim);
  for (let j = 0; j < steps; j++) {
    basis.push(q);
    const out = await matvec(Float64Array.from(q)); // a copy: the caller may keep or mutate what it gets
    iterations++;
    if (out.length !== dim) throw new RangeError(`the matvec returned ${out.length} values for a ${dim}-dimensional vector`);
    const w = new Float64Array(dim);
    for (let i = 0; i < dim; i++) {
      const v = out[i]!;
      if (!Number.isFinite(v)) throw new RangeError(`the matvec returned ${String(v)} at index ${i} (iteration ${j + 1})`);
      w[i] = v;
    }
    const alpha = dotv(w, q);
    alphas.push(alpha);
    // Full reorthogonalisation, twice ("twice is enough", Parlett): keeps the basis orthogonal to working precision,
    // so no spurious copies of converged eigenvalues appear.
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        const c = dotv(w, b);
        for (let i = 0; i < dim; i++) w[i] = w[i]! - c * b[i]!;
      }
    }
    const beta = Math.sqrt(dotv(w, w));

    const m = alphas.length;
    const T = Array.from({ length: m }, (_, r) =>
      Array.from({ length: m }, (_, c) => (r === c ? alphas[r]! : Math.abs(r - c) === 1 ? betas[Math.min(r, c)]! : 0)),
    );
    const eig = eigSym(T);
    ritz = eig.values;
    ritzRes = eig.vectors.map((s) => beta * Math.abs(s[m - 1]!));
    const scale = Math.max(...ritz.map(Math.abs));
    if (beta <= 1e-12 * Math.max(scale, 1e-300)) {
      // Invariant subspace: the Ritz values are eigenvalues of A (to round-off).
      ritzRes = ritzRes.map(() => 0);
      converged = m >= k;
      break;
    }
    const wanted = order(ritz, which).slice(0, k);
    if (m >= Math.max(k, minIter) && wanted.every((i) => ritzRes[i]! <= tol * Math.abs(ritz[i]!))) {
      converged = true;
      break;
    }
    if (m === dim) {
      converged = true; // the Krylov space is the whole space: T's eigenvalues are A's
      break;
    }
    betas.push(beta);
    q = w;
    scaleBy(q, 1 / beta);
  }
  const wanted = order(ritz, which).slice(0, k);
  return {
    eigenvalues: wanted.map((i) => ritz[i]!),
    residuals: wanted.map((i) => ritzRes[i]!),
    lambdaMax: ritz[0]!,
    lambdaMin: ritz[ritz.length - 1]!,
    ritzValues: ritz,
    ritzResiduals: ritzRes,
    iterations,
    converged,
  };
}

export interface HessianExtremesOptions {
  maxIter?: number;
  minIter?: number;
  tol?: number;
  seed?: number;
  /** σ = shiftFactor·λmax for the λmin run (default 0.51, as the authors' code) */
  shiftFactor?: number;
}

export interface HessianExtremes {
  lambdaMax: number;
  lambdaMin: number;
  /** λmin / λmax with its sign (000 App. B.1's ratio; negative when λmin < 0, as at a slingshot), null when λmax = 0 */
  ratio: number | null;
  shift: number;
  /** 'shifted-lm' (the authors' procedure) or 'shifted-sa' when the shifted top end won (λmin ≥ 0.02·λmax) */
  lambdaMinFrom: 'shifted-lm' | 'shifted-sa';
  /** matvecs of the λmax run and of the λmin run(s) */
  iterations: { max: number; min: number };
  converged: { max: boolean; min: boolean };
}

export async function hessianExtremes(matvec: MatVec, dim: number, opts: HessianExtremesOptions = {}): Promise<HessianExtremes> {
  const base = {
    maxIter: opts.maxIter ?? 30,
    tol: opts.tol ?? 1e-2,
    seed: opts.seed ?? 0,
    ...(opts.minIter !== undefined ? { minIter: opts.minIter } : {}),
  };
  const shiftFactor = opts.shiftFactor ?? 0.51;
  const top = await lanczosExtremeEigs(matvec, dim, { ...base, which: 'LA' });
  const lambdaMax = top.eigenvalues[0]!;
  const shift = shiftFactor * lambdaMax;
  const shifted: MatVec = async (v) => {
    const hv = await matvec(v);
    const out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = hv[i]! - shift * v[i]!;
    return out;
  };
  // A different start vector than the first run, as a fresh eigsh call would use.
  const low = await lanczosExtremeEigs(shifted, dim, { ...base, seed: base.seed + 1, which: 'LM' });
  let mu = low.eigenvalues[0]!;
  let minConverged = low.converged;
  let minIterations = low.iterations;
  let lambdaMinFrom: HessianExtremes['lambdaMinFrom'] = 'shifted-lm';
  if (mu > 0 && dim > 1) {
    // The shifted operator's largest magnitude is its top end, so all of H's spectrum is above 0.02·λmax and the
    // authors' procedure would return λmax again. Ask for the bottom end of the shifted operator instead.
    const bottom = await lanczosExtremeEigs(shifted, dim, { ...base, seed: base.seed + 2, which: 'SA' });
    mu = bottom.eigenvalues[0]!;
    minConverged = bottom.converged;
    minIterations += bottom.iterations;
    lambdaMinFrom = 'shifted-sa';
  }
  const lambdaMin = mu + shift;
  return {
    lambdaMax,
    lambdaMin,
    ratio: lambdaMax !== 0 ? lambdaMin / lambdaMax : null,
    shift,
    lambdaMinFrom,
    iterations: { max: top.iterations, min: minIterations },
    converged: { max: top.converged, min: minConverged },
  };
}
