// Row gathers with host-known indices. tf.gather runs ~10-20× slower than a plain copy on the wasm and cpu backends
// (measured: 18816 rows of 128 floats take 106-212 ms through GatherV2, 11-15 ms copied here), and the wasm backend
// has no gradient kernel for it. The forward pass copies rows on the host (the table is small: a model's tables or a
// layer's activations); the gradient sums dy's rows into the table's shape with ScatterNd, which adds duplicates
// (exact: 0 error against the one-hot product, 3 ms on wasm).
import * as tf from '@tensorflow/tfjs-core';

type GradArgs = Array<tf.Tensor | tf.GradSaveFunc>;

/** Indices into a table of `rows` rows; `idx[k]` is the row copied to output row k. */
export interface RowIndex {
  idx: Int32Array;
  rows: number;
}

/** out[k] = table[idx[k]] for a [rows, d] table, with dtable = Σ_k over rows idx[k] of dy[k]. */
export function gatherRows(table: tf.Tensor2D, ix: RowIndex): tf.Tensor2D {
  const [rows, d] = table.shape;
  if (rows !== ix.rows) throw new Error(`gatherRows: table has ${rows} rows, the index was built for ${ix.rows}`);
  const f = tf.customGrad((...args: GradArgs) => {
    const t = args[0] as tf.Tensor2D;
    const src = t.dataSync() as Float32Array;
    const out = new Float32Array(ix.idx.length * d);
    for (let k = 0; k < ix.idx.length; k++) {
      const at = ix.idx[k]! * d;
      out.set(src.subarray(at, at + d), k * d);
    }
    return {
      value: tf.tensor2d(out, [ix.idx.length, d]),
      gradFunc: (dy: tf.Tensor) => tf.scatterND(tf.tensor2d(ix.idx, [ix.idx.length, 1], 'int32'), dy, [rows, d]),
    };
  });
  return f(table) as tf.Tensor2D;
}
