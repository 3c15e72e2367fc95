// How a training batch's loss and gradients are computed: the embedding MLP (ReLU) on the wasm backend runs in
// Grokscope's own WebAssembly SIMD kernels (engine/mlp-kernel: about 2× faster than its TF.js ops), every other model
// and backend through TF.js autodiff. The trainer, its own share of a split step (train/pool) and each gradient
// worker use the same choice, so a run's rows are all computed the same way.
import * as tf from '@tensorflow/tfjs-core';
import type { LossKind } from '../../../shared/config/run-config';
import { hostGradsFor, type HostGrads } from '../engine/fast-paths';
import type { Model } from '../models/layers';
import type { Batch } from './data';
import { hostLabels } from './metrics';

/** The mean loss of a batch and its gradients (by variable name), as tf.variableGrads gives them. */
export type BatchGrads = (b: Batch) => { value: tf.Scalar; grads: tf.NamedTensorMap };

/** A table task (token rows; dense sample inputs take TF.js autodiff) on wasm, with a model that has a kernel. */
function eligible(model: Model, backend: string, tableTask: boolean): HostGrads | null {
  return tableTask ? hostGradsFor(model, backend) : null;
}

/** The model's kernel when this run should use it: eligible, and `useKernel` (false: TF.js ops, to compare). */
export function kernelOf(model: Model, backend: string, tableTask: boolean, useKernel: boolean): HostGrads | null {
  return useKernel ? eligible(model, backend, tableTask) : null;
}

/** The run's backend note on the kernel (null when the model has none). */
export function kernelNote(model: Model, backend: string, tableTask: boolean, useKernel: boolean): string | null {
  if (!eligible(model, backend, tableTask)) return null;
  return kernelOf(model, backend, tableTask, useKernel)
    ? "MLP step: Grokscope's WebAssembly SIMD kernel (GROKSCOPE_MLP_KERNEL=0 runs it as TF.js ops)"
    : 'MLP step: TF.js ops (GROKSCOPE_MLP_KERNEL=0)';
}

/**
 * Σ over the batch's rows of the loss and its gradients, host arrays in `params` order (the gradient workers' form),
 * at the model's weights or at `params`.
 */
export function kernelSums(
  kernel: HostGrads,
  b: Batch,
  loss: LossKind,
  params?: Float32Array[],
): { lossSum: number; grads: Float32Array[] } {
  return kernel(b.input, hostLabels(b.labels), loss, params);
}

/** The batch gradients of a run: the kernel's sums divided by the rows, or TF.js autodiff of `lossOf`. */
export function batchGrads(model: Model, kernel: HostGrads | null, loss: LossKind, lossOf: (b: Batch) => tf.Scalar): BatchGrads {
  const vars = model.params.map((p) => p.variable);
  if (!kernel) return (b) => tf.variableGrads(() => lossOf(b), vars);
  return (b) => {
    const rows = b.input.batch;
    const { lossSum, grads } = kernelSums(kernel, b, loss);
    const named: tf.NamedTensorMap = {};
    vars.forEach((v, i) => {
      const g = grads[i]!;
      for (let j = 0; j < g.length; j++) g[j]! /= rows;
      named[v.name] = tf.tensor(g, v.shape);
    });
    return { value: tf.scalar(lossSum / rows), grads: named };
  };
}
