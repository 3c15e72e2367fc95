// A run's model and data for measuring the loss at many points θ: the dataset encoded to tensors ONCE (as training
// caches it), the centre θ and the directions uploaded once per slice (each point is formed on the device as
// θ + αδ + βη: no host→device upload per point, and the data never leaves the device), and the training code's own
// evaluation (train/metrics evaluateSplit, or SampleData.evaluate for the Omnigrok sample tasks), so the landscape at
// α = 0 is the loss training recorded.
//
// One point (scoreAt) costs a forward pass over the training split (and one over the validation split): the model's
// variables are overwritten in place and the model's own forward runs. `scoreMany` evaluates several points per pass
// where the model has a batched forward (models/mlp forwardMany, token inputs; K bounded by BATCH_BYTES): the K
// parameter sets formed on the host with scoreAt's float32 arithmetic, then per set the same products and host loops,
// sharing the kernels and read-backs around them; its values equal scoreAt's bit for bit. Stacked [K, n, d]·[K, d, d']
// products would share more, but wasm runs batched products by a slow generic loop (~5× the K plain ones), and split
// and unstack of tall tensors slowly. Measured (BENCHMARKS.md, loss landscape): 1.06–1.17× on the grok-fast MLP, 0.93×
// on the p = 97 MLP, so the landscape job (job.ts) still evaluates one point at a time; scoreMany is there for a
// backend where batched products pay. Transformers, LSTM, GCN and dense-input MLPs have no batched path.
import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../../../../shared/config/run-config';
import { createModel } from '../../models/create';
import { hasForwardMany } from '../../models/mlp';
import type { Model } from '../../models/layers';
import { deriveSeed, Rng } from '../../rng';
import { buildAnyDataset } from '../../tasks/build';
import type { TaskDataset } from '../../tasks/dataset';
import { SampleData } from '../../tasks/sample-tensors';
import { isSampleDataset, type SampleDataset } from '../../tasks/samples';
import { disposeBatch, splitTensors, type SplitTensors } from '../../train/data';
import { evaluateSplit, evaluateSplitMany, type SplitScore } from '../../train/metrics';
import type { ParamShape, Vec } from './directions';

/** The init stream the Trainer draws θ_0 from (train/trainer.ts STREAM_INIT). */
const STREAM_INIT = 1;

/** Bound on the activations of one batched pass: K·4·max(rows·max(width, classes), V·L·width) bytes. */
export const BATCH_BYTES = 64 * 2 ** 20;

export interface PointScore {
  train: SplitScore;
  /** null when only the training split was asked for */
  val: SplitScore | null;
}

export class Scorer {
  readonly model: Model;
  readonly params: ParamShape[];
  readonly dim: number;
  /** θ_0 exactly as training drew it: the seeded init times init.scale */
  readonly theta0: Vec;
  private readonly vars: tf.Variable[];
  private readonly dataset: TaskDataset | SampleDataset;
  private readonly samples: SampleData | null;
  private readonly train: SplitTensors | null;
  private readonly val: SplitTensors | null;
  /** device copies of the centre and directions of the current slice */
  private centre: tf.Tensor[] | null = null;
  private dirs: tf.Tensor[][] = [];
  /** host copies of the same (the batched path forms its points on the host) */
  private hostCentre: Vec | null = null;
  private hostDirs: Vec[] = [];

  constructor(private readonly config: RunConfig) {
    this.dataset = buildAnyDataset(config.task);
    this.model = createModel(config.model, this.dataset, new Rng(deriveSeed(config.seed, STREAM_INIT)));
    this.vars = this.model.params.map((p) => p.variable);
    this.params = this.model.params.map((p) => ({ name: p.name, shape: p.variable.shape.slice() }));
    this.dim = this.vars.reduce((n, v) => n + v.size, 0);
    const alpha = config.init.scale;
    this.theta0 = this.vars.map((v) => {
      const d = v.dataSync() as Float32Array;
      return alpha === 1 ? d.slice() : d.map((x) => x * alpha);
    });
    const ds = this.dataset;
    const table = isSampleDataset(ds) ? null : ds;
    this.samples = table ? null : new SampleData(ds as SampleDataset);
    this.train = table ? splitTensors(table.train, table.seqLen, table.vocabSize, table.numClasses) : null;
    this.val = table ? splitTensors(table.val, table.seqLen, table.vocabSize, table.numClasses) : null;
  }

  /** A checkpoint's parameters as a Vec in the model's order; throws naming a missing or mis-shaped parameter. */
  vecOf(blobs: { name: string; shape: number[]; data: Float32Array }[]): Vec {
    const byName = new Map(blobs.map((b) => [b.name, b]));
    return this.params.map((p) => {
      const b = byName.get(p.name);
      if (!b) throw new Error(`checkpoint has no parameter "${p.name}" (was it written for another model?)`);
      if (b.shape.join('x') !== p.shape.join('x'))
        throw new Error(`checkpoint parameter "${p.name}" has shape [${b.shape.join(', ')}], the model expects [${p.shape.join(', ')}]`);
      return b.data;
    });
  }

  /** Uploads the centre and the directions of the next slice or surface (once per slice). */
  setSlice(centre: Vec, dirs: Vec[]): void {
    this.releaseSlice();
    this.centre = centre.map((c, i) => tf.tensor(c, this.params[i]!.shape));
    this.dirs = dirs.map((d) => d.map((x, i) => tf.tensor(x, this.params[i]!.shape)));
    this.hostCentre = centre;
    this.hostDirs = dirs;
  }

