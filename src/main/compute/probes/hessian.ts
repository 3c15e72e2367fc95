// Hessian-vector products of a training loss, exact, by double backprop (Pearlmutter's R-operator in reverse-over-
// reverse form, as PyHessian does): H·v = ∇_θ (∇_θ L(θ) · v). The inner gradient is taken on the outer tape, so the
// outer gradient differentiates through it; second-order-grads.ts registers the kernel gradients that only this
// second pass needs. The loss over a large split is summed chunk by chunk (H is linear in the per-row losses), so
// memory stays bounded. A central-difference product is kept as an independent check.
//
// `include` picks the parameter tensors the Hessian is taken over: 000 App. B.1's code can leave out one-dimensional
// parameters (biases, LayerNorm gains); the operator then acts on the sub-vector of the included tensors only.
import * as tf from '@tensorflow/tfjs-core';
import './second-order-grads'; // side effect: kernel gradients for the second backward pass

export interface HessianTensor {
  name: string;
  variable: tf.Variable;
}

/** A loss over chunks: each chunk's mean loss (a scalar built inside the caller's tidy) and its weight in the total. */
export interface ChunkedLoss {
  /** visits every chunk: `f(loss, weight)` with the total = Σ weight·loss */
  forEachChunk(f: (loss: () => tf.Scalar, weight: number) => void): void;
}

export class LossHessian {
  readonly dim: number;
  readonly tensors: HessianTensor[];
  /** number of Hessian-vector products taken so far */
  products = 0;

  constructor(
    private readonly loss: ChunkedLoss,
    tensors: HessianTensor[],
  ) {
    if (tensors.length === 0) throw new Error('the Hessian needs at least one parameter tensor');
    this.tensors = tensors;
    this.dim = tensors.reduce((n, t) => n + t.variable.size, 0);
  }

  private get vars(): tf.Variable[] {
    return this.tensors.map((t) => t.variable);
  }

  /** Splits a flat vector over the included tensors' shapes (as float32 tensors; call inside tidy). */
  private split(v: ArrayLike<number>): tf.Tensor[] {
    if (v.length !== this.dim) throw new RangeError(`expected a vector of ${this.dim} values, got ${v.length}`);
    let at = 0;
    return this.tensors.map(({ variable }) => {
      const part = new Float32Array(variable.size);
      for (let i = 0; i < part.length; i++) part[i] = v[at + i]!;
      at += part.length;
      return tf.tensor(part, variable.shape);
    });
  }

  /** Accumulates Σ weight·(per-chunk tensors) into one flat float64 vector. */
  private accumulate(perChunk: (loss: () => tf.Scalar) => tf.Tensor[]): Float64Array {
    const out = new Float64Array(this.dim);
    this.loss.forEachChunk((loss, weight) => {
      const flat = tf.tidy(() => tf.concat(perChunk(loss).map((g) => tf.reshape(g, [-1]))));
      const data = flat.dataSync();
      flat.dispose();
      for (let i = 0; i < this.dim; i++) out[i] = out[i]! + weight * data[i]!;
    });
    return out;
  }

  /** Total loss. */
  value(): number {
    let total = 0;
    this.loss.forEachChunk((loss, weight) => {
      const l = tf.tidy(loss);
      total += weight * l.dataSync()[0]!;
      l.dispose();
    });
    return total;
  }

  /** ∇L over the included tensors, flat. */
  gradient(): Float64Array {
    const vars = this.vars;
    return this.accumulate((loss) => {
      const { grads } = tf.variableGrads(loss, vars);
      return vars.map((v) => grads[v.name]!);
    });
  }

  /** Exact H·v by double backprop. */
  hvp(v: ArrayLike<number>): Float64Array {
    const vars = this.vars;
    this.products++;
    return this.accumulate((loss) => {
      const vs = this.split(v);
      const { grads } = tf.variableGrads(() => {
        const inner = tf.variableGrads(loss, vars).grads;
        // ∇L·v as one scalar; its gradient is H·v
        return tf.addN(vars.map((x, i) => tf.sum(tf.mul(inner[x.name]!, vs[i]!)))) as tf.Scalar;
      }, vars);
      return vars.map((x) => grads[x.name]!);
    });
  }

  /**
   * Central difference of gradients, (∇L(θ + εu) − ∇L(θ − εu)) / 2ε·‖v‖ with u = v/‖v‖ and ε = relStep·‖θ‖ (float32:
   * the truncation error is O(ε²), the rounding error O(1e-7·‖∇L‖/ε), so relStep ~1e-3 balances them). The weights are
   * restored exactly afterwards.
   */
  hvpFiniteDifference(v: ArrayLike<number>, relStep = 1e-3): Float64Array {
    let vn = 0;
    for (let i = 0; i < v.length; i++) vn += v[i]! * v[i]!;
    vn = Math.sqrt(vn);
    if (vn === 0) return new Float64Array(this.dim);
    const saved = this.vars.map((x) => tf.clone(x));
    try {
      const thetaNorm = tf.tidy(() => Math.sqrt(saved.reduce((s, t) => s + tf.sum(tf.square(t)).dataSync()[0]!, 0)));
      const eps = relStep * Math.max(thetaNorm, 1);
      const at = (sign: number): Float64Array => {
        tf.tidy(() => {
          const us = this.split(Array.from(v, (x) => x / vn));
          this.vars.forEach((x, i) => x.assign(tf.add(saved[i]!, tf.mul(us[i]!, sign * eps))));
        });
        return this.gradient();
      };
      const plus = at(1);
      const minus = at(-1);
      this.products++;
      return plus.map((p, i) => ((p - minus[i]!) / (2 * eps)) * vn);
    } finally {
      this.vars.forEach((x, i) => x.assign(saved[i]!));
      tf.dispose(saved);
    }
  }
}
