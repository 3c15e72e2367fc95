// A dense layer x·W + b as one differentiable op, for tall batches (rows ≫ features). Forward: one fused product
// with bias (wasm's _FusedMatMul) instead of a product and a broadcast Add. Backward: the bias gradient, Σ over rows
// of dy, is taken on the transposed dy — wasm reduces a non-inner axis by transposing first (13 ms for [4704, 97]
// against ~1 ms on the inner axis), and when W's gradient is computed as (dyᵀ·x)ᵀ that transpose is needed anyway.
// The products use explicit transposes, never the transpose flags (~25× slower on wasm; see matmul.ts).
import * as tf from '@tensorflow/tfjs-core';
import { transposeLast } from './matmul';

// customGrad passes the inputs followed by the save function, typed as one union array
type GradArgs = Array<tf.Tensor | tf.GradSaveFunc>;

const op = tf.customGrad((...args: GradArgs) => {
  const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.fused.matMul({ a: x, b: w, bias: b }),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      const gT = transposeLast(g) as tf.Tensor2D; // [out, n]
      const dx = tf.matMul(g, transposeLast(sw) as tf.Tensor2D);
      // dW = xᵀ·dy; with dy narrower than x, (dyᵀ·x)ᵀ transposes the smaller matrix
      const dw = g.shape[1] < sx.shape[1] ? transposeLast(tf.matMul(gT, sx)) : tf.matMul(transposeLast(sx) as tf.Tensor2D, g);
      return [dx, dw, tf.sum(gT, 1)];
    },
  };
});

/** x·W + b for x [n, in], W [in, out], b [out]. */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  if (x.shape[1] !== w.shape[0] || b.shape[0] !== w.shape[1])
    throw new Error(`dense: x [${x.shape.join(', ')}], W [${w.shape.join(', ')}], b [${b.shape.join(', ')}] do not fit`);
  return op(x, w, b) as tf.Tensor2D;
}
