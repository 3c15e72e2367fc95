// A run's model and data for measuring the loss at many points θ: the dataset encoded to tensors ONCE (as training
// caches it), the centre θ and the directions uploaded once per slice (each point is formed on the device as
// θ + αδ + βη: no host→device upload per point, and the data never leaves the device), and the training code's own
// evaluation (train/data-source), so the landscape at α = 0 is the loss training recorded.
//
// One point (scoreAt) costs a forward pass over the training split (and one over the validation split): the model's
// variables are overwritten in place and the model's own forward runs. `scoreMany` evaluates several points per pass
// where the model has a slice forward (engine/fast-paths: the embedding + MLP on token inputs): the first layer, the
// bulk of a small MLP's cost (K table products and host table sums), is shared across the points (engine/mlp-slice:
// it is bilinear in the grid coefficients, one [K, m]·[m, n·d] product per pass on a basis built once per slice),
// later layers run per point, and per point the loss and accuracy of train/metrics evaluateSplitMany; values equal
// scoreAt's to float32 rounding. 1.8× on the grok-fast MLP, 1.09× on the p = 97 one (BENCHMARKS.md). K is bounded by
// a memory cap (BATCH_BYTES) that the basis must also fit. Stacked [K, n, d]·[K, d, d'] products would not help: wasm
// runs them by a slow generic loop (~5× the K plain products), and K weight sets through the model's own products
// share only kernel overhead (1.1×, 0.93×; BENCHMARKS.md). Transformers, LSTM, GCN and dense-input MLPs are evaluated
// one point at a time.
import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../../../../shared/config/run-config';
import { createModel } from '../../models/create';
import { sliceForwardFor, type SliceForwardOf } from '../../engine/fast-paths';
import { basisRows, type SliceForward } from '../../engine/mlp-slice';
import type { ModelInput } from '../../models/layers';
import { scaledByInit, type Model } from '../../models/layers';
import { deriveSeed, Rng } from '../../engine/rng';
import { buildAnyDataset, type RunDataset } from '../../tasks/build';
import { dataSourceOf, type DataSource } from '../../train/data-source';
import type { SplitScore } from '../../train/metrics';
import type { ParamShape, Vec } from './directions';

/** The init stream the Trainer draws θ_0 from (train/trainer.ts STREAM_INIT). */
const STREAM_INIT = 1;

