// A run's data as the trainer, the probes and the gradient workers read it, whatever the task family: an equation
// table (modular, permutation: one-hot token rows, train/data) or an Omnigrok sample dataset (dense rows, tokens or
// padded graphs, tasks/sample-tensors). Each split is encoded to tensors once, on first use, while it fits in
// memory, and batch by batch otherwise; evaluation is the family's own (train/metrics evaluateSplit, or
// SampleData.evaluate with the task's accuracy rule).
import type * as tf from '@tensorflow/tfjs-core';
import type { LossKind } from '../../../shared/config/run-config';
import type { Model, ModelInput } from '../models/layers';
import type { RunDataset } from '../tasks/build';
import type { TaskDataset } from '../tasks/dataset';
import { disposeSampleBatch, encodeSamples, inputFloats, SampleData } from '../tasks/sample-tensors';
import { isSampleDataset, type SampleDataset } from '../tasks/samples';
import { encodeBatch, splitTensors, type Batch, type SplitTensors } from './data';
import { evaluateSplit, evaluateSplitMany, type SplitScore } from './metrics';

export type Split = 'train' | 'val';

export interface DataSource {
  readonly dataset: RunDataset;
  /**
   * Rows of an equation table: token rows with one answer class each, which the wasm MLP kernel and the batched
   * landscape evaluation take (the sample tasks train and evaluate through the model's TF.js forward).
   */
  readonly equationTable: boolean;
  size(split: Split): number;
  /** the whole split, encoded once, while it fits in memory; null when it is encoded batch by batch */
  cached(split: Split): Batch | null;
  /** rows `idx` of a split (all rows when null); the caller frees them with `release` */
  encode(split: Split, idx: Int32Array | null): Batch;
  release(batch: Batch | null): void;
  /** input floats of one row: what bounds a chunk of rows pushed through a pass at once */
  floatsPerRow(split: Split): number;
  /** loss and accuracy over every row of a split */
  evaluate(model: Model, split: Split, loss: LossKind): Promise<SplitScore>;
  /**
   * evaluate for K parameter sets whose logits `logitsOf` gives as K blocks of rows (engine/mlp-slice), on a cached
   * split; absent where the source has no such pass.
   */
  evaluateMany?(logitsOf: (input: ModelInput) => tf.Tensor2D, K: number, split: Split, loss: LossKind): SplitScore[];
  /** frees the cached splits */
  dispose(): void;
}

export function dataSourceOf(dataset: RunDataset): DataSource {
  return isSampleDataset(dataset) ? sampleSource(dataset) : tableSource(dataset);
}

// disposeSampleBatch frees a table batch's tensors too, and a sample batch's features or graphs
const release = (b: Batch | null) => disposeSampleBatch(b);

function tableSource(ds: TaskDataset): DataSource {
  const tensors = new Map<Split, SplitTensors>();
  const of = (split: Split) => {
    let t = tensors.get(split);
    if (!t) tensors.set(split, (t = splitTensors(ds[split], ds.seqLen, ds.vocabSize, ds.numClasses)));
    return t;
  };
  return {
    dataset: ds,
    equationTable: true,
    size: (split) => ds[split].size,
    cached: (split) => of(split).cached,
    encode: (split, idx) => encodeBatch(ds[split], ds.seqLen, ds.vocabSize, ds.numClasses, idx),
    release,
    floatsPerRow: () => ds.seqLen * ds.vocabSize,
    evaluate: (model, split, loss) => evaluateSplit(model, of(split), ds.vocabSize, ds.numClasses, loss),
    evaluateMany: (logitsOf, K, split, loss) => evaluateSplitMany(logitsOf, K, of(split), loss),
    dispose() {
      for (const t of tensors.values()) release(t.cached);
      tensors.clear();
    },
  };
}

function sampleSource(ds: SampleDataset): DataSource {
  const data = new SampleData(ds);
  return {
    dataset: ds,
    equationTable: false,
    size: (split) => ds[split].size,
    cached: (split) => data.cached(split),
    encode: (split, idx) => encodeSamples(ds[split], idx),
    release,
    floatsPerRow: (split) => inputFloats(ds[split], 1),
    evaluate: (model, split, loss) => data.evaluate(model, split, loss),
    dispose: () => data.dispose(),
  };
}
