// The shared machinery of every optimiser: all parameters are updated as ONE flat vector (like PyTorch's multi-tensor
// "foreach" optimisers). The maths of each optimiser is element-wise, so this is exact, and a step costs a dozen kernel
// launches instead of a dozen per parameter. Around the optimiser's own rule, this class applies, in PyTorch's order:
//   1. gradient-norm clipping at η (torch.nn.utils.clip_grad_norm_: g ← g · min(1, η / (‖g‖ + 1e-6)))
//   2. weight decay: 'l2' adds λθ to the gradient (torch's `weight_decay=` of Adam, SGD, RMSprop, Adamax);
//      'decoupled' shrinks θ ← θ·(1 − lr·λ) before the update (AdamW's rule, for any optimiser)
//   3. the optimiser's update θ ← rule(θ, g)
//   4. optional extras on the new θ: update-direction noise (added by the caller, already scaled by lr) and
//      constant-norm rescaling to a target total L2 norm (Omnigrok App. C).
// Parameter groups (PyTorch's param_groups with their own lr and weight_decay; here 003 §5.1's representation at η_R
// beside the decoder at η_D) are per-element vectors: decay λ_i in steps 2, and the step's change θ' − θ scaled by
// lr_i / lr, which is exactly the group's lr for every rule whose change is linear in lr (all but Rprop).
import * as tf from '@tensorflow/tfjs-core';
import type { TensorBlob } from '../../protocol/training-state';
import type { Param } from '../models/layers';

export type WeightDecayMode = 'l2' | 'decoupled';

export interface StepExtras {
  /** clip the gradient's total L2 norm at this threshold η (0 or absent: no clipping) */
  clipNorm?: number;
  /** added to the new parameters after the update (e.g. lr·σ·ε, update-direction noise) */
  noise?: tf.Tensor1D | null;
  /** rescale the new parameters to this total L2 norm (constant-norm training; a scalar tensor stays on the device) */
  targetNorm?: number | tf.Scalar | null;
  /** return the step's measurements (see StepMeasure) */
  measure?: boolean;
}

/** [‖g‖ before clipping, θ_t·θ_{t+1}, ‖θ_t‖², ‖θ_{t+1}‖²] as one tensor, when asked for */
export type StepMeasure = tf.Tensor1D;

/** What one optimiser rule computes: the new parameters and the new values of its slots. */
/** A parameter's group settings: its learning rate as a multiple of the step's lr, and its weight decay. */
export interface ParamGroup {
  lrScale: number;
  weightDecay: number;
}

export interface RuleResult {
  next: tf.Tensor;
  slots: Record<string, tf.Tensor>;
}

export abstract class FlatOptimizer {
  protected readonly slots: Record<string, tf.Variable> = {};
  protected readonly sizes: number[];
  protected readonly total: number;
  /** per-element lr multiples and weight decays when the parameters are in groups (setGroups); null: one group */
  private groups: { lrScale: tf.Tensor1D; decay: tf.Tensor1D } | null = null;
  /** number of updates taken so far */
  t = 0;

  constructor(
    protected readonly params: Param[],
    private readonly slotNames: readonly string[],
    private readonly decay: { weightDecay: number; mode: WeightDecayMode },
  ) {
    this.sizes = params.map((p) => p.variable.size);
    this.total = this.sizes.reduce((a, b) => a + b, 0);
    for (const s of slotNames) this.slots[s] = zerosVariable(this.total);
  }

  /**
   * Puts the parameters in groups, one entry per parameter (e.g. the representation at η_R/η_D and without decay).
   * Rprop is refused a learning rate of its own for a group: its change is not linear in lr (its step sizes start at lr and adapt on their own).
   */
  setGroups(groups: ParamGroup[]): void {
    if (groups.length !== this.params.length) throw new Error(`${groups.length} parameter groups for ${this.params.length} parameters`);
    if (!this.linearInLr && groups.some((g) => g.lrScale !== 1))
      throw new Error(`${this.constructor.name} cannot give parameters their own learning rates`);
    const per = (f: (g: ParamGroup) => number) => {
      const out = new Float32Array(this.total);
      let at = 0;
      groups.forEach((g, i) => out.fill(f(g), at, (at += this.sizes[i]!)));
      return tf.tensor1d(out);
    };
    this.groups?.lrScale.dispose();
    this.groups?.decay.dispose();
    this.groups = { lrScale: per((g) => g.lrScale), decay: per((g) => g.weightDecay) };
  }

  /** whether the rule's change θ' − θ is proportional to lr (false for Rprop) */
  protected readonly linearInLr: boolean = true;

  /** The optimiser's rule on flat tensors: θ (already decayed when decoupled), g (already with the L2 term). */
  protected abstract rule(theta: tf.Tensor, g: tf.Tensor, lr: number): RuleResult;

  /** Called once before the rule on the update with t = 1 (e.g. Rprop's initial step sizes). */
  protected firstStep(_lr: number): void {}

