// The first layer of an embedding + MLP from per-position tables. With tokens x_0..x_{L−1}, embedding E [V, e] and the
// first weight W [L·e, d] (rows i·e..(i+1)·e read position i), the pre-activation of a row is
//   b + Σ_i E[x_i]·W_i = b + Σ_i T_i[x_i],   T_i = E·W_i  [V, d]
// so the step multiplies the small [V, e]·[e, d] blocks once and then sums L table rows per example, instead of a
// one-hot product over every (row, position) and a [rows, L·e]·[L·e, d] product (and their three gradient products).
// Exact up to float32 summation order: the table rows are the same dot products, summed in float64 on the host.
// The gradient of the tables is a scatter-add of the rows' gradient (then through T_i = E·W_i back to E and W by
// autodiff), the bias's the column sums, both in the same host pass.
import * as tf from '@tensorflow/tfjs-core';
import { matMul } from './matmul';

/**
 * Where each (row, position) reads the stacked [V·L, d] table: slot = token·L + position. Positions whose token is the
 * same in every row (the ⟨=⟩ and ⟨op⟩ tokens) are kept apart: their rows are added once per call, as a bias.
 */
export interface SlotIndex {
  rows: number;
  seqLen: number;
  /** rows of the stacked table, V·L */
  tableRows: number;
  /** per varying position: each row's slot [rows] */
  varying: Int32Array[];
  /** the slots of the constant positions */
  constant: number[];
}

export function slotIndex(tokens: Int32Array, rows: number, seqLen: number, vocab: number): SlotIndex {
  if (tokens.length !== rows * seqLen) throw new Error(`slotIndex: ${tokens.length} tokens for ${rows} rows of ${seqLen}`);
  const varying: Int32Array[] = [];
  const constant: number[] = [];
  for (let i = 0; i < seqLen; i++) {
    const col = new Int32Array(rows);
    let same = true;
    for (let r = 0; r < rows; r++) {
      const tok = tokens[r * seqLen + i]!;
      if (tok < 0 || tok >= vocab || !Number.isInteger(tok)) throw new Error(`slotIndex: token ${tok} outside [0, ${vocab})`);
      col[r] = tok * seqLen + i;
      if (col[r] !== col[0]) same = false;
    }
    if (same && rows > 0) constant.push(col[0]!);
    else varying.push(col);
  }
  return { rows, seqLen, tableRows: seqLen * vocab, varying, constant };
}

/**
 * The stacked tables [V·L, d]: row tok·L + i is E[tok]·W_i. One [V, e]·[e, L·d] product with W's blocks laid side by
 * side (wasm's batched product over the L blocks is ~10× slower than this one plain product of the same size).
 */
export function positionTables(embed: tf.Tensor2D, w: tf.Tensor2D, seqLen: number, product: typeof matMul = matMul): tf.Tensor2D {
  const [V, e] = embed.shape;
  const d = w.shape[1];
  if (w.shape[0] !== seqLen * e)
    throw new Error(`positionTables: weight has ${w.shape[0]} rows, ${seqLen} positions of ${e} need ${seqLen * e}`);
  const side = seqLen === 1 ? w : tf.reshape(tf.transpose(tf.reshape(w, [seqLen, e, d]), [1, 0, 2]), [e, seqLen * d]);
  return tf.reshape(product(embed, side as tf.Tensor2D), [V * seqLen, d]) as tf.Tensor2D;
}

// customGrad passes the inputs followed by the save function, typed as one union array
type GradArgs = Array<tf.Tensor | tf.GradSaveFunc>;

/**
 * out[r] = b + Σ_i table[slot of (r, i)] for the [V·L, d] stacked table (the first layer's pre-activation).
 * Gradients: dtable[s] = Σ over the (r, i) reading s of dy[r], db = Σ_r dy[r]. Host loops in float64, written out
 * for one to three varying positions (the modular encodings have two): V8 runs these ~4× faster than the general
 * loop, and the general loop is kept for longer inputs.
 */
