// Embedding + MLP (Liu et al.'s toy model, 000 §2.2's "embedding layer followed by a multilayer perceptron"):
// learned token embeddings concatenated over the input positions → `depth` hidden layers of `width` → p logits.
// On a dense sample task (003: teacher-student, MNIST, messiness) there is no embedding: the input rows feed the first
// hidden layer directly (e.g. 784-200-200-10, embedDim unused).
import * as tf from '@tensorflow/tfjs-core';
import type { LossKind, MlpModelConfig } from '../../../shared/config/run-config';
import { dense } from '../engine/dense';
import { MlpKernel } from '../engine/mlp-kernel';
import { positionTables, slotIndex, tableSum, type SlotIndex } from '../engine/position-tables';
import type { Rng } from '../rng';
import { sliceForward, type SliceForward } from './mlp-slice';
import type { SampleInput } from '../tasks/sample-tensors';
import { activate, linear, linearParams, ParamSet, type Linear, type Model, type ModelInput } from './layers';

export interface MlpShape {
  vocabSize: number;
  seqLen: number;
  numClasses: number;
  /** size of dense input rows; absent for token inputs */
  inputDim?: number;
}

/**
 * A model that can evaluate several points of a landscape slice in one pass (loss landscapes: several grid points per
 * forward pass), with the first layer shared across them (models/mlp-slice); host parameter arrays. Inference only.
 */
export interface ForwardMany {
  sliceForward(centre: Float32Array[], dirs: Float32Array[][]): SliceForward;
}

export function hasForwardMany(m: Model): m is Model & ForwardMany {
  return typeof (m as Partial<ForwardMany>).sliceForward === 'function';
}

/**
 * A model whose training step can run in Grokscope's own wasm kernels (engine/mlp-kernel) instead of TF.js ops: the
 * sum over a batch's rows of the loss, and that sum's gradients in `params` order, as host arrays. First-order only
 * (no tape: the Hessian probes keep the TF.js forward). `labels` are the rows' answer classes.
 */
export interface HostGrads {
  /** at the model's own weights, or at `params` (host arrays in `params` order: a gradient worker's shared copy) */
  hostGrads(input: ModelInput, labels: Int32Array, loss: LossKind, params?: Float32Array[]): { lossSum: number; grads: Float32Array[] };
}

/** The embedding MLP with ReLU has the kernel; other activations and dense-input MLPs train through TF.js. */
export function hasHostGrads(m: Model): m is Model & HostGrads {
  return typeof (m as Partial<HostGrads>).hostGrads === 'function';
}

export function createMlp(cfg: MlpModelConfig, shape: MlpShape, rng: Rng): Model {
  const ps = new ParamSet(rng);
  const dense = shape.inputDim !== undefined;
  const embed = dense ? null : ps.normal('embed.weight', [shape.vocabSize, cfg.embedDim]);
  const hidden = Array.from({ length: cfg.depth }, (_, i) =>
    linearParams(ps, `hidden.${i}`, i > 0 ? cfg.width : dense ? shape.inputDim! : shape.seqLen * cfg.embedDim, cfg.width, true),
  );
  const out = linearParams(ps, 'out', cfg.width, shape.numClasses, true);

  // Slot indices of the inputs seen, keyed by their one-hot tensor (host data only: nothing to dispose).
  const indices = new WeakMap<tf.Tensor, SlotIndex>();
  function indexOf(input: ModelInput): SlotIndex {
    let ix = indices.get(input.onehot);
    if (!ix) {
      ix = slotIndex(tokensOf(input), input.batch, shape.seqLen, shape.vocabSize);
      indices.set(input.onehot, ix);
    }
    return ix;
  }

  function forward(input: ModelInput): tf.Tensor2D {
    if (!embed) {
      const features = (input as SampleInput).features;
      if (!features) throw new Error('this MLP reads dense input rows, but the batch has none');
      let h = features;
      for (const layer of hidden) h = activate(linear(h, layer), cfg.activation);
      return linear(h, out);
    }
    // The first layer from per-position tables E·W_i (engine/position-tables): the same pre-activations as the
    // concatenated embeddings times W, at a fraction of the cost.
    const [first, ...rest] = hidden;
    const tables = positionTables(embed as tf.Tensor2D, first!.w as tf.Tensor2D, shape.seqLen);
    let h = activate(tableSum(tables, first!.b as tf.Tensor1D, indexOf(input)), cfg.activation);
    for (const layer of rest) h = activate(denseLayer(h, layer), cfg.activation);
    return denseLayer(h, out);
  }

  // Token inputs only: the dense-input MLPs' evaluation (SampleData.evaluate) has no per-set counterpart yet.
  if (!embed) return { params: ps.list, forward };
  const slot = new Map(ps.list.map((p, i) => [p.variable, i]));
  const layout = {
    embed: slot.get(embed)!,
    layers: [...hidden, out].map((l) => ({ w: slot.get(l.w)!, b: slot.get(l.b!)! })),
    shapes: ps.list.map((p) => p.variable.shape.slice()),
    seqLen: shape.seqLen,
    activation: cfg.activation,
  };
  const slice = (centre: Float32Array[], dirs: Float32Array[][]) => sliceForward(layout, centre, dirs, indexOf);
  if (cfg.activation !== 'relu') return { params: ps.list, forward, sliceForward: slice } as Model & ForwardMany;
  // one kernel instance per model and loss (its memory holds the last batch's rows, reused while the batch is)
  const kernels = new Map<LossKind, MlpKernel>();
  const hostGrads = (input: ModelInput, labels: Int32Array, loss: LossKind, params?: Float32Array[]) => {
    let k = kernels.get(loss);
    if (!k) {
      const widths = hidden.map(() => cfg.width);
      k = new MlpKernel({ vocab: shape.vocabSize, embedDim: cfg.embedDim, seqLen: shape.seqLen, widths, classes: shape.numClasses, loss: loss === 'mse' ? 'mse' : 'ce' });
      kernels.set(loss, k);
    }
    k.setRows(input.onehot, tokensOf(input), labels);
    return k.step(params ?? ps.list.map((p) => p.variable.dataSync() as Float32Array));
  };
  return { params: ps.list, forward, sliceForward: slice, hostGrads } as Model & ForwardMany & HostGrads;
}

/** A batch's token rows on the host (the encoder keeps them; read back from the one-hot rows otherwise). */
function tokensOf(input: ModelInput): Int32Array {
  return input.tokens ?? tf.tidy(() => tf.argMax(input.onehot, 1).dataSync() as Int32Array);
}

/** x·W + b through engine/dense (one fused product forward; the bias gradient on the inner axis). */
function denseLayer(x: tf.Tensor2D, l: Linear): tf.Tensor2D {
  return dense(x, l.w as tf.Tensor2D, l.b as tf.Tensor1D);
}
