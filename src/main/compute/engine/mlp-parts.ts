// The parts of the embedding MLP that both its reference forward (models/mlp) and its fast paths (engine/mlp-fast)
// read.
import type * as tf from '@tensorflow/tfjs-core';
import type { MlpModelConfig } from '../../../shared/config/run-config';
import type { Linear, Model } from './layers';

export interface MlpShape {
  vocabSize: number;
  seqLen: number;
  numClasses: number;
  /** size of dense input rows; absent for token inputs */
  inputDim?: number;
}

export interface MlpWeights {
  /** [vocab, embedDim]; null for dense input rows */
  embed: tf.Variable | null;
  hidden: Linear[];
  out: Linear;
}

export interface MlpModel extends Model {
  readonly kind: 'mlp';
  readonly config: MlpModelConfig;
  readonly shape: MlpShape;
  readonly weights: MlpWeights;
}
