// One training run's tensors and the update step: dataset tensors, model, AdamW, the minibatch sampler, and the
// conversion to and from a TrainingState checkpoint.
import * as tf from '@tensorflow/tfjs-core';
import '../engine/gradients'; // side effect: registers the kernel gradients autodiff needs
import type { RunConfig } from '../../../shared/config/run-config';
import type { TrainingState } from '../protocol';
import { createModel, paramCount } from '../models/create';
import type { Model } from '../models/layers';
import { AdamW, assertShape, copyData } from '../optim/adamw';
import { warmupLr } from '../optim/schedule';
import { deriveSeed, Rng } from '../rng';
import { buildModularDataset, type ModularDataset } from '../tasks/modular';
import { disposeBatch, encodeBatch, splitTensors, type Batch, type SplitTensors } from './data';
import { crossEntropy, evaluateSplit, globalNorm } from './metrics';
import { BatchSampler } from './sampler';

/** Independent random streams derived from the run's seed (the split has its own `splitSeed`). */
const STREAM_INIT = 1;
const STREAM_BATCHES = 2;

export interface StepResult {
  /** training loss of the batch, before the update */
  loss: number;
  /** total L2 norm of the gradient just applied (only when asked for) */
  gradNorm: number | null;
}

export class Trainer {
  readonly dataset: ModularDataset;
  readonly model: Model;
  readonly paramCount: number;
  /** completed updates */
  step = 0;
  private readonly optimizer: AdamW;
  private readonly train: SplitTensors;
  private readonly val: SplitTensors;
  private sampler: BatchSampler | null;
  private readonly vars: tf.Variable[];

  constructor(private readonly config: RunConfig) {
    this.dataset = buildModularDataset(config.task);
    const ds = this.dataset;
    this.model = createModel(config.model, ds, new Rng(deriveSeed(config.seed, STREAM_INIT)));
    this.vars = this.model.params.map((p) => p.variable);
    this.paramCount = paramCount(this.model);
    this.optimizer = new AdamW(this.model.params, config.optimizer);
    this.train = splitTensors(ds.train, ds.seqLen, ds.vocabSize, ds.numClasses);
    this.val = splitTensors(ds.val, ds.seqLen, ds.vocabSize, ds.numClasses);
    const bs = config.training.batchSize;
    this.sampler = bs === 'full' || bs >= ds.train.size ? null : new BatchSampler(ds.train.size, bs, deriveSeed(config.seed, STREAM_BATCHES));
  }

  /** Learning rate of the update that produces step `step` (1-based); see optim/schedule. */
  lrForStep(step: number): number {
    return warmupLr(this.config.optimizer.lr, this.config.optimizer.warmupSteps, step - 1);
  }

  /** One AdamW update on the full training set or the next minibatch. */
  update(wantGradNorm: boolean): StepResult {
    const lr = this.lrForStep(this.step + 1);
    const own: Batch | null = this.sampler ? this.encode(this.sampler.next()) : this.train.cached ? null : this.encode(null);
    const batch = own ?? this.train.cached!;
    const [value, gradNorm] = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => crossEntropy(this.model.forward(batch.input), batch.targets), this.vars);
      const list = this.vars.map((v) => grads[v.name]!);
      this.optimizer.step(list, lr);
      return wantGradNorm ? [value, globalNorm(list)] : [value];
    }) as [tf.Scalar, tf.Scalar?];
    disposeBatch(own);
    this.step += 1;
    const loss = value.dataSync()[0]!;
    value.dispose();
    let norm: number | null = null;
    if (gradNorm) {
      norm = gradNorm.dataSync()[0]!;
      gradNorm.dispose();
    }
    return { loss, gradNorm: norm };
  }

  private encode(idx: Int32Array | null): Batch {
    const ds = this.dataset;
    return encodeBatch(ds.train, ds.seqLen, ds.vocabSize, ds.numClasses, idx);
  }

  /** Metric rows [name, step, value] at the current step. grad_norm and lr describe the update just taken. */
  evaluate(lastGradNorm: number | null): [string, number, number][] {
    const ds = this.dataset;
    const tr = evaluateSplit(this.model, this.train, ds.vocabSize, ds.numClasses);
    const va = evaluateSplit(this.model, this.val, ds.vocabSize, ds.numClasses);
    const wn = globalNorm(this.vars);
    const weightNorm = wn.dataSync()[0]!;
    wn.dispose();
    const s = this.step;
    const rows: [string, number, number][] = [
      ['train_loss', s, tr.loss],
      ['train_acc', s, tr.acc],
      ['val_loss', s, va.loss],
      ['val_acc', s, va.acc],
      ['weight_norm', s, weightNorm],
    ];
    if (s > 0 && lastGradNorm !== null) rows.push(['grad_norm', s, lastGradNorm]);
    if (s > 0) rows.push(['lr', s, this.lrForStep(s)]);
    return rows;
  }

  snapshot(): TrainingState {
    return {
      step: this.step,
      params: this.model.params.map((p) => ({ name: p.name, shape: p.variable.shape.slice(), data: copyData(p.variable) })),
      optimizer: this.optimizer.state(),
      rng: this.sampler ? this.sampler.state() : [],
    };
  }

  /** Continues from a checkpoint of the same config; throws naming the first thing that does not match. */
  restore(state: TrainingState): void {
    const byName = new Map(state.params.map((b) => [b.name, b]));
    for (const p of this.model.params) {
      const blob = byName.get(p.name);
      if (!blob) throw new Error(`checkpoint has no parameter "${p.name}" (was it written for another model?)`);
      assertShape(p.name, blob.shape, p.variable.shape);
      tf.tidy(() => p.variable.assign(tf.tensor(blob.data, blob.shape)));
    }
    this.optimizer.load(state.optimizer, state.step);
    if (this.sampler) this.sampler = BatchSampler.restore(this.dataset.train.size, this.batchRows(), state.rng);
    this.step = state.step;
  }

  private batchRows(): number {
    const bs = this.config.training.batchSize;
    return bs === 'full' ? this.dataset.train.size : bs;
  }

  dispose(): void {
    disposeBatch(this.train.cached);
    disposeBatch(this.val.cached);
    this.optimizer.dispose();
    tf.dispose(this.vars);
  }
}
