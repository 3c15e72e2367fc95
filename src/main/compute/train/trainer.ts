// One training run's tensors and the update step: dataset tensors, model (scaled by Omnigrok's α), the optimiser with
// clipping, noise and constant-norm training, the minibatch sampler, the measurements, and the conversion to and from
// a TrainingState checkpoint.
import * as tf from '@tensorflow/tfjs-core';
import '../engine/gradients'; // side effect: registers the kernel gradients autodiff needs
import { onDevice } from '../engine/backend';
import type { RunConfig } from '../../../shared/config/run-config';
import { LAYER_NORM_PREFIX, REPR_LINEARITY } from '../../../shared/api/types';
import { representationLinearity } from '../../../shared/analysis/representation-linearity';
import { fullBatchText } from '../../../shared/config/warnings';
import { ONE_THREAD, type ExecutionSettings } from '../../protocol/execution';
import type { TrainingState } from '../../protocol/training-state';
import { createModel, paramCount } from '../models/create';
import { scaledByInit, type Model } from '../models/layers';
import { createOptimizer } from '../optim/create';
import { assertShape, copyData, flatten, type FlatOptimizer } from '../optim/flat';
import { scheduledLr } from '../optim/schedule';
import { deriveSeed, Rng } from '../engine/rng';
import { buildAnyDataset, type RunDataset } from '../tasks/build';
import type { Batch } from './data';
import { dataSourceOf, type DataSource } from './data-source';
import { batchLoss } from './metrics';
import { GradientPool, oneThread, startGradientPool } from './pool';
import { BatchSampler } from './sampler';
import { batchGrads, kernelNote, kernelOf, type BatchGrads } from './step-grads';

/** Independent random streams derived from the run's seed (the split has its own `splitSeed`). */
const STREAM_INIT = 1;
const STREAM_BATCHES = 2;
const STREAM_UPDATE_NOISE = 3;
const STREAM_WEIGHT_NOISE = 4;

/** Updates queued on a GPU between two reads of their losses (the loop also reads at evaluations and every 20 ms). */
const DEVICE_READ_EVERY = 32;

export interface StepResult {
  /** the update's number (1-based): the trainer's step once it was taken */
  step: number;
  /** training loss of the batch, before the update */
  loss: number;
  /** total L2 norm of the gradient just applied, before clipping (only when measured) */
  gradNorm: number | null;
  /** cos(θ_{t−1}, θ_t) across this update (only when measured) */
  cosStep: number | null;
}

/** An update queued on the backend whose loss (and measurements, when asked) have not been read yet. */
export interface PendingStep {
  step: number;
  value: tf.Scalar;
  measured: tf.Tensor1D | null;
}

/** Several scalars in one read. */
async function readAll(values: tf.Scalar[]): Promise<Float32Array> {
  const stacked = tf.stack(values);
  try {
    return (await stacked.data()) as Float32Array;
  } finally {
    stacked.dispose();
  }
}

/** The checkpoint's `rng` array: [sampler epoch seed, sampler offset, update-noise state, weight-noise state]. */
const RNG_SLOTS = 4;

