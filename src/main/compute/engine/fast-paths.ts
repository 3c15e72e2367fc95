// Fast paths: faster computations of a reference model's own maths (models/), each tested against the reference
// forward. One entry per model kind, looked up here rather than detected on the model object:
// - forward: the training forward, the same logits as the reference (to float32 summation order), attached by
//   models/create so that training, evaluation and the probes all run it;
// - hostGrads: a batch's loss and gradient sums in Grokscope's own wasm kernels, for the wasm backend only;
// - sliceForward: several points of a loss-landscape slice per pass (probes/landscape).
// Each copies rows on the host, which is fast where tensors live in host memory and a round trip per pass on a GPU:
// on a device backend (engine/backend onDevice) the reference forward runs instead.
import type * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../../../shared/config/run-config';
import { onDevice } from './backend';
import type { Model, ModelInput } from './layers';
import { mlpHostGrads, mlpSliceForward, tablesForward, type HostGrads, type SliceForwardOf } from './mlp-fast';
import type { MlpModel } from './mlp-parts';
import type { TransformerModel } from './transformer-parts';
import { prefixForward } from './transformer-prefix';

export type { HostGrads, SliceForwardOf } from './mlp-fast';

type Forward = (input: ModelInput) => tf.Tensor2D;

interface FastPaths {
  forward?(model: Model): Forward | null;
  hostGrads?(model: Model): HostGrads | null;
  sliceForward?(model: Model): SliceForwardOf | null;
}

// the key is the model's kind, so each entry may read its own model's weights
const FAST_PATHS = new Map<ModelConfig['kind'], FastPaths>([
  ['transformer', { forward: (m) => prefixForward(m as TransformerModel) }],
  [
    'mlp',
    {
      forward: (m) => tablesForward(m as MlpModel),
      hostGrads: (m) => mlpHostGrads(m as MlpModel),
      sliceForward: (m) => mlpSliceForward(m as MlpModel),
    },
  ],
]);

function pathsOf(model: Model): FastPaths | undefined {
  return model.kind === undefined || onDevice() ? undefined : FAST_PATHS.get(model.kind);
}

/** The model's fast training forward, or null where its reference forward is the one to run. */
export function fastForward(model: Model): Forward | null {
  return pathsOf(model)?.forward?.(model) ?? null;
}

/** The model's wasm kernel step on `backend`, or null (another backend, or no kernel for this model). */
export function hostGradsFor(model: Model, backend: string): HostGrads | null {
  return backend === 'wasm' ? (pathsOf(model)?.hostGrads?.(model) ?? null) : null;
}

/** The model's batched landscape-slice evaluation, or null (evaluate one point at a time). */
export function sliceForwardFor(model: Model): SliceForwardOf | null {
  return pathsOf(model)?.sliceForward?.(model) ?? null;
}
