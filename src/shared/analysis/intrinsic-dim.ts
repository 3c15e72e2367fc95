// Intrinsic dimension of a point cloud (000 App. C: of each layer's activations over the training or validation
// inputs), from the distances of each point to its nearest neighbours (Euclidean, brute force: O(n²·D)).
//
// TwoNN (Facco et al. 2017, 000 Algorithm 1): μ_i = r_2(i) / r_1(i) follows the Pareto law F(μ) = 1 − μ^(−d), so
//   −log(1 − F(μ)) = d·log μ. Sort the μ_i, take the empirical F(μ_(i)) = i/N (i = 1..N), drop the largest
//   `discardFraction` of the ratios (default 0.1, Facco et al.'s choice: the tail is the most affected by noise and
//   inhomogeneous density; the last point, F = 1, is always dropped since −log 0 is infinite) and fit a line
//   through the origin by least squares: d = Σ x·y / Σ x², x = log μ, y = −log(1 − F).
// MLE (Levina & Bickel 2004) with the MacKay-Ghahramani correction (000 App. C, used there with k = 2):
//   local estimate m_k(x) = [ (1/(k−1)) Σ_{j<k} log(T_k(x) / T_j(x)) ]⁻¹, and the global estimate is the inverse of
//   the average inverse, [ (1/n) Σ_i m_k(x_i)⁻¹ ]⁻¹ (average: 'inverse', the default), or Levina-Bickel's plain
//   average of the local estimates (average: 'mean'; a local estimate is infinite when T_k = T_1 and is then left
//   out). With k = 2, m_2(x) = 1 / log μ, so the MLE is 1 / mean(log μ), the maximum-likelihood d of the same Pareto
//   law TwoNN fits.
// Points with a duplicate (nearest distance 0) have no ratio and are left out of both, counted in `duplicates`.

/** Rows of equal length, or one flat row-major array with its shape. */
export type PointSet = ReadonlyArray<ArrayLike<number>> | { data: ArrayLike<number>; rows: number; cols: number };

interface Flat {
  data: Float64Array;
  n: number;
  dim: number;
}

function flatten(points: PointSet, what: string): Flat {
  let data: Float64Array;
  let n: number;
  let dim: number;
  if ('data' in points && !Array.isArray(points)) {
    const p = points as { data: ArrayLike<number>; rows: number; cols: number };
    n = p.rows;
    dim = p.cols;
    if (!Number.isInteger(n) || !Number.isInteger(dim) || n < 0 || dim < 1 || p.data.length !== n * dim) {
      throw new RangeError(`${what}: ${p.rows} × ${p.cols} points need ${p.rows * p.cols} values, got ${p.data.length}`);
    }
    data = Float64Array.from(p.data);
  } else {
    const rows = points as ReadonlyArray<ArrayLike<number>>;
    n = rows.length;
    dim = n > 0 ? rows[0]!.length : 0;
    if (n > 0 && dim === 0) throw new RangeError(`${what}: points have no coordinates`);
    data = new Float64Array(n * dim);
    rows.forEach((row, i) => {
      if (row.length !== dim) throw new RangeError(`${what}: point ${i} has ${row.length} coordinates, point 0 has ${dim}`);
      for (let j = 0; j < dim; j++) data[i * dim + j] = row[j]!;
    });
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new RangeError(`${what}: coordinate ${i % dim} of point ${Math.floor(i / dim)} is ${String(data[i])}`);
    }
  }
  return { data, n, dim };
}

/**
 * Distances from each point to its k nearest other points, ascending: row i of the n×k result holds T_1(i)..T_k(i).
 */
export function nearestNeighbourDistances(points: PointSet, k: number): { distances: Float64Array; n: number; k: number } {
  const { data, n, dim } = flatten(points, 'nearest neighbours');
  if (!Number.isInteger(k) || k < 1 || k >= n) {
    throw new RangeError(`nearest neighbours: k must be an integer in [1, ${n - 1}] for ${n} points, got ${String(k)}`);
  }
  // Per point, the k smallest squared distances seen so far, kept sorted (k is tiny: insertion is cheapest).
  const best = new Float64Array(n * k).fill(Number.POSITIVE_INFINITY);
  const insert = (i: number, d2: number): void => {
    const base = i * k;
    if (d2 >= best[base + k - 1]!) return;
    let j = k - 1;
    while (j > 0 && best[base + j - 1]! > d2) {
      best[base + j] = best[base + j - 1]!;
      j--;
    }
    best[base + j] = d2;
  };
  for (let i = 0; i < n; i++) {
    const oi = i * dim;
    for (let j = i + 1; j < n; j++) {
      const oj = j * dim;
      let s = 0;
      for (let c = 0; c < dim; c++) {
        const diff = data[oi + c]! - data[oj + c]!;
        s += diff * diff;
      }
      insert(i, s);
      insert(j, s);
    }
  }
  for (let i = 0; i < best.length; i++) best[i] = Math.sqrt(best[i]!);
  return { distances: best, n, k };
}

