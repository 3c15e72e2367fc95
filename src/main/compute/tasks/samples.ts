// Sample tasks (Omnigrok, 003 §3-§5): datasets of independent samples rather than a table of a∘b = c equations.
// A sample's input is a dense vector (teacher-student, MNIST, representation messiness), a token sequence (IMDb) or a
// molecular graph (QM9); its target is a row of numbers (one-hot class, regression output, or class template). How a
// prediction counts as correct is the task's accuracy rule. Pure JS: compute/tasks/sample-source.ts makes tensors.

import type { Graph } from '../datasets/qm9';

export type { Graph };

export type SampleInputs =
  | { kind: 'dense'; dim: number; /** row-major [size, dim] */ values: Float32Array }
  | { kind: 'tokens'; seqLen: number; vocabSize: number; /** row-major [size, seqLen] */ ids: Int32Array }
  | { kind: 'graphs'; featureDim: number; graphs: Graph[] };

export interface SampleSplit {
  size: number;
  inputs: SampleInputs;
  /** row-major [size, outDim]: one-hot classes, regression outputs or class templates */
  targets: Float32Array;
  /** [size] class of each sample (argmax / nearest-template rules); −1 for regression */
  labels: Int32Array;
}

/**
 * How a prediction counts as correct. argmax: the largest output is the label. threshold (003 §3): the sample's mean
 * squared error over its outputs is below β. nearest: the closest class template (Euclidean) is the label's (003 App. E).
 */
export type AccuracyRule =
  | { kind: 'argmax' }
  | { kind: 'threshold'; beta: number }
  | { kind: 'nearest'; /** row-major [classes, outDim] */ templates: Float32Array };

export interface SampleDataset {
  family: 'samples';
  /** what the model sees: 'dense' vectors of inputDim, 'tokens' (seqLen, vocabSize), or 'graphs' of featureDim */
  input: SampleInputs['kind'];
  inputDim: number;
  seqLen: number;
  vocabSize: number;
  /** model outputs per sample */
  outDim: number;
  /** = outDim, so that a sample dataset also serves as a ModelShape */
  numClasses: number;
  accuracy: AccuracyRule;
  train: SampleSplit;
  val: SampleSplit;
  /**
   * A trainable representation's initial rows [vocabSize, inputDim] (messiness with trainRepresentation): the inputs
   * are then the symbols (i, j) as tokens and the model reads E_i + E_j from it (models/mlp).
   */
  representation?: Float32Array;
  /** one line for run labels and logs, e.g. "MNIST, 1000 training images" */
  summary: string;
}

/** One-hot rows [labels.length, classes]. */
export function oneHot(labels: ArrayLike<number>, classes: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) out[i * classes + labels[i]!] = 1;
  return out;
}

export function isSampleDataset(ds: object): ds is SampleDataset {
  return (ds as { family?: unknown }).family === 'samples';
}
