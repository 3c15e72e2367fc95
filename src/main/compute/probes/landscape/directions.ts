// Directions of a loss landscape (000 §4, App. B; Li et al. 2018), on host arrays, one Float32Array per parameter
// tensor in the model's order. Plain JS so they can be checked by hand; the grid uploads them to the device once.
//
// Filter-wise normalisation scales each filter of a direction to the norm of the same filter of the weights:
// d_k ← d_k / ‖d_k‖ · ‖θ_k‖. A "filter" is a row of the PyTorch weight W = [..., w_k, ...]ᵀ (000 §4): one output
// unit. Our linear weights are stored [in, out] (x·W), so their filters are COLUMNS; embedding tables are
// [vocab, dim] in both layouts, so theirs are rows (one token), as in Li et al.'s code.
import type { DirectionInfo, DirectionKind, DirectionNormalization, OneDimMode } from '../../../../shared/api/landscape-types';
import { trajectoryPca } from '../../../../shared/analysis/trajectory-pca';
import { deriveSeed, Rng } from '../../engine/rng';

export interface ParamShape {
  name: string;
  shape: number[];
}

/** A direction, or a point θ: one array per parameter tensor, in the model's order. */
export type Vec = Float32Array[];

/** Embedding tables, whose rows (tokens) are their filters; every other matrix is a linear weight [in, out]. */
const ROW_FILTER_PARAMS = /(^|\.)(embed|pos)\.weight$/;

/** The axis whose slices are the filters of a parameter; null for one-dimensional parameters. */
export function filterAxis(p: ParamShape): 0 | 1 | null {
  if (p.shape.length <= 1) return null;
  if (p.shape.length > 2) return 0; // no such parameter yet: a conv kernel's first axis would be its filters
  return ROW_FILTER_PARAMS.test(p.name) ? 0 : 1;
}

/** Index lists of each filter of a rank-2 tensor [r, c] stored row-major: rows (axis 0) or columns (axis 1). */
function forEachFilter(shape: number[], axis: 0 | 1, f: (offset: number, stride: number, length: number) => void): void {
  const rows = shape[0]!;
  const cols = shape.slice(1).reduce((a, b) => a * b, 1);
  if (axis === 0) for (let r = 0; r < rows; r++) f(r * cols, 1, cols);
  else for (let c = 0; c < cols; c++) f(c, cols, rows);
}

/** Li et al.'s guard against a zero filter. */
const EPS = 1e-10;

/**
 * Filter-wise normalisation of `d` against the weights `theta` (new arrays). One-dimensional parameters: 'zero' sets
 * them to 0, 'per-scalar' makes each scalar its own filter (d_i ← d_i/|d_i|·|θ_i|), 'keep' leaves them as drawn.
 * Returns the names of the zeroed parameters too.
 */
export function filterNormalize(d: Vec, theta: Vec, params: ParamShape[], oneDim: OneDimMode): { dir: Vec; zeroed: string[] } {
  const zeroed: string[] = [];
  const dir = params.map((p, i) => {
    const src = d[i]!;
    const w = theta[i]!;
    const out = new Float32Array(src.length);
    const axis = filterAxis(p);
    if (axis === null) {
      if (oneDim === 'zero') zeroed.push(p.name);
      else if (oneDim === 'keep') out.set(src);
      else for (let k = 0; k < src.length; k++) out[k] = (src[k]! / (Math.abs(src[k]!) + EPS)) * Math.abs(w[k]!);
      return out;
    }
    forEachFilter(p.shape, axis, (off, stride, len) => {
      let dn = 0;
      let wn = 0;
      for (let j = 0; j < len; j++) {
        const k = off + j * stride;
        dn += src[k]! * src[k]!;
        wn += w[k]! * w[k]!;
      }
      const s = Math.sqrt(wn) / (Math.sqrt(dn) + EPS);
      for (let j = 0; j < len; j++) {
        const k = off + j * stride;
        out[k] = src[k]! * s;
      }
    });
    return out;
  });
  return { dir, zeroed };
}

/** A Gaussian N(0, I) direction, from its own seeded stream (the run's init stream is not touched). */
export function randomDirection(params: ParamShape[], seed: number): Vec {
  const rng = new Rng(deriveSeed(seed, 0x1a5d));
  return params.map((p) => rng.fillNormal(new Float32Array(p.shape.reduce((a, b) => a * b, 1)), 1));
}

export function sub(a: Vec, b: Vec): Vec {
  return a.map((x, i) => {
    const y = b[i]!;
    const out = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) out[k] = x[k]! - y[k]!;
    return out;
  });
}

export function dot(a: Vec, b: Vec): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    for (let k = 0; k < x.length; k++) s += x[k]! * y[k]!;
  }
  return s;
}

export const norm = (a: Vec): number => Math.sqrt(dot(a, a));

export function flat(a: Vec): Float32Array {
  const out = new Float32Array(a.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of a) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}

export function unflat(v: ArrayLike<number>, params: ParamShape[]): Vec {
  let at = 0;
  return params.map((p) => {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const out = Float32Array.from({ length: n }, (_, k) => v[at + k]!);
    at += n;
    return out;
  });
}