export function tableSum(table: tf.Tensor2D, bias: tf.Tensor1D, ix: SlotIndex): tf.Tensor2D {
  const [tableRows, d] = table.shape;
  if (tableRows !== ix.tableRows) throw new Error(`tableSum: table has ${tableRows} rows, the index was built for ${ix.tableRows}`);
  if (bias.shape[0] !== d) throw new Error(`tableSum: bias of ${bias.shape[0]} for rows of ${d}`);
  const f = tf.customGrad((...args: GradArgs) => {
    const t = (args[0] as tf.Tensor).dataSync() as Float32Array;
    const b = (args[1] as tf.Tensor).dataSync() as Float32Array;
    const c = new Float64Array(d); // the bias plus the constant positions' rows
    for (let j = 0; j < d; j++) c[j] = b[j]!;
    for (const s of ix.constant) for (let j = 0; j < d; j++) c[j] = c[j]! + t[s * d + j]!;
    return {
      value: tf.tensor2d(sumRows(t, c, ix, d), [ix.rows, d]),
      gradFunc: (dy: tf.Tensor) => {
        // inside an outer gradient (Hessian-vector products by double backprop) this gradient must itself be
        // differentiable: tf ops, not host loops
        if (tf.engine().state.gradientDepth > 0) return differentiableGrads(dy as tf.Tensor2D, ix, d);
        const { dt, db } = scatterRows(dy.dataSync() as Float32Array, ix, d);
        return [tf.tensor2d(Float32Array.from(dt), [tableRows, d]), tf.tensor1d(Float32Array.from(db))];
      },
    };
  });
  return f(table, bias) as tf.Tensor2D;
}

/** The same gradients as tf ops: one ScatterNd of L copies of dy (it sums duplicate slots), and dy's column sums. */
function differentiableGrads(dy: tf.Tensor2D, ix: SlotIndex, d: number): tf.Tensor[] {
  const columns = [...ix.varying, ...ix.constant.map((s) => new Int32Array(ix.rows).fill(s))];
  const slots = new Int32Array(ix.rows * columns.length);
  columns.forEach((col, i) => slots.set(col, i * ix.rows));
  const updates =
    columns.length === 1
      ? dy
      : tf.concat(
          columns.map(() => dy),
          0,
        );
  const dt = tf.scatterND(tf.tensor2d(slots, [slots.length, 1], 'int32'), updates, [ix.tableRows, d]);
  return [dt, tf.sum(dy, 0)];
}

function sumRows(t: Float32Array, c: Float64Array, ix: SlotIndex, d: number): Float32Array {
  const { rows, varying } = ix;
  const out = new Float32Array(rows * d);
  const [s0, s1, s2] = varying;
  if (varying.length === 0) for (let r = 0; r < rows; r++) out.set(c, r * d);
  else if (varying.length === 1)
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      const a0 = s0![r]! * d;
      for (let j = 0; j < d; j++) out[o + j] = c[j]! + t[a0 + j]!;
    }
  else if (varying.length === 2)
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      const a0 = s0![r]! * d;
      const a1 = s1![r]! * d;
      for (let j = 0; j < d; j++) out[o + j] = c[j]! + t[a0 + j]! + t[a1 + j]!;
    }
  else if (varying.length === 3)
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      const a0 = s0![r]! * d;
      const a1 = s1![r]! * d;
      const a2 = s2![r]! * d;
      for (let j = 0; j < d; j++) out[o + j] = c[j]! + t[a0 + j]! + t[a1 + j]! + t[a2 + j]!;
    }
  else {
    const acc = new Float64Array(d);
    for (let r = 0; r < rows; r++) {
      acc.set(c);
      for (const col of varying) {
        const a = col[r]! * d;
        for (let j = 0; j < d; j++) acc[j] = acc[j]! + t[a + j]!;
      }
      for (let j = 0; j < d; j++) out[r * d + j] = acc[j]!;
    }
  }
  return out;
}

function scatterRows(g: Float32Array, ix: SlotIndex, d: number): { dt: Float64Array; db: Float64Array } {
  const { rows, varying } = ix;
  const dt = new Float64Array(ix.tableRows * d);
  const db = new Float64Array(d);
  const [s0, s1] = varying;
  if (varying.length === 1)
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      const a0 = s0![r]! * d;
      for (let j = 0; j < d; j++) {
        const x = g[o + j]!;
        db[j] = db[j]! + x;
        dt[a0 + j] = dt[a0 + j]! + x;
      }
    }
  else if (varying.length === 2)
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      const a0 = s0![r]! * d;
      const a1 = s1![r]! * d;
      for (let j = 0; j < d; j++) {
        const x = g[o + j]!;
        db[j] = db[j]! + x;
        dt[a0 + j] = dt[a0 + j]! + x;
        dt[a1 + j] = dt[a1 + j]! + x;
      }
    }
  else
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      for (let j = 0; j < d; j++) db[j] = db[j]! + g[o + j]!;
      for (const col of varying) {
        const a = col[r]! * d;
        for (let j = 0; j < d; j++) dt[a + j] = dt[a + j]! + g[o + j]!;
      }
    }
  // every row reads the constant positions' slots: their gradient is the bias's
  for (const s of ix.constant) for (let j = 0; j < d; j++) dt[s * d + j] = dt[s * d + j]! + db[j]!;
  return { dt, db };
}
