// AdamW with PyTorch's semantics (torch.optim.AdamW, amsgrad=False), applied to every parameter:
//   θ ← θ·(1 − lr·λ)                                  decoupled weight decay, first
//   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²
//   θ ← θ − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps)   t = 1, 2, … counts updates
// The bias corrections are computed in float64 in JS, as PyTorch does on the host.
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '../../../shared/config/run-config';
import type { TensorBlob } from '../protocol';
import type { Param } from '../models/layers';

interface Slot {
  param: Param;
  m: tf.Variable;
  v: tf.Variable;
}

export class AdamW {
  private readonly slots: Slot[];
  /** number of updates taken so far */
  t = 0;

  constructor(
    params: Param[],
    private readonly cfg: Pick<OptimizerConfig, 'weightDecay' | 'beta1' | 'beta2' | 'eps'>,
  ) {
    this.slots = params.map((param) => ({
      param,
      m: zerosVariable(param.variable),
      v: zerosVariable(param.variable),
    }));
  }

  /** One update with learning rate `lr`; `grads[i]` is the gradient of the i-th parameter. */
  step(grads: tf.Tensor[], lr: number): void {
    if (grads.length !== this.slots.length) throw new Error(`AdamW: ${grads.length} gradients for ${this.slots.length} parameters`);
    this.t += 1;
    const { beta1, beta2, eps, weightDecay } = this.cfg;
    const stepSize = lr / (1 - beta1 ** this.t);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** this.t);
    tf.tidy(() => {
      this.slots.forEach((slot, i) => {
        const g = grads[i]!;
        const theta = slot.param.variable;
        const m = tf.add(tf.mul(slot.m, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(slot.v, beta2), tf.mul(tf.square(g), 1 - beta2));
        const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), eps);
        const decayed = weightDecay === 0 ? theta : tf.mul(theta, 1 - lr * weightDecay);
        slot.m.assign(m);
        slot.v.assign(v);
        theta.assign(tf.sub(decayed, tf.mul(tf.div(m, denom), stepSize)));
      });
    });
  }

  /** Moment slots as `${param}/m` and `${param}/v`, for checkpoints. */
  state(): TensorBlob[] {
    return this.slots.flatMap((s) => [
      { name: `${s.param.name}/m`, shape: s.m.shape.slice(), data: copyData(s.m) },
      { name: `${s.param.name}/v`, shape: s.v.shape.slice(), data: copyData(s.v) },
    ]);
  }

  /** Restores slots written by `state()` and the update count; throws naming the first mismatch. */
  load(blobs: TensorBlob[], t: number): void {
    const byName = new Map(blobs.map((b) => [b.name, b]));
    for (const s of this.slots) {
      for (const [key, variable] of [['m', s.m], ['v', s.v]] as const) {
        const name = `${s.param.name}/${key}`;
        const blob = byName.get(name);
        if (!blob) throw new Error(`checkpoint has no optimiser slot "${name}"`);
        assertShape(name, blob.shape, variable.shape);
        tf.tidy(() => variable.assign(tf.tensor(blob.data, blob.shape)));
      }
    }
    this.t = t;
  }

  dispose(): void {
    for (const s of this.slots) {
      s.m.dispose();
      s.v.dispose();
    }
  }
}

function zerosVariable(like: tf.Tensor): tf.Variable {
  const zeros = tf.zerosLike(like);
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