/** η ← η − (⟨η, δ⟩/⟨δ, δ⟩)·δ (Gram-Schmidt; η keeps its own norm's scale minus its δ component). */
export function orthogonalize(eta: Vec, delta: Vec): Vec {
  const dd = dot(delta, delta);
  if (!(dd > 0)) return eta.map((x) => x.slice());
  const c = dot(eta, delta) / dd;
  return eta.map((x, i) => {
    const d = delta[i]!;
    const out = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) out[k] = x[k]! - c * d[k]!;
    return out;
  });
}

/** What a direction needs besides its centre: the final and next checkpoints, θ_0 and the trajectory for PCA. */
export interface DirectionSources {
  params: ParamShape[];
  final: Vec;
  /** null when the centre is the last stored checkpoint */
  next: Vec | null;
  nextStep: number | null;
  theta0: Vec;
  /** the trajectory (ascending steps, the last is θ_T) for PCA; computed once and cached by the caller */
  pca: () => { components: Vec[]; checkpoints: number; explained: number[] };
}

export interface DirectionSpec {
  kind: DirectionKind;
  normalization: DirectionNormalization;
  oneDim: OneDimMode;
  seed: number;
  /** 0 for δ, 1 for η: the PCA component and the random stream */
  slot: 0 | 1;
}

/** The direction at centre θ_t, normalised as asked, and what it is. Throws when it does not exist (e.g. θ* − θ_T). */
export function makeDirection(
  spec: DirectionSpec,
  centre: Vec,
  centreStep: number,
  src: DirectionSources,
): { dir: Vec; info: DirectionInfo } {
  let raw: Vec;
  let what: string;
  switch (spec.kind) {
    case 'random':
      raw = randomDirection(src.params, spec.seed + spec.slot);
      what = `random Gaussian (seed ${spec.seed + spec.slot})`;
      break;
    case 'target':
      raw = sub(src.final, centre);
      what = 'θ* − θ_t';
      break;
    case 'next':
      if (!src.next) throw new Error(`the direction θ_{t+1} − θ_t needs a checkpoint after step ${centreStep}; it is the last stored one`);
      raw = sub(src.next, centre);
      what = `θ_{t+1} − θ_t (step ${src.nextStep})`;
      break;
    case 'init':
      raw = sub(src.theta0, centre);
      what = 'θ_0 − θ_t';
      break;
    case 'pca': {
      const p = src.pca();
      const c = p.components[spec.slot];
      if (!c) throw new Error(`the trajectory has no principal direction ${spec.slot + 1}`);
      raw = c;
      what = `PC${spec.slot + 1} of ${p.checkpoints} checkpoints (${(100 * (p.explained[spec.slot] ?? 0)).toFixed(1)}% of the variance)`;
      break;
    }
  }
  if (!(norm(raw) > 0)) throw new Error(`the direction ${what} is zero at step ${centreStep}`);
  if (spec.normalization === 'raw')
    return {
      dir: raw,
      info: { kind: spec.kind, label: `${what} (raw)`, normalization: 'raw', oneDim: spec.oneDim, norm: norm(raw), zeroed: [] },
    };
  const { dir, zeroed } = filterNormalize(raw, centre, src.params, spec.oneDim);
  return {
    dir,
    info: {
      kind: spec.kind,
      label: `${what} (filter-normalised, 1-D: ${spec.oneDim})`,
      normalization: 'filter',
      oneDim: spec.oneDim,
      norm: norm(dir),
      zeroed,
    },
  };
}

/** The first principal directions of a trajectory of points (the last is θ_T), as Vecs. */
export function trajectoryDirections(
  points: Vec[],
  params: ParamShape[],
  components = 2,
): { components: Vec[]; checkpoints: number; explained: number[] } {
  const pca = trajectoryPca(points.map(flat), { components });
  return { components: pca.components.map((c) => unflat(c, params)), checkpoints: pca.checkpoints, explained: pca.explainedVarianceRatio };
}

/**
 * Coordinates of x in the plane spanned by (δ, η) by least squares, and the relative distance off the plane:
 * ‖x − aδ − bη‖ / ‖x‖ (0 for x = 0).
 */
export function planeCoordinates(x: Vec, delta: Vec, eta: Vec): { a: number; b: number; offPlane: number } {
  const dd = dot(delta, delta);
  const ee = dot(eta, eta);
  const de = dot(delta, eta);
  const xd = dot(x, delta);
  const xe = dot(x, eta);
  const det = dd * ee - de * de;
  let a: number;
  let b: number;
  if (Math.abs(det) <= 1e-12 * dd * ee) {
    // (nearly) parallel directions: project on δ alone
    a = xd / dd;
    b = 0;
  } else {
    a = (xd * ee - xe * de) / det;
    b = (xe * dd - xd * de) / det;
  }
  const xx = dot(x, x);
  // ‖x − aδ − bη‖² expanded, clamped against rounding
  const res = xx - 2 * a * xd - 2 * b * xe + a * a * dd + 2 * a * b * de + b * b * ee;
  return { a, b, offPlane: xx > 0 ? Math.sqrt(Math.max(0, res) / xx) : 0 };
}