/** Bound on one batched pass: the shared basis plus K·4·max(rows·max(width, classes), V·L·width) bytes of activations. */
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
  private readonly dataset: RunDataset;
  /** the splits as tensors, encoded once (train/data-source) */
  private readonly data: DataSource;
  /** device copies of the centre and directions of the current slice */
  private centre: tf.Tensor[] | null = null;
  private dirs: tf.Tensor[][] = [];
  /** host copies of the same (the batched path forms its points on the host) */
  private hostCentre: Vec | null = null;
  private hostDirs: Vec[] = [];
  /** the shared-first-layer evaluation of the current slice, made on first use */
  private slice: SliceForward | null = null;
  /** how this model makes one (engine/fast-paths), null when it has none */
  private readonly sliceOf: SliceForwardOf | null;

  constructor(private readonly config: RunConfig) {
    this.dataset = buildAnyDataset(config.task);
    this.model = createModel(config.model, this.dataset, new Rng(deriveSeed(config.seed, STREAM_INIT)));
    this.vars = this.model.params.map((p) => p.variable);
    this.sliceOf = sliceForwardFor(this.model);
    this.params = this.model.params.map((p) => ({ name: p.name, shape: p.variable.shape.slice() }));
    this.dim = this.vars.reduce((n, v) => n + v.size, 0);
    const alpha = config.init.scale;
    // as the trainer
    this.theta0 = this.model.params.map((p) => {
      const d = p.variable.dataSync() as Float32Array;
      return alpha === 1 || !scaledByInit(p) ? d.slice() : d.map((x) => x * alpha);
    });
    this.data = dataSourceOf(this.dataset);
    this.data.cached('train');
    this.data.cached('val');
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
  async scoreAt(coefs: number[], withVal = true): Promise<PointScore> {
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
   * How scoreMany evaluates this slice's points within `capBytes` (after setSlice), and how many points one pass may
   * hold: `shared` (the first layer shared across the points, engine/mlp-slice) where the model has it and its basis
   * for the splits takes at most 3/4 of the cap, else `one` (one point at a time).
   */
  batchPlan(withVal = true, capBytes = BATCH_BYTES): { path: 'shared' | 'one'; limit: number } {
    const one = { path: 'one', limit: 1 } as const;
    const m = this.config.model;
    const data = this.data;
    if (!this.sliceOf || !data.evaluateMany || m.kind !== 'mlp' || !data.cached('train') || (withVal && !data.cached('val'))) return one;
    const ds = this.dataset;
    const [nTrain, nVal] = [data.size('train'), withVal ? data.size('val') : 0];
    const rows = Math.max(nTrain, nVal);
    // the largest activations of a point: hidden rows [rows, width], logits and softmax [rows, classes], and the
    // first layer's tables [V·L, width]
    const perSet = 4 * Math.max(rows * Math.max(m.width, ds.numClasses), ds.vocabSize * ds.seqLen * m.width);
    const basis = 4 * basisRows(this.hostDirs.length) * m.width * (nTrain + nVal);
    const limit = Math.floor((capBytes - basis) / perSet);
    return basis > 0.75 * capBytes || limit < 2 ? one : { path: 'shared', limit };
  }

  /** The most points one batched pass of scoreMany holds (1: one point at a time). */
  batchLimit(withVal = true, capBytes = BATCH_BYTES): number {
    return this.batchPlan(withVal, capBytes).limit;
  }

  /**
   * scoreAt for each of `coefs`, in order: in batched passes (batchPlan) where the model has them, otherwise one
   * point at a time. Leaves the model's variables as they were when batched. `maxBatch` bounds the points per pass
   * further (the job's time budget between yields).
   */
  async scoreMany(coefs: number[][], withVal = true, opts: { capBytes?: number; maxBatch?: number } = {}): Promise<PointScore[]> {
    if (!this.centre) throw new Error('Scorer.scoreMany before setSlice');
    for (const c of coefs)
      if (c.length !== this.dirs.length)
        throw new Error(`Scorer.scoreMany: ${c.length} coefficients for a slice of ${this.dirs.length} directions`);
    const plan = this.batchPlan(withVal, opts.capBytes ?? BATCH_BYTES);
    const limit = Math.min(plan.limit, Math.max(1, Math.floor(opts.maxBatch ?? Infinity)));
    const out: PointScore[] = [];
    if (plan.path === 'one' || limit < 2 || coefs.length < 2) {
      for (const c of coefs) out.push(await this.scoreAt(c, withVal));
      return out;
    }
    for (let i = 0; i < coefs.length; i += limit) out.push(...this.scoreBatch(coefs.slice(i, i + limit), withVal));
    return out;
  }

  private scoreBatch(coefs: number[][], withVal: boolean): PointScore[] {
    const K = coefs.length;
    const sliceOf = this.sliceOf;
    const many = this.data.evaluateMany;
    if (!sliceOf || !many) throw new Error('Scorer.scoreBatch: the model has no batched forward pass');
    const kind = this.config.loss;
    const run = (logitsOf: (input: ModelInput) => tf.Tensor2D) => {
      const train = many(logitsOf, K, 'train', kind);
      const val = withVal ? many(logitsOf, K, 'val', kind) : null;
      return train.map((t, k) => ({ train: t, val: val ? val[k]! : null }));
    };
    const slice = (this.slice ??= sliceOf(this.hostCentre!, this.hostDirs));
    return run((input) => slice.logits(coefs, input));
  }

  /** Loss and accuracy at the point θ given on the host. */
  scorePoint(theta: Vec): Promise<PointScore> {
    this.vars.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(theta[i]!, this.params[i]!.shape))));
    return this.score();
  }

  private async score(withVal = true): Promise<PointScore> {
    const of = (split: 'train' | 'val') => this.data.evaluate(this.model, split, this.config.loss);
    return { train: await of('train'), val: withVal ? await of('val') : null };
  }

  private releaseSlice(): void {
    if (this.centre) tf.dispose(this.centre);
    for (const d of this.dirs) tf.dispose(d);
    this.centre = null;
    this.dirs = [];
    this.hostCentre = null;
    this.hostDirs = [];
    this.slice?.dispose();
    this.slice = null;
  }

  dispose(): void {
    this.releaseSlice();
    this.data.dispose();
    tf.dispose(this.vars);
  }
}
