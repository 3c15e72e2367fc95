// The embedding MLP's fast paths on token inputs, each the maths of models/mlp's reference forward:
// - forward: the first layer from per-position tables E·W_i (engine/position-tables), the same pre-activations as
//   the concatenated embeddings times W at a fraction of the cost, later layers through engine/dense;
// - hostGrads: the training step's loss and gradient sums in Grokscope's wasm kernels (engine/mlp-kernel), ReLU only;
// - sliceForward: several landscape points per pass with the first layer shared (engine/mlp-slice).
// Dense-input MLPs have none of them: their reference forward is already a chain of products.
import * as tf from '@tensorflow/tfjs-core';
import type { LossKind } from '../../../shared/config/run-config';
import { dense } from './dense';
import { activate, type Linear, type ModelInput } from './layers';
import { MlpKernel } from './mlp-kernel';
import type { MlpModel, MlpWeights } from './mlp-parts';
import { sliceForward, type SliceForward } from './mlp-slice';
import { positionTables, slotIndex, tableSum, type SlotIndex } from './position-tables';

/** Σ over a batch's rows of the loss and its gradients in `params` order, at the model's weights or at `params`. */
export type HostGrads = (
  input: ModelInput,
  labels: Int32Array,
  loss: LossKind,
  params?: Float32Array[],
) => { lossSum: number; grads: Float32Array[] };

/** The points centre + Σ_j a_kj·dirs_j of a landscape slice, evaluated together (inference only, host parameters). */
export type SliceForwardOf = (centre: Float32Array[], dirs: Float32Array[][]) => SliceForward;

// Slot indices of the inputs seen, per model and keyed by their one-hot tensor (host data only: nothing to dispose).
const slotIndices = new WeakMap<MlpWeights, WeakMap<tf.Tensor, SlotIndex>>();

function indexer(model: MlpModel): (input: ModelInput) => SlotIndex {
  let indices = slotIndices.get(model.weights);
  if (!indices) slotIndices.set(model.weights, (indices = new WeakMap()));
  const seen = indices;
  return (input) => {
    let ix = seen.get(input.onehot);
    if (!ix) {
      ix = slotIndex(tokensOf(input), input.batch, model.shape.seqLen, model.shape.vocabSize);
      seen.set(input.onehot, ix);
    }
    return ix;
  };
}

/** A batch's token rows on the host (the encoder keeps them; read back from the one-hot rows otherwise). */
function tokensOf(input: ModelInput): Int32Array {
  return input.tokens ?? tf.tidy(() => tf.argMax(input.onehot, 1).dataSync() as Int32Array);
}

/** x·W + b through engine/dense (one fused product forward; the bias gradient on the inner axis). */
function denseLayer(x: tf.Tensor2D, l: Linear): tf.Tensor2D {
  return dense(x, l.w as tf.Tensor2D, l.b as tf.Tensor1D);
}

export function tablesForward(model: MlpModel): ((input: ModelInput) => tf.Tensor2D) | null {
  const { embed, hidden, out } = model.weights;
  if (!embed) return null;
  const act = model.config.activation;
  const indexOf = indexer(model);
  const [first, ...rest] = hidden;
  return (input) => {
    const tables = positionTables(embed as tf.Tensor2D, first!.w as tf.Tensor2D, model.shape.seqLen);
    let h = activate(tableSum(tables, first!.b as tf.Tensor1D, indexOf(input)), act);
    for (const layer of rest) h = activate(denseLayer(h, layer), act);
    return denseLayer(h, out);
  };
}

// one kernel set per model (its memory holds the last batch's rows, reused while the batch is)
const kernelSets = new WeakMap<MlpWeights, HostGrads>();

export function mlpHostGrads(model: MlpModel): HostGrads | null {
  const { embed, hidden } = model.weights;
  const { config: cfg, shape } = model;
  if (!embed || cfg.activation !== 'relu') return null;
  const hit = kernelSets.get(model.weights);
  if (hit) return hit;
  const params = model.params;
  const kernels = new Map<LossKind, MlpKernel>(); // one per loss
  const hostGrads: HostGrads = (input, labels, loss, at) => {
    let k = kernels.get(loss);
    if (!k) {
      const widths = hidden.map(() => cfg.width);
      const { vocabSize: vocab, seqLen, numClasses: classes } = shape;
      k = new MlpKernel({ vocab, embedDim: cfg.embedDim, seqLen, widths, classes, loss: loss === 'mse' ? 'mse' : 'ce' });
      kernels.set(loss, k);
    }
    k.setRows(input.onehot, tokensOf(input), labels);
    return k.step(at ?? params.map((p) => p.variable.dataSync() as Float32Array));
  };
  kernelSets.set(model.weights, hostGrads);
  return hostGrads;
}

export function mlpSliceForward(model: MlpModel): SliceForwardOf | null {
  const { embed, hidden, out } = model.weights;
  if (!embed) return null;
  const slot = new Map(model.params.map((p, i) => [p.variable, i]));
  const layout = {
    embed: slot.get(embed)!,
    layers: [...hidden, out].map((l) => ({ w: slot.get(l.w)!, b: slot.get(l.b!)! })),
    shapes: model.params.map((p) => p.variable.shape.slice()),
    seqLen: model.shape.seqLen,
    activation: model.config.activation,
  };
  const indexOf = indexer(model);
  return (centre, dirs) => sliceForward(layout, centre, dirs, indexOf);
}
