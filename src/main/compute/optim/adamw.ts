// AdamW with PyTorch's semantics (torch.optim.AdamW, amsgrad=False), applied to every parameter:
//   θ ← θ·(1 − lr·λ)                                  decoupled weight decay, first
//   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²
//   θ ← θ − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps)   t = 1, 2, … counts updates
// The bias corrections are computed in float64 in JS, as PyTorch does on the host. Weight decay applies to every
// parameter (biases, norms and embeddings included), as AdamW(model.parameters()) does in the papers' code.
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '../../../shared/config/run-config';
import type { TensorBlob } from '../protocol';
import type { Param } from '../models/layers';

/**
 * All parameters are updated as one flat vector (like PyTorch's multi-tensor "foreach" AdamW): the maths is
 * element-wise, so this is exact, and it costs a dozen kernel launches per step instead of a dozen per parameter.
 */
export class AdamW {
  private readonly m: tf.Variable; // flat first moments
  private readonly v: tf.Variable; // flat second moments
  private readonly sizes: number[];
  /** number of updates taken so far */
  t = 0;

  constructor(
    private readonly params: Param[],
    private readonly cfg: Pick<OptimizerConfig, 'weightDecay' | 'beta1' | 'beta2' | 'eps'>,
  ) {
    this.sizes = params.map((p) => p.variable.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    this.m = zerosVariable(total);
    this.v = zerosVariable(total);
  }

  /** One update with learning rate `lr`; `grads[i]` is the gradient of the i-th parameter. */
  step(grads: tf.Tensor[], lr: number): void {
    if (grads.length !== this.params.length) throw new Error(`AdamW: ${grads.length} gradients for ${this.params.length} parameters`);
    this.t += 1;
    const { beta1, beta2, eps, weightDecay } = this.cfg;
    const stepSize = lr / (1 - beta1 ** this.t);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** this.t);
    tf.tidy(() => {
      const g = flatten(grads);
      const theta = flatten(this.params.map((p) => p.variable));
      const m = tf.add(tf.mul(this.m, beta1), tf.mul(g, 1 - beta1));
      const v = tf.add(tf.mul(this.v, beta2), tf.mul(tf.square(g), 1 - beta2));
      const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), eps);
      const decayed = weightDecay === 0 ? theta : tf.mul(theta, 1 - lr * weightDecay);
      const next = tf.sub(decayed, tf.mul(tf.div(m, denom), stepSize));
      this.m.assign(m);
      this.v.assign(v);
      const parts = this.params.length === 1 ? [next] : tf.split(next, this.sizes);
      this.params.forEach((p, i) => p.variable.assign(tf.reshape(parts[i]!, p.variable.shape)));
    });
  }

  /** Moment slots as `${param}/m` and `${param}/v`, for checkpoints. */
  state(): TensorBlob[] {
    const m = copyData(this.m);
    const v = copyData(this.v);
    let offset = 0;
    return this.params.flatMap((p, i) => {
      const n = this.sizes[i]!;
      const at = offset;
      offset += n;
      const shape = p.variable.shape.slice();
      return [
        { name: `${p.name}/m`, shape, data: m.slice(at, at + n) },
        { name: `${p.name}/v`, shape: shape.slice(), data: v.slice(at, at + n) },
      ];
    });
  }

  /** Restores slots written by `state()` and the update count; throws naming the first mismatch. */
  load(blobs: TensorBlob[], t: number): void {
    const byName = new Map(blobs.map((b) => [b.name, b]));
    const total = this.sizes.reduce((a, b) => a + b, 0);
    const flat = { m: new Float32Array(total), v: new Float32Array(total) };
    let offset = 0;
    this.params.forEach((p, i) => {
      for (const key of ['m', 'v'] as const) {
        const name = `${p.name}/${key}`;
        const blob = byName.get(name);
        if (!blob) throw new Error(`checkpoint has no optimiser slot "${name}"`);
        assertShape(name, blob.shape, p.variable.shape);
        flat[key].set(blob.data, offset);
      }
      offset += this.sizes[i]!;
    });
    tf.tidy(() => {
      this.m.assign(tf.tensor1d(flat.m));
      this.v.assign(tf.tensor1d(flat.v));
    });
    this.t = t;
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
  }
}

function flatten(ts: tf.Tensor[]): tf.Tensor1D {
  const flat = ts.map((t) => tf.reshape(t, [-1]));
  return (flat.length === 1 ? flat[0]! : tf.concat(flat)) as tf.Tensor1D;
}

function zerosVariable(size: number): tf.Variable {
  const zeros = tf.zeros([size]);
  const v = tf.variable(zeros, false);
  zeros.dispose();
  return v;
}

/** A copy of a float tensor's values (the cpu backend's dataSync returns its live storage). */
export function copyData(t: tf.Tensor): Float32Array {
  return new Float32Array(t.dataSync() as Float32Array);
}

export function assertShape(name: string, got: number[], want: number[]): void {
  if (got.length !== want.length || got.some((n, i) => n !== want[i]))
    throw new Error(`checkpoint "${name}" has shape [${got.join(', ')}], the model needs [${want.join(', ')}]`);
}