export class Trainer {
  /** an equation table (modular, permutation) or an Omnigrok sample dataset (tasks/samples.ts) */
  readonly dataset: RunDataset;
  readonly model: Model;
  readonly paramCount: number;
  /** completed updates */
  step = 0;
  /**
   * How many updates the loop may queue before reading their losses: one on the CPU backends (a read costs nothing
   * there), several on a GPU, where each read waits for the device to drain.
   */
  readonly readEvery = onDevice() ? DEVICE_READ_EVERY : 1;
  private readonly optimizer: FlatOptimizer;
  /** the splits as tensors, either task family (train/data-source) */
  private readonly data: DataSource;
  private sampler: BatchSampler | null;
  private pool: GradientPool | null;
  /** how the training step is threaded, in words (recorded with the run's backend notes) */
  threadsNote: string;
  /** whether the MLP step runs in Grokscope's wasm kernel (null: the model has none), for the backend notes */
  readonly kernelNote: string | null;
  /** set when batchSize is at least the training set: the run is full batch, which its notes must say */
  readonly batchNote: string | null;
  /** a batch's mean loss and gradients: the MLP kernel or TF.js autodiff (train/step-grads) */
  private readonly batchGrads: BatchGrads;
  private readonly vars: tf.Variable[];
  /** θ_0 as one flat vector, for cos(θ_t, θ_0) */
  private readonly theta0: tf.Tensor1D;
  /** ‖θ_0‖, the norm constant-norm training holds (a scalar kept where the weights are: no read at start) */
  private readonly initNorm: tf.Scalar;
  private updateNoise: Rng;
  private weightNoise: Rng;

  constructor(
    private readonly config: RunConfig,
    execution: ExecutionSettings = ONE_THREAD,
  ) {
    this.dataset = buildAnyDataset(config.task);
    const ds = this.dataset;
    this.model = createModel(config.model, ds, new Rng(deriveSeed(config.seed, STREAM_INIT)));
    this.vars = this.model.params.map((p) => p.variable);
    const alpha = config.init.scale;
    // Omnigrok: θ_0 ← α·θ_0
    if (alpha !== 1) for (const p of this.model.params) if (scaledByInit(p)) tf.tidy(() => p.variable.assign(tf.mul(p.variable, alpha)));
    this.theta0 = tf.tidy(() => tf.keep(flatten(this.vars)));
    this.initNorm = tf.tidy(() => tf.keep(tf.sqrt(tf.sum(tf.square(this.theta0))) as tf.Scalar));
    this.paramCount = paramCount(this.model);
    this.optimizer = createOptimizer(this.model.params, config.optimizer);
    this.updateNoise = new Rng(deriveSeed(config.seed, STREAM_UPDATE_NOISE));
    this.weightNoise = new Rng(deriveSeed(config.seed, STREAM_WEIGHT_NOISE));
    this.data = dataSourceOf(ds);
    this.data.cached('train');
    this.data.cached('val');
    const backend = tf.getBackend();
    const lossOf = (b: Batch) => batchLoss(config.loss, this.model.forward(b.input), b.targets);
    const table = this.data.equationTable;
    this.batchGrads = batchGrads(this.model, kernelOf(this.model, backend, table, execution.mlpKernel), config.loss, lossOf);
    this.kernelNote = kernelNote(this.model, backend, table, execution.mlpKernel);
    const bs = config.training.batchSize;
    this.sampler =
      bs === 'full' || bs >= ds.train.size ? null : new BatchSampler(ds.train.size, bs, deriveSeed(config.seed, STREAM_BATCHES));
    this.batchNote = bs !== 'full' && bs >= ds.train.size ? `batchSize ${fullBatchText(bs, ds.train.size)}` : null;
    // full batch: the rows may be shared with gradient worker threads (train/pool), table and sample tasks alike
    // (chooseWorkers declines minibatches: no pool, and a note that says why)
    const encodeRows = (n: number) => this.encode(Int32Array.from({ length: n }, (_, i) => i));
    const threading = startGradientPool(config, ds.train.size, this.paramCount, encodeRows, execution);
    this.pool = threading.pool;
    this.threadsNote = threading.note;
    if (this.readEvery > 1) this.threadsNote += `; the losses of up to ${this.readEvery} updates are read back together`;
  }

  /**
   * Waits for the gradient workers to start. When they cannot (e.g. a platform where threads cannot load their
   * script), the run trains on one thread and its note says why, so no run is lost to it. Without this call the first
   * step waits for them, and fails if they cannot start.
   */
  async startThreads(): Promise<void> {
    if (!this.pool) return;
    try {
      await this.pool.whenReady();
    } catch (e) {
      this.pool.dispose();
      this.pool = null;
      this.threadsNote = oneThread(`the gradient workers could not start, ${(e as Error).message}`);
    }
  }