  /** One update with learning rate `lr`; `grads[i]` is the gradient of the i-th parameter. */
  step(grads: tf.Tensor[], lr: number, extras: StepExtras = {}): StepMeasure | null {
    if (grads.length !== this.params.length)
      throw new Error(`${this.constructor.name}: ${grads.length} gradients for ${this.params.length} parameters`);
    this.t += 1;
    if (this.t === 1) this.firstStep(lr);
    const { weightDecay, mode } = this.decay;
    let measured: StepMeasure | null = null;
    tf.tidy(() => {
      let g = flatten(grads);
      const theta = flatten(this.params.map((p) => p.variable));
      let gNorm: tf.Scalar | null = null;
      if ((extras.clipNorm ?? 0) > 0 || extras.measure) gNorm = tf.sqrt(tf.sum(tf.square(g))) as tf.Scalar;
      if (extras.clipNorm && extras.clipNorm > 0) {
        // torch: clip_coef = max_norm / (total_norm + 1e-6), clamped to 1, always multiplied
        const coef = tf.minimum(tf.div(extras.clipNorm, tf.add(gNorm!, 1e-6)), 1);
        g = tf.mul(g, coef);
      }
      const groups = this.groups;
      let base = theta;
      if (groups) {
        // λ_i per element: θ·(1 − lr·λ_i) when decoupled (the group's lr comes in with the scaling below)
        if (mode === 'l2') g = tf.add(g, tf.mul(theta, groups.decay));
        else base = tf.mul(theta, tf.sub(1, tf.mul(groups.decay, lr)));
      } else {
        if (weightDecay !== 0 && mode === 'l2') g = tf.add(g, tf.mul(theta, weightDecay));
        if (weightDecay !== 0 && mode === 'decoupled') base = tf.mul(theta, 1 - lr * weightDecay);
      }
      const { next: ruled, slots } = this.rule(base, g, lr);
      // each group's change at its own lr: θ + (lr_i / lr)·(θ' − θ)
      let next = groups ? tf.add(theta, tf.mul(tf.sub(ruled, theta), groups.lrScale)) : ruled;
      if (extras.noise) next = tf.add(next, extras.noise);
      const target = extras.targetNorm;
      if (target != null && (typeof target !== 'number' || target > 0))
        next = tf.mul(next, tf.div(target, tf.sqrt(tf.sum(tf.square(next)))));
      for (const [name, value] of Object.entries(slots)) this.slots[name]!.assign(value as tf.Tensor1D);
      const parts = this.params.length === 1 ? [next] : tf.split(next, this.sizes);
      this.params.forEach((p, i) => p.variable.assign(tf.reshape(parts[i]!, p.variable.shape)));
      if (extras.measure)
        measured = tf.keep(
          tf.stack([gNorm!, tf.sum(tf.mul(theta, next)), tf.sum(tf.square(theta)), tf.sum(tf.square(next))]) as tf.Tensor1D,
        );
    });
    return measured;
  }

  /** Slots as `${param}/${slot}`, for checkpoints (full float32: resuming is exact). */
  async state(): Promise<TensorBlob[]> {
    const data = Object.fromEntries(await Promise.all(this.slotNames.map(async (s) => [s, await copyData(this.slots[s]!)] as const)));
    let offset = 0;
    return this.params.flatMap((p, i) => {
      const n = this.sizes[i]!;
      const at = offset;
      offset += n;
      return this.slotNames.map((s) => ({ name: `${p.name}/${s}`, shape: p.variable.shape.slice(), data: data[s]!.slice(at, at + n) }));
    });
  }

  /** Restores slots written by `state()` and the update count; throws naming the first mismatch. */
  load(blobs: TensorBlob[], t: number): void {
    const byName = new Map(blobs.map((b) => [b.name, b]));
    const flat = Object.fromEntries(this.slotNames.map((s) => [s, new Float32Array(this.total)]));
    let offset = 0;
    this.params.forEach((p, i) => {
      for (const s of this.slotNames) {
        const name = `${p.name}/${s}`;
        const blob = byName.get(name);
        if (!blob) throw new Error(`checkpoint has no optimiser slot "${name}" (was it written by another optimiser?)`);
        assertShape(name, blob.shape, p.variable.shape);
        flat[s]!.set(blob.data, offset);
      }
      offset += this.sizes[i]!;
    });
    tf.tidy(() => {
      for (const s of this.slotNames) this.slots[s]!.assign(tf.tensor1d(flat[s]!));
    });
    this.t = t;
  }

  dispose(): void {
    for (const v of Object.values(this.slots)) v.dispose();
    this.groups?.lrScale.dispose();
    this.groups?.decay.dispose();
  }
}

export function flatten(ts: tf.Tensor[]): tf.Tensor1D {
  const flat = ts.map((t) => tf.reshape(t, [-1]));
  return (flat.length === 1 ? flat[0]! : tf.concat(flat)) as tf.Tensor1D;
}

export function zerosVariable(size: number): tf.Variable {
  const zeros = tf.zeros([size]);
  const v = tf.variable(zeros, false);
  zeros.dispose();
  return v;
}

/**
 * A copy of a float tensor's values (the cpu backend returns its live storage). Asynchronous: a GPU backend can only
 * read its buffers that way (TF.js's synchronous webgpu read needs a browser canvas).
 */
export async function copyData(t: tf.Tensor): Promise<Float32Array> {
  return new Float32Array((await t.data()) as Float32Array);
}

export function assertShape(name: string, got: number[], want: number[]): void {
  if (got.length !== want.length || got.some((n, i) => n !== want[i]))
    throw new Error(`checkpoint "${name}" has shape [${got.join(', ')}], the model needs [${want.join(', ')}]`);
}