export interface TwoNNResult {
  dimension: number;
  /** points given */
  n: number;
  /** ratios used in the fit */
  used: number;
  /** points left out because another point coincides with them */
  duplicates: number;
  discardFraction: number;
}

export function twoNN(points: PointSet, opts: { discardFraction?: number } = {}): TwoNNResult {
  const discardFraction = checkDiscard(opts.discardFraction ?? 0.1);
  return twoNNFromNeighbours(nearestNeighbourDistances(points, 2), discardFraction);
}

function checkDiscard(discardFraction: number): number {
  if (!(discardFraction >= 0 && discardFraction < 1)) {
    throw new RangeError(`TwoNN discardFraction must be in [0, 1), got ${String(discardFraction)}`);
  }
  return discardFraction;
}

type Neighbours = ReturnType<typeof nearestNeighbourDistances>;

function twoNNFromNeighbours({ distances, n, k }: Neighbours, discardFraction: number): TwoNNResult {
  const mu: number[] = [];
  for (let i = 0; i < n; i++) {
    const r1 = distances[k * i]!;
    if (r1 > 0) mu.push(distances[k * i + 1]! / r1);
  }
  const N = mu.length;
  if (N < 3) throw new RangeError(`TwoNN needs at least 3 distinct points, got ${N}`);
  mu.sort((a, b) => a - b);
  const used = Math.min(Math.floor(N * (1 - discardFraction)), N - 1);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < used; i++) {
    const x = Math.log(mu[i]!);
    const y = -Math.log(1 - (i + 1) / N);
    sxy += x * y;
    sxx += x * x;
  }
  if (!(sxx > 0)) throw new RangeError('TwoNN: every used point is equidistant from its two nearest neighbours (a lattice?)');
  return { dimension: sxy / sxx, n, used, duplicates: n - N, discardFraction };
}

export interface MleResult {
  dimension: number;
  k: number;
  average: 'inverse' | 'mean';
  n: number;
  /** points whose local estimate entered the average */
  used: number;
  duplicates: number;
}

export function mleDimension(points: PointSet, opts: { k?: number; average?: 'inverse' | 'mean' } = {}): MleResult {
  const k = checkK(opts.k ?? 2);
  return mleFromNeighbours(nearestNeighbourDistances(points, k), k, opts.average ?? 'inverse');
}

function checkK(k: number): number {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`MLE intrinsic dimension needs an integer k ≥ 2, got ${String(k)}`);
  return k;
}

/** The MLE from neighbour distances holding at least k neighbours per point (the first k are used). */
function mleFromNeighbours({ distances, n, k: stride }: Neighbours, k: number, average: 'inverse' | 'mean'): MleResult {
  let duplicates = 0;
  let used = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const row = distances.subarray(i * stride, i * stride + k);
    if (!(row[0]! > 0)) {
      duplicates++;
      continue;
    }
    const tk = row[k - 1]!;
    let s = 0;
    for (let j = 0; j < k - 1; j++) s += Math.log(tk / row[j]!);
    const inverseLocal = s / (k - 1); // m_k(x)⁻¹
    if (average === 'inverse') {
      sum += inverseLocal;
      used++;
    } else if (inverseLocal > 0) {
      sum += 1 / inverseLocal;
      used++;
    }
  }
  if (used === 0) throw new RangeError('MLE intrinsic dimension: no point has distinct neighbour distances');
  const mean = sum / used;
  const dimension = average === 'inverse' ? 1 / mean : mean;
  if (!Number.isFinite(dimension))
    throw new RangeError('MLE intrinsic dimension: every point is equidistant from its k nearest neighbours');
  return { dimension, k, average, n, used, duplicates };
}

/**
 * Both estimates from one neighbour search (the search is the cost: O(n²·D)), as the probes compute them for every
 * layer at every checkpoint.
 */
export function intrinsicDimension(
  points: PointSet,
  opts: { k?: number; average?: 'inverse' | 'mean'; discardFraction?: number } = {},
): { twoNN: TwoNNResult; mle: MleResult } {
  const k = checkK(opts.k ?? 2);
  const discardFraction = checkDiscard(opts.discardFraction ?? 0.1);
  const nn = nearestNeighbourDistances(points, k);
  return { twoNN: twoNNFromNeighbours(nn, discardFraction), mle: mleFromNeighbours(nn, k, opts.average ?? 'inverse') };
}
