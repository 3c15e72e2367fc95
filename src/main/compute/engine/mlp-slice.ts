// The embedding + MLP at K points of a landscape slice, θ_k = c + Σ_j a_kj·d_j, sharing the first layer across the
// points. Its pre-activation is bilinear in (E, W_1) and linear in b_1: with u_k = (1, a_k1, …, a_kJ) and the parts
// E_p, W_p, b_p (p = 0 the centre, p ≥ 1 the directions),
//   pre_k = Σ_{p≤q} u_kp·u_kq·S_pq + Σ_p u_kp·B_p,
// S_pp the table rows (engine/position-tables) of E_p·W_p, S_pq those of E_p·W_q + E_q·W_p, B_p = b_p on every row.
// S and B are computed once per slice and split, [m, n·d] with m = (J+1)(J+2)/2 + J+1, so the first layer of K points
// is one [K, m]·[m, n·d] product instead of K table products and K host table sums (the bulk of a point's cost for
// the small MLPs). Later layers run per point, their weights formed on the host (pointParam). The values equal the
// per-point path up to float32 rounding (another summation order), not bit for bit.
import * as tf from '@tensorflow/tfjs-core';
import type { MlpModelConfig } from '../../../shared/config/run-config';
import { activate, type ModelInput } from './layers';
import { positionTables, tableSum, type SlotIndex } from './position-tables';

/**
 * One parameter of the point centre + Σ_j coefs_j·dirs_j, by the float32 products and sums of the Scorer's device
 * assignment (θ + c·δ + …, in order, a zero coefficient's term skipped), so bit for bit the weights it assigns.
 */
function pointParam(centre: Float32Array, dirs: Float32Array[], coefs: number[]): Float32Array {
  const x = Float32Array.from(centre);
  coefs.forEach((c, j) => {
    if (c === 0) return;
    const a = Math.fround(c);
    const d = dirs[j]!;
    for (let e = 0; e < x.length; e++) x[e] = x[e]! + Math.fround(d[e]! * a);
  });
  return x;
}

/** Where the MLP's parameters sit in its parameter list. */
export interface MlpLayout {
  embed: number;
  layers: { w: number; b: number }[];
  shapes: number[][];
  seqLen: number;
  activation: MlpModelConfig['activation'];
}

export interface SliceForward {
  /** logits of the K points, K blocks of n rows one after another, [K·n, classes] */
  logits(coefs: number[][], input: ModelInput): tf.Tensor2D;
  dispose(): void;
}

/** Rows of the shared first-layer basis for J directions (m above). */
export function basisRows(directions: number): number {
  const P = directions + 1;
  return (P * (P + 1)) / 2 + P;
}

export function sliceForward(
  L: MlpLayout,
  centre: Float32Array[],
  dirs: Float32Array[][],
  indexOf: (input: ModelInput) => SlotIndex,
): SliceForward {
  const parts = [centre, ...dirs];
  const P = parts.length;
  const [first, ...later] = L.layers;
  const d = L.shapes[first!.w]![1]!;
  const m = basisRows(dirs.length);
  const bases = new Map<tf.Tensor, tf.Tensor2D>();

  function basis(input: ModelInput): tf.Tensor2D {
    const hit = bases.get(input.onehot);
    if (hit) return hit;
    const ix = indexOf(input);
    const n = ix.rows;
    const rows = new Float32Array(m * n * d);
    const up = (p: number, i: number) => tf.tensor2d(parts[p]![i]!, L.shapes[i] as [number, number]);
    tf.tidy(() => {
      const E = parts.map((_, p) => up(p, L.embed));
      const W = parts.map((_, p) => up(p, first!.w));
      const zero = tf.zeros([d]) as tf.Tensor1D;
      const table = (p: number, q: number) => positionTables(E[p]!, W[q]!, L.seqLen, tf.matMul);
      let r = 0;
      for (let p = 0; p < P; p++)
        for (let q = p; q < P; q++, r++) {
          const t = p === q ? table(p, p) : tf.add(table(p, q), table(q, p));
          rows.set(tableSum(t as tf.Tensor2D, zero, ix).dataSync(), r * n * d);
        }
      for (let p = 0; p < P; p++, r++) {
        const b = parts[p]![first!.b]!;
        for (let row = 0; row < n; row++) rows.set(b, (r * n + row) * d);
      }
    });
    const g = tf.keep(tf.tensor2d(rows, [m, n * d])); // lives with the slice, not the caller's tidy
    bases.set(input.onehot, g);
    return g;
  }

  function logits(coefs: number[][], input: ModelInput): tf.Tensor2D {
    const K = coefs.length;
    for (const c of coefs)
      if (c.length !== dirs.length) throw new Error(`sliceForward: ${c.length} coefficients for a slice of ${dirs.length} directions`);
    const g = basis(input);
    const n = g.shape[1] / d;
    const U = new Float32Array(K * m);
    coefs.forEach((c, k) => {
      const u = [1, ...c];
      let r = 0;
      for (let p = 0; p < P; p++) for (let q = p; q < P; q++) U[k * m + r++] = u[p]! * u[q]!;
      for (let p = 0; p < P; p++) U[k * m + r++] = u[p]!;
    });
    return tf.tidy(() => {
      // one product and one activation for the K points' first layer, then per point: wasm slices copy their whole
      // source, so the K blocks are read back once and uploaded as K tensors
      const h = activate(tf.matMul(tf.tensor2d(U, [K, m]), g), L.activation).dataSync() as Float32Array;
      let hs = coefs.map((_, k) => tf.tensor2d(h.subarray(k * n * d, (k + 1) * n * d), [n, d]));
      later.forEach((layer, i) => {
        const at = (j: number, c: number[]) =>
          tf.tensor(
            pointParam(
              centre[j]!,
              dirs.map((dj) => dj[j]!),
              c,
            ),
            L.shapes[j],
          );
        hs = hs.map((x, k) => {
          const y = tf.fused.matMul({
            a: x,
            b: at(layer.w, coefs[k]!) as tf.Tensor2D,
            bias: at(layer.b, coefs[k]!) as tf.Tensor1D,
          }) as tf.Tensor2D;
          return i === later.length - 1 ? y : activate(y, L.activation);
        });
      });
      return (K === 1 ? hs[0]! : tf.concat(hs, 0)) as tf.Tensor2D;
    });
  }

  return {
    logits,
    dispose: () => {
      tf.dispose([...bases.values()]);
      bases.clear();
    },
  };
}
