// PCA of a training trajectory (000 App. B.2, after Li et al. 2018): checkpoints θ_1 .. θ_T (T of them, each a
// d-vector), M = [θ_t − θ_T] for t < T, PCA of M, and the trajectory projected on the first directions:
// α(t) = ⟨θ_t − θ_T, u_1⟩, β(t) = ⟨θ_t − θ_T, u_2⟩, so the path ends at the origin.
//
// d is large (10⁵–10⁶ weights) and T small (tens to hundreds), so the PCA goes through the (T−1)×(T−1) Gram matrix
// G = M_c·M_cᵀ of the centred rows (as scikit-learn's PCA, which Li et al. used, centres M): its eigenpairs
// (λ_k, v_k) give the singular values s_k = √λ_k, the explained-variance ratios λ_k / Σλ, and the directions
// u_k = M_cᵀ·v_k / s_k. Set center = false for the uncentred variant (PCA of the raw differences).
// Sign: each direction is oriented so that the first checkpoint projects to α ≥ 0 (SVD signs are arbitrary).
import { eigSym } from './eig-sym';

export interface TrajectoryPcaOptions {
  /** how many directions to return with projections (default 2) */
  components?: number;
  /** centre the rows of M before the PCA, as scikit-learn does (default true) */
  center?: boolean;
}

export interface TrajectoryPca {
  /** T and d */
  checkpoints: number;
  dim: number;
  /** singular values of (centred) M, largest first (T − 1 of them) */
  singularValues: number[];
  /** share of the variance of each principal direction (sums to 1), largest first */
  explainedVarianceRatio: number[];
  /** unit d-vectors u_1 .. u_k */
  components: Float64Array[];
  /** projections[k][t] = ⟨θ_t − θ_T, u_k⟩ for every checkpoint t (the last is 0) */
  projections: number[][];
}

function checkTrajectory(thetas: ReadonlyArray<ArrayLike<number>>, min: number, what: string): number {
  if (thetas.length < min) throw new RangeError(`${what} needs at least ${min} checkpoints, got ${thetas.length}`);
  const d = thetas[0]!.length;
  if (d === 0) throw new RangeError(`${what}: checkpoints have no parameters`);
  thetas.forEach((th, t) => {
    if (th.length !== d) throw new RangeError(`${what}: checkpoint ${t} has ${th.length} parameters, checkpoint 0 has ${d}`);
  });
  for (let t = 0; t < thetas.length; t++) {
    const th = thetas[t]!;
    for (let k = 0; k < d; k++) {
      if (!Number.isFinite(th[k]!)) throw new RangeError(`${what}: parameter ${k} of checkpoint ${t} is ${String(th[k])}`);
    }
  }
  return d;
}

export function trajectoryPca(thetas: ReadonlyArray<ArrayLike<number>>, opts: TrajectoryPcaOptions = {}): TrajectoryPca {
  const d = checkTrajectory(thetas, 3, 'trajectory PCA');
  const T = thetas.length;
  const m = T - 1;
  const center = opts.center ?? true;
  const want = opts.components ?? 2;
  if (!Number.isInteger(want) || want < 1)
    throw new RangeError(`trajectory PCA components must be a positive integer, got ${String(want)}`);
  const last = thetas[m]!;

  // Gram of the raw differences, in float64 (checkpoint floats are exact in float64, so are their differences).
  const G: number[][] = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  const di = new Float64Array(d);
  for (let i = 0; i < m; i++) {
    const th = thetas[i]!;
    for (let k = 0; k < d; k++) di[k] = th[k]! - last[k]!;
    for (let j = 0; j <= i; j++) {
      const tj = thetas[j]!;
      let s = 0;
      for (let k = 0; k < d; k++) s += di[k]! * (tj[k]! - last[k]!);
      G[i]![j] = s;
      G[j]![i] = s;
    }
  }
  if (center) {
    const rowMean = G.map((row) => row.reduce((a, b) => a + b, 0) / m);
    const grand = rowMean.reduce((a, b) => a + b, 0) / m;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) G[i]![j] = G[i]![j]! - rowMean[i]! - rowMean[j]! + grand;
  }
  const eig = eigSym(G);
  const lambdas = eig.values.map((v) => Math.max(v, 0));
  const total = lambdas.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new RangeError('trajectory PCA: the checkpoints do not move (all differences are zero)');

  const k = Math.min(want, lambdas.filter((l) => l > 1e-14 * total).length);
  // m̄, the mean row of M, for M_cᵀv = Mᵀv − m̄·Σv.
  const mean = new Float64Array(center ? d : 0);
  if (center) {
    for (let i = 0; i < m; i++) {
      const th = thetas[i]!;
      for (let j = 0; j < d; j++) mean[j] = mean[j]! + (th[j]! - last[j]!) / m;
    }
  }
  const components: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    const v = eig.vectors[c]!;
    const u = new Float64Array(d);
    const vSum = center ? v.reduce((a, b) => a + b, 0) : 0;
    for (let i = 0; i < m; i++) {
      const th = thetas[i]!;
      const w = v[i]!;
      for (let j = 0; j < d; j++) u[j] = u[j]! + w * (th[j]! - last[j]!);
    }
    if (center) for (let j = 0; j < d; j++) u[j] = u[j]! - mean[j]! * vSum;
    let norm = 0;
    for (let j = 0; j < d; j++) norm += u[j]! * u[j]!;
    norm = Math.sqrt(norm);
    for (let j = 0; j < d; j++) u[j] = u[j]! / norm;
    components.push(u);
  }
  const projections = components.map((u) =>
    thetas.map((th) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += (th[j]! - last[j]!) * u[j]!;
      return s;
    }),
  );
  components.forEach((u, c) => {
    if (projections[c]![0]! < 0) {
      for (let j = 0; j < d; j++) u[j] = -u[j]!;
      projections[c] = projections[c]!.map((x) => 0 - x); // 0 − x, not −x: no −0 for the last checkpoint
    }
  });
  return {
    checkpoints: T,
    dim: d,
    singularValues: lambdas.map(Math.sqrt),
    explainedVarianceRatio: lambdas.map((l) => l / total),
    components,
    projections,
  };
}

export interface CosineSimilarities {
  /** cos(θ_t, θ_{t+1}) for t = 0 .. T−2 */
  consecutive: number[];
  /** cos(θ_t, θ_0) for t = 0 .. T−1 (the first is 1) */
  fromStart: number[];
}

/** Cosine similarities between checkpoints (000 App. B.2, fig. 15). */
export function cosineSimilarities(thetas: ReadonlyArray<ArrayLike<number>>): CosineSimilarities {
  const d = checkTrajectory(thetas, 2, 'cosine similarities');
  const norms = thetas.map((th, t) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += th[k]! * th[k]!;
    if (!(s > 0)) throw new RangeError(`cosine similarities: checkpoint ${t} is the zero vector`);
    return Math.sqrt(s);
  });
  const cos = (i: number, j: number): number => {
    const a = thetas[i]!;
    const b = thetas[j]!;
    let s = 0;
    for (let k = 0; k < d; k++) s += a[k]! * b[k]!;
    return s / (norms[i]! * norms[j]!);
  };
  return {
    consecutive: Array.from({ length: thetas.length - 1 }, (_, t) => cos(t, t + 1)),
    fromStart: thetas.map((_, t) => (t === 0 ? 1 : cos(t, 0))),
  };
}
