// Embedding + MLP (Liu et al.'s toy model, 000 §2.2's "embedding layer followed by a multilayer perceptron"):
// learned token embeddings concatenated over the input positions → `depth` hidden layers of `width` → p logits.
import * as tf from '@tensorflow/tfjs-core';
import type { MlpModelConfig } from '../../../shared/config/run-config';
import { constMatMul } from '../engine/matmul';
import type { Rng } from '../rng';
import { activate, linear, linearParams, ParamSet, type Model, type ModelInput } from './layers';

export interface MlpShape {
  vocabSize: number;
  seqLen: number;
  numClasses: number;
}

export function createMlp(cfg: MlpModelConfig, shape: MlpShape, rng: Rng): Model {
  const ps = new ParamSet(rng);
  const embed = ps.normal('embed.weight', [shape.vocabSize, cfg.embedDim]);
  const hidden = Array.from({ length: cfg.depth }, (_, i) =>
    linearParams(ps, `hidden.${i}`, i === 0 ? shape.seqLen * cfg.embedDim : cfg.width, cfg.width, true),
  );
  const out = linearParams(ps, 'out', cfg.width, shape.numClasses, true);

  function forward(input: ModelInput): tf.Tensor2D {
    // one-hot matmul instead of tf.gather: the wasm backend has no gradient kernel for gather
    const e = constMatMul(input.onehot, input.onehotT, embed as tf.Tensor2D); // [batch·seqLen, embedDim]
    let h = tf.reshape(e, [input.batch, shape.seqLen * cfg.embedDim]) as tf.Tensor2D;
    for (const layer of hidden) h = activate(linear(h, layer), cfg.activation);
    return linear(h, out);
  }

  return { params: ps.list, forward };
}
