// Matrix products whose gradients use explicit transposes and plain matMul. TF.js autodiff of matMul emits
// BatchMatMul with transposeA/transposeB, which the wasm backend runs ~15-25× slower than tf.transpose followed by
// an untransposed product (measured: 8466×512ᵀ·8466×128 takes 1140 ms with the flag, 78 ms explicit). Every model
// product goes through `matMul` below.
import * as tf from '@tensorflow/tfjs-core';
import './gradients'; // side effect: registers the kernel gradients autodiff needs

/** Swaps the last two axes (rank 2 or 3). */
export function transposeLast(x: tf.Tensor): tf.Tensor {
  return x.rank === 2 ? tf.transpose(x) : tf.transpose(x, [0, 2, 1]);
}

// customGrad passes the inputs followed by the save function, typed as one union array
type GradArgs = Array<tf.Tensor | tf.GradSaveFunc>;

const product = tf.customGrad((...args: GradArgs) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
      // d(a·b)/da = dy·bᵀ, d(a·b)/db = aᵀ·dy; for a tall a ([m, k] with m ≫ k, n) the weight gradient is cheaper as
      // (dyᵀ·a)ᵀ when dy is the narrower of the two: the big transpose is of the smaller matrix
      const da = tf.matMul(dy as tf.Tensor2D, transposeLast(sb) as tf.Tensor2D);
      const narrowDy = sa.rank === 2 && dy.shape[1]! < sa.shape[1]!;
      const db = narrowDy
        ? transposeLast(tf.matMul(transposeLast(dy) as tf.Tensor2D, sa as tf.Tensor2D))
        : tf.matMul(transposeLast(sa) as tf.Tensor2D, dy as tf.Tensor2D);
      return [da, db];
    },
  };
});

/** a·b for [m,k]·[k,n], or batched [B,m,k]·[B,k,n], with fast gradients on every backend. */
export function matMul<T extends tf.Tensor2D | tf.Tensor3D>(a: T, b: T): T {
  return product(a, b) as T;
}

/**
 * x·W for a constant x (one-hot inputs) whose transpose is already cached: the gradient for W is xᵀ·dy with the
 * cached xᵀ, and no gradient is computed for x.
 */
export function constMatMul(x: tf.Tensor2D, xT: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const f = tf.customGrad((...args: GradArgs) => {
    const weight = args[0] as tf.Tensor;
    return {
      value: tf.matMul(x, weight as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor) => tf.matMul(xT, dy as tf.Tensor2D),
    };
  });
  return f(w) as tf.Tensor2D;
}
