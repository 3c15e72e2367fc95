// The parts of the embedding MLP that both its reference forward (models/mlp) and its fast paths (engine/mlp-fast)
// read.
import type * as tf from '@tensorflow/tfjs-core';
import type { MlpModelConfig } from '../../../shared/config/run-config';
import type { Linear, Model } from './layers';

export interface MlpShape {
  vocabSize: number;
  seqLen: number;
  numClasses: number;
  /** size of dense input rows, or of each E_i when `representation` is given; absent for token inputs */
  inputDim?: number;
  /**
   * The initial trainable representation R, rows [vocabSize, inputDim] (003 §5.1): the input is then a token row
   * (i, j, …) and the first layer reads Σ E_token (App. E Eq. 8: Dec(E_i + E_j)).
   */
  representation?: Float32Array;
}

export interface MlpWeights {
  /** [vocab, embedDim], concatenated over positions; null for dense input rows and with a representation */
  embed: tf.Variable | null;
  /** the trainable representation R [vocab, inputDim], summed over positions (no fast path reads it); or null */
  repr: tf.Variable | null;
  hidden: Linear[];
  out: Linear;
}

export interface MlpModel extends Model {
  readonly kind: 'mlp';
  readonly config: MlpModelConfig;
  readonly shape: MlpShape;
  readonly weights: MlpWeights;
}
