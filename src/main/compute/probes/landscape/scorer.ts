// A run's model and data for measuring the loss at many points θ: the dataset encoded to tensors ONCE (as training
// caches it), the model's variables overwritten in place for each point, and the training code's own evaluation
// (train/metrics evaluateSplit, or SampleData.evaluate for the Omnigrok sample tasks), so the landscape at α = 0 is
// the loss training recorded.
//
// A grid point costs one forward pass over the training split and one over the validation split. The points are not
// stacked into one batched forward pass: the models read their weights from tf.Variables, so several weight sets per
// pass would need every model rewritten. Instead the centre θ and the directions live on the device and each point is
// assigned there as θ + αδ + βη (no host→device upload per point), and the data never leaves the device.
import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../../../../shared/config/run-config';
import { createModel } from '../../models/create';
import type { Model } from '../../models/layers';
import { deriveSeed, Rng } from '../../rng';
import { buildAnyDataset } from '../../tasks/build';
import type { TaskDataset } from '../../tasks/dataset';
import { SampleData } from '../../tasks/sample-tensors';
import { isSampleDataset, type SampleDataset } from '../../tasks/samples';
import { disposeBatch, splitTensors, type SplitTensors } from '../../train/data';
import { evaluateSplit, type SplitScore } from '../../train/metrics';
import type { ParamShape, Vec } from './directions';

/** The init stream the Trainer draws θ_0 from (train/trainer.ts STREAM_INIT). */
const STREAM_INIT = 1;

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
  }

  dispose(): void {
    this.releaseSlice();
    disposeBatch(this.train?.cached ?? null);
    disposeBatch(this.val?.cached ?? null);
    this.samples?.dispose();
    tf.dispose(this.vars);
  }
}