  /** Learning rate of the update that produces step `step` (1-based); see optim/schedule. */
  lrForStep(step: number): number {
    const o = this.config.optimizer;
    return scheduledLr(o.lr, o.warmupSteps, o.lrSchedule, step - 1, this.config.training.steps);
  }

  /**
   * One optimiser update on the full training set or the next minibatch; `measure` asks for grad norm and cosine.
   * The update is queued on the backend at once; the promise resolves when its loss has been read back.
   */
  async update(measure: boolean): Promise<StepResult> {
    return (await this.readSteps([this.queueUpdate(measure)]))[0]!;
  }

  /**
   * Queues one update without reading anything back: on a GPU several updates then run back to back and their losses
   * come back in one read (readSteps), instead of one device round trip per update.
   */
  queueUpdate(measure: boolean): PendingStep {
    const o = this.config.optimizer;
    const lr = this.lrForStep(this.step + 1);
    const cached = this.data.cached('train');
    const own: Batch | null = this.sampler ? this.encode(this.sampler.next()) : cached ? null : this.encode(null);
    const batch = own ?? cached!;
    // 004 §4.3 weight noise: the gradient is taken at θ + σε; the update applies to the clean θ.
    const clean = o.weightNoise > 0 ? this.perturbWeights(o.weightNoise) : null;
    const [value, measured] = tf.tidy(() => {
      // full batch with spare cores: the rows are split over worker threads (train/pool), same maths
      const { value, grads } = !own && this.pool ? this.pool.valueAndGrads(this.batchGrads, this.vars) : this.batchGrads(batch);
      if (clean) this.vars.forEach((v, i) => v.assign(clean[i]!));
      const list = this.vars.map((v) => grads[v.name]!);
      // 004 §4.3 update-direction noise: θ ← θ + lr·(Δθ + σε), ε ~ N(0, I) drawn on its own seeded stream.
      const noise =
        o.updateNoise > 0 ? tf.tensor1d(this.updateNoise.fillNormal(new Float32Array(this.paramCount), lr * o.updateNoise)) : null;
      const m = this.optimizer.step(list, lr, {
        clipNorm: o.clipGradNorm,
        noise,
        targetNorm: this.config.constantNorm ? this.initNorm : null,
        measure,
      });
      return m ? [value, m] : [value];
    }) as [tf.Scalar, tf.Tensor1D?];
    if (clean) tf.dispose(clean);
    this.data.release(own);
    this.step += 1;
    return { step: this.step, value, measured: measured ?? null };
  }

  /** The results of queued updates, in order, read back together (one transfer for the losses); frees their tensors. */
  async readSteps(pending: PendingStep[]): Promise<StepResult[]> {
    if (pending.length === 0) return [];
    const values = pending.map((p) => p.value);
    const losses = values.length === 1 ? await values[0]!.data() : await readAll(values);
    tf.dispose(values);
    const out: StepResult[] = [];
    for (const [i, p] of pending.entries()) {
      const loss = losses[i]!;
      if (!p.measured) {
        out.push({ step: p.step, loss, gradNorm: null, cosStep: null });
        continue;
      }
      const [gNorm, dot, before, after] = await p.measured.data();
      p.measured.dispose();
      out.push({ step: p.step, loss, gradNorm: gNorm!, cosStep: dot! / Math.sqrt(before! * after!) });
    }
    return out;
  }

  /** Adds σε to every weight (ε from the weight-noise stream); returns the clean weights to put back. */
  private perturbWeights(sigma: number): tf.Tensor[] {
    const noise = this.weightNoise.fillNormal(new Float32Array(this.paramCount), sigma);
    let at = 0;
    return this.vars.map((v) => {
      const clean = tf.clone(v);
      const eps = noise.subarray(at, at + v.size);
      at += v.size;
      tf.tidy(() => v.assign(tf.add(v, tf.tensor(eps, v.shape))));
      return clean;
    });
  }

