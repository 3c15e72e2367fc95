// Embedding + MLP (Liu et al.'s toy model, 000 §2.2's "embedding layer followed by a multilayer perceptron"):
// learned token embeddings concatenated over the input positions → `depth` hidden layers of `width` → p logits.
// On a dense sample task (003: teacher-student, MNIST, messiness) there is no embedding: the input rows feed the first
// hidden layer directly (e.g. 784-200-200-10, embedDim unused). With a trainable representation (003 §5.1, messiness
// with trainRepresentation) the input is the symbols (i, j) and the first layer reads E_i + E_j from the parameter R
// (App. E Eq. 8: a decoder Dec(E_i + E_j), 1-200-200-30). On token inputs with an embedding, training runs the same
// maths through per-position tables and Grokscope's wasm kernels (engine/mlp-fast), attached by models/create; the
// representation model has no fast path (its embedding is summed, not concatenated).
import * as tf from '@tensorflow/tfjs-core';
import type { MlpModelConfig } from '../../../shared/config/run-config';
import { constMatMul } from '../engine/matmul';
import type { MlpModel, MlpShape } from '../engine/mlp-parts';
import type { Rng } from '../engine/rng';
import type { SampleInput } from '../tasks/sample-tensors';
import { activate, linear, linearParams, ParamSet, type ModelInput } from './layers';

export type { MlpModel, MlpShape } from '../engine/mlp-parts';

export function createMlp(cfg: MlpModelConfig, shape: MlpShape, rng: Rng): MlpModel {
  const ps = new ParamSet(rng);
  const dense = shape.inputDim !== undefined;
  const repr =
    shape.representation && dense
      ? ps.given('repr.weight', [shape.vocabSize, shape.inputDim!], shape.representation, 'representation')
      : null;
  const embed = dense ? null : ps.normal('embed.weight', [shape.vocabSize, cfg.embedDim]);
  const hidden = Array.from({ length: cfg.depth }, (_, i) =>
    linearParams(ps, `hidden.${i}`, i > 0 ? cfg.width : dense ? shape.inputDim! : shape.seqLen * cfg.embedDim, cfg.width, true),
  );
  const out = linearParams(ps, 'out', cfg.width, shape.numClasses, true);

  /** The first layer's input: dense rows as given, or the token embeddings concatenated over positions. */
  function inputRows(input: ModelInput): tf.Tensor2D {
    if (repr) {
      // Σ over the row's symbols of E_symbol; one-hot matmul as below, then the positions summed
      const e = constMatMul(input.onehot, input.onehotT, repr as tf.Tensor2D); // [B·L, inputDim]
      return tf.sum(tf.reshape(e, [input.batch, shape.seqLen, shape.inputDim!]), 1) as tf.Tensor2D;
    }
    if (!embed) {
      const features = (input as SampleInput).features;
      if (!features) throw new Error('this MLP reads dense input rows, but the batch has none');
      return features;
    }
    // one-hot matmul instead of tf.gather: the wasm backend has no gradient kernel for gather
    const e = constMatMul(input.onehot, input.onehotT, embed as tf.Tensor2D); // [B·L, embedDim]
    return tf.reshape(e, [input.batch, shape.seqLen * cfg.embedDim]) as tf.Tensor2D;
  }

  function forward(input: ModelInput): tf.Tensor2D {
    let h = inputRows(input);
    for (const layer of hidden) h = activate(linear(h, layer), cfg.activation);
    return linear(h, out);
  }

  return { kind: 'mlp', config: cfg, shape, weights: { embed, repr, hidden, out }, params: ps.list, forward };
}
