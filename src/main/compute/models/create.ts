// Builds the configured model for a dataset's shape, with its fast training forward attached (engine/fast-paths). The
// init Rng is seeded from the run's `seed` only, so the same seed gives the same initial weights whatever the backend.
import type { ModelConfig } from '../../../shared/config/run-config';
import { fastForward } from '../engine/fast-paths';
import type { Rng } from '../engine/rng';
import type { Model } from './layers';
import { createGcn } from './gcn';
import { createLstm } from './lstm';
import { createMlp } from './mlp';
import { createTransformer } from './transformer';

export interface ModelShape {
  vocabSize: number;
  seqLen: number;
  numClasses: number;
  /** sample tasks (tasks/samples.ts): what a sample is, and the size of a dense row or of a graph node's features */
  input?: 'dense' | 'tokens' | 'graphs';
  inputDim?: number;
  /** a trainable representation's initial rows [vocabSize, inputDim] (messiness with trainRepresentation) */
  representation?: Float32Array;
}

export function createModel(cfg: ModelConfig, shape: ModelShape, rng: Rng): Model {
  const model = referenceModel(cfg, shape, rng);
  const forward = fastForward(model);
  return forward ? { ...model, forward } : model;
}

/** The model as written in models/: the forward a reader checks the maths against. */
export function referenceModel(cfg: ModelConfig, shape: ModelShape, rng: Rng): Model {
  switch (cfg.kind) {
    case 'mlp':
      return createMlp(cfg, shape.input === 'dense' || shape.representation ? shape : { ...shape, inputDim: undefined }, rng);
    case 'transformer':
      return createTransformer(cfg, shape, rng);
    case 'lstm':
      return createLstm(cfg, shape, rng);
    case 'gcn':
      if (shape.input !== 'graphs' || shape.inputDim === undefined) throw new Error('model.kind "gcn" needs a graph task (qm9)');
      return createGcn(cfg, { featureDim: shape.inputDim, outDim: shape.numClasses }, rng);
  }
}

export function paramCount(model: Model): number {
  return model.params.reduce((n, p) => n + p.variable.size, 0);
}