  private encode(idx: Int32Array | null): Batch {
    return this.data.encode('train', idx);
  }

  /**
   * Metric rows [name, step, value] at the current step. grad_norm, cos_step (cos(θ_{t−1}, θ_t), "from one training
   * step to the next", 000 App. B.2) and lr describe the update just taken; cos_init is cos(θ_t, θ_0); one
   * `norm/<parameter>` row per parameter tensor.
   */
  async evaluate(last: Pick<StepResult, 'gradNorm' | 'cosStep'> | null): Promise<[string, number, number][]> {
    const tr = await this.data.evaluate(this.model, 'train', this.config.loss);
    const va = await this.data.evaluate(this.model, 'val', this.config.loss);
    const sums = tf.tidy(() => {
      const theta = flatten(this.vars);
      const perParam = this.vars.map((v) => tf.sum(tf.square(v)));
      return tf.stack([tf.sum(tf.mul(theta, this.theta0)), tf.sum(tf.square(this.theta0)), ...perParam]);
    });
    const [dot0, sq0, ...sq] = Array.from(await sums.data());
    sums.dispose();
    const sqTotal = sq.reduce((a, b) => a + b, 0);
    const s = this.step;
    const rows: [string, number, number][] = [
      ['train_loss', s, tr.loss],
      ['train_acc', s, tr.acc],
      ['val_loss', s, va.loss],
      ['val_acc', s, va.acc],
      ['weight_norm', s, Math.sqrt(sqTotal)],
      ['cos_init', s, dot0! / Math.sqrt(sq0! * sqTotal)],
    ];
    this.model.params.forEach((p, i) => rows.push([`${LAYER_NORM_PREFIX}${p.name}`, s, Math.sqrt(sq[i]!)]));
    // 003 §5.1: how far a trainable representation has moved from random towards linear
    for (const p of this.model.params)
      if (p.group === 'representation' && p.variable.shape[0]! >= 3)
        rows.push([REPR_LINEARITY, s, representationLinearity(await p.variable.data(), p.variable.shape[0]!, p.variable.shape[1]!)]);
    if (s > 0 && last?.gradNorm != null) rows.push(['grad_norm', s, last.gradNorm]);
    if (s > 0 && last?.cosStep != null) rows.push(['cos_step', s, last.cosStep]);
    if (s > 0) rows.push(['lr', s, this.lrForStep(s)]);
    return rows;
  }

  async snapshot(): Promise<TrainingState> {
    const step = this.step;
    const params = await Promise.all(
      this.model.params.map(async (p) => ({ name: p.name, shape: p.variable.shape.slice(), data: await copyData(p.variable) })),
    );
    return {
      step,
      params,
      optimizer: await this.optimizer.state(),
      rng: [...(this.sampler ? this.sampler.state() : [0, -1]), this.updateNoise.state(), this.weightNoise.state()],
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
    // Older checkpoints hold the sampler state only (2 numbers, or none for full batch).
    if (this.sampler) this.sampler = BatchSampler.restore(this.dataset.train.size, this.batchRows(), state.rng.slice(0, 2));
    if (state.rng.length >= RNG_SLOTS) {
      this.updateNoise = Rng.fromState(state.rng[2]!);
      this.weightNoise = Rng.fromState(state.rng[3]!);
    }
    this.step = state.step;
  }

  private batchRows(): number {
    const bs = this.config.training.batchSize;
    return bs === 'full' ? this.dataset.train.size : bs;
  }

  dispose(): void {
    this.pool?.dispose();
    this.data.dispose();
    this.optimizer.dispose();
    this.theta0.dispose();
    this.initNorm.dispose();
    tf.dispose(this.vars);
  }
}