  /** Loss and accuracy at centre + Σ coef_k · dir_k (on the training split only when withVal is false). */
  scoreAt(coefs: number[], withVal = true): PointScore {
    if (!this.centre) throw new Error('Scorer.scoreAt before setSlice');
    const centre = this.centre;
    this.vars.forEach((v, i) =>
      tf.tidy(() => {
        let x: tf.Tensor = centre[i]!;
        coefs.forEach((c, k) => {
          if (c !== 0) x = tf.add(x, tf.mul(this.dirs[k]![i]!, c));
        });
        v.assign(x);
      }),
    );
    return this.score(withVal);
  }

  /**
   * How many points one batched pass of `scoreMany` may hold within `capBytes`; 1 when the model or the data has no
   * batched path (scoreMany then evaluates one point at a time).
   */
  batchLimit(withVal = true, capBytes = BATCH_BYTES): number {
    const m = this.config.model;
    if (!hasForwardMany(this.model) || m.kind !== 'mlp' || !this.train?.cached || (withVal && !this.val?.cached)) return 1;
    const ds = this.dataset as TaskDataset;
    const rows = Math.max(this.train.size, withVal ? this.val!.size : 0);
    // the largest per-set activations: hidden rows [rows, width], logits and softmax [rows, classes], and the first
    // layer's tables [V·L, width]
    const perSet = 4 * Math.max(rows * Math.max(m.width, ds.numClasses), ds.vocabSize * ds.seqLen * m.width);
    return Math.max(1, Math.floor(capBytes / perSet));
  }

  /**
   * scoreAt for each of `coefs`, in order: in batched passes of up to batchLimit points where the model has one,
   * otherwise one point at a time. Leaves the model's variables as they were when batched.
   */
  scoreMany(coefs: number[][], withVal = true, capBytes = BATCH_BYTES): PointScore[] {
    if (!this.centre) throw new Error('Scorer.scoreMany before setSlice');
    const limit = this.batchLimit(withVal, capBytes);
    if (limit < 2 || coefs.length < 2) return coefs.map((c) => this.scoreAt(c, withVal));
    const out: PointScore[] = [];
    for (let i = 0; i < coefs.length; i += limit) out.push(...this.scoreBatch(coefs.slice(i, i + limit), withVal));
    return out;
  }

  private scoreBatch(coefs: number[][], withVal: boolean): PointScore[] {
    const K = coefs.length;
    const model = this.model;
    if (!hasForwardMany(model)) throw new Error('Scorer.scoreBatch: the model has no batched forward pass');
    for (const c of coefs)
      if (c.length !== this.dirs.length) throw new Error(`Scorer.scoreMany: ${c.length} coefficients for a slice of ${this.dirs.length} directions`);
    const sets = this.pointSets(coefs);
    try {
      const kind = this.config.loss;
      const of = (s: SplitTensors) => evaluateSplitMany((input) => model.forwardMany(sets, input), K, s, kind);
      const train = of(this.train!);
      const val = withVal ? of(this.val!) : null;
      return train.map((t, k) => ({ train: t, val: val ? val[k]! : null }));
    } finally {
      tf.dispose(sets.flat());
    }
  }

  /**
   * The K points' parameters, centre + Σ_j coef_kj·dir_j, formed on the host with the float32 products and sums of
   * scoreAt's device ops, in its order and skipping its zero terms (so bit for bit scoreAt's weights), and uploaded
   * as K separate sets: cheaper than K·params·directions small device kernels, and wasm unstacks a stacked tensor slowly.
   */
  private pointSets(coefs: number[][]): tf.Tensor[][] {
    const centre = this.hostCentre!;
    return coefs.map((c) => {
      const cs = c.map(Math.fround);
      return this.params.map((p, i) => {
        const x = Float32Array.from(centre[i]!);
        cs.forEach((a, j) => {
          if (c[j] === 0) return;
          const d = this.hostDirs[j]![i]!;
          for (let e = 0; e < x.length; e++) x[e] = x[e]! + Math.fround(d[e]! * a);
        });
        return tf.tensor(x, p.shape);
      });
    });
  }

  /** Loss and accuracy at the point θ given on the host. */
  scorePoint(theta: Vec): PointScore {
    this.vars.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(theta[i]!, this.params[i]!.shape))));
    return this.score();
  }

  private score(withVal = true): PointScore {
    const kind = this.config.loss;
    const ds = this.dataset as TaskDataset;
    const of = (split: 'train' | 'val') =>
      this.samples
        ? this.samples.evaluate(this.model, split, kind)
        : evaluateSplit(this.model, split === 'train' ? this.train! : this.val!, ds.vocabSize, ds.numClasses, kind);
    return { train: of('train'), val: withVal ? of('val') : null };
  }

  private releaseSlice(): void {
    if (this.centre) tf.dispose(this.centre);
    for (const d of this.dirs) tf.dispose(d);
    this.centre = null;
    this.dirs = [];
    this.hostCentre = null;
    this.hostDirs = [];
  }

  dispose(): void {
    this.releaseSlice();
    disposeBatch(this.train?.cached ?? null);
    disposeBatch(this.val?.cached ?? null);
    this.samples?.dispose();
    tf.dispose(this.vars);
  }
}
