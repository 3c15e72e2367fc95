// The parts of a transformer that both its reference forward (models/transformer) and its prefix forward
// (engine/transformer-prefix) read, with the two small pieces of maths they share.
import * as tf from '@tensorflow/tfjs-core';
import type { TransformerModelConfig } from '../../../shared/config/run-config';
import { layerNorm, type Linear, type Model, type ModelInput } from './layers';

export interface TransformerShape {
  vocabSize: number;
  seqLen: number;
  numClasses: number;
}

/** a LayerNorm's gain and bias, or null where the model has none */
export type Norm = [tf.Variable, tf.Variable] | null;

export interface Block {
  ln1: Norm;
  q: Linear; // [d, d]
  k: Linear;
  v: Linear;
  proj: Linear; // [d, d]
  ln2: Norm;
  fc: Linear; // [d, dMlp]
  out: Linear; // [dMlp, d]
}

export interface TransformerWeights {
  embed: tf.Variable; // [vocab, d]
  pos: tf.Variable; // [L, d]
  blocks: Block[];
  lnf: Norm;
  unembed: tf.Variable | null; // [d, p], null when tied
}

export interface TransformerModel extends Model {
  readonly kind: 'transformer';
  readonly config: TransformerModelConfig;
  readonly shape: TransformerShape;
  readonly weights: TransformerWeights;
  /** logits at every position, [B, L, p] (for inspection; training reads only the last position) */
  forwardAll(input: ModelInput): tf.Tensor3D;
}

/** LayerNorm when the model has it, the identity otherwise. */
export function norm(x: tf.Tensor2D, ln: Norm): tf.Tensor2D {
  return ln ? layerNorm(x, ln[0], ln[1]) : x;
}

/** The output layer [d, p]: the separate unembedding, or the number-token rows of the embedding transposed. */
export function unembedding(w: TransformerWeights, shape: TransformerShape): tf.Tensor2D {
  const d = w.embed.shape[1]!;
  return (w.unembed ?? tf.transpose(tf.slice(w.embed, [0, 0], [shape.numClasses, d]))) as tf.Tensor2D;
}
