// A run's model and dataset rebuilt at a stored checkpoint, for measurements (Hessian, activations) that do not train.
// Built from the public model and dataset code rather than a Trainer: a Trainer would start gradient worker threads
// and optimiser slots that a probe never uses. Both task families: an equation table (one-hot token rows) or an
// Omnigrok sample dataset (dense rows, tokens or graphs, through train/data-source as in training). The weights of
// a checkpoint already carry Omnigrok's α (it scales θ_0, which training then moves), so nothing is rescaled here.
import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../../../shared/config/run-config';
import { createModel } from '../models/create';
import type { Model } from '../models/layers';
import type { TensorBlob } from '../../protocol/training-state';
import { deriveSeed, Rng } from '../engine/rng';
import { buildAnyDataset, type RunDataset } from '../tasks/build';
import type { Batch } from '../train/data';
import { dataSourceOf } from '../train/data-source';

/** Rows per chunk when a split is too large to push through a second-order pass at once (memory, not maths). */
export const PROBE_CHUNK_FLOATS = 8 * 1024 * 1024;

export interface ProbeModel {
  config: RunConfig;
  dataset: RunDataset;
  model: Model;
  vars: tf.Variable[];
  /** loads a checkpoint's weights (matched by name and shape) */
  load(params: TensorBlob[]): void;
  /** the whole split as chunks of at most `maxRows` rows, encoded once; each chunk must be disposed. A sample task's
   *  batch is a SampleBatch (its `input` carries `features` or `graph`), which models read as they do in training. */
  chunksOf(split: 'train' | 'val', maxRows?: number): { batch: Batch; rows: number; dispose(): void }[];
  /** the given rows of a split (all when idx is null) as one batch */
  rowsOf(split: 'train' | 'val', idx: Int32Array | null): { batch: Batch; rows: number; dispose(): void };
  dispose(): void;
}

export function buildProbeModel(config: RunConfig): ProbeModel {
  const dataset = buildAnyDataset(config.task);
  // encodes on demand only: a probe pushes chunks through second-order passes and keeps no split cached
  const data = dataSourceOf(dataset);
  // the init seed does not matter (every weight is overwritten by load), but the same stream keeps it reproducible
  const model = createModel(config.model, dataset, new Rng(deriveSeed(config.seed, 1)));
  const vars = model.params.map((p) => p.variable);
  return {
    config,
    dataset,
    model,
    vars,
    load(params) {
      const byName = new Map(params.map((b) => [b.name, b]));
      for (const p of model.params) {
        const blob = byName.get(p.name);
        if (!blob) throw new Error(`checkpoint has no parameter "${p.name}" (was it written for another model?)`);
        if (blob.shape.join('x') !== p.variable.shape.join('x'))
          throw new Error(
            `checkpoint parameter "${p.name}" has shape [${blob.shape.join(', ')}], the model expects [${p.variable.shape.join(', ')}]`,
          );
        tf.tidy(() => p.variable.assign(tf.tensor(blob.data, blob.shape)));
      }
    },
    chunksOf(split, maxRows) {
      const size = data.size(split);
      const per = maxRows ?? Math.max(1, Math.floor(PROBE_CHUNK_FLOATS / Math.max(1, data.floatsPerRow(split))));
      const out = [];
      for (let start = 0; start < size; start += per) {
        const end = Math.min(size, start + per);
        out.push(this.rowsOf(split, start === 0 && end === size ? null : Int32Array.from({ length: end - start }, (_, i) => start + i)));
      }
      return out;
    },
    rowsOf(split, idx) {
      const rows = idx ? idx.length : data.size(split);
      const batch: Batch = data.encode(split, idx);
      return { batch, rows, dispose: () => data.release(batch) };
    },
    dispose() {
      data.dispose();
      tf.dispose(vars);
    },
  };
}
