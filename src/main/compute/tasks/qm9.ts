// 003 §4 / App. A: QM9 polarisability as a sample dataset of molecular graphs. Molecules are shuffled by splitSeed;
// the first testFraction are the test set (or a fixed evalSize subset), the training set the first trainSize of the
// rest. Targets are standardised by the training targets' mean and standard deviation (so MSE is in units of their
// variance and an α-scaled network starts from a comparable loss on any property).
import type { Qm9Task } from '../../../shared/config/run-config';
import { DatasetError } from '../datasets/idx';
import { NODE_FEATURES, readQm9, type Molecule } from '../datasets/qm9';
import { Rng } from '../engine/rng';
import type { SampleDataset, SampleSplit } from './samples';

export function buildQm9Dataset(t: Qm9Task): SampleDataset {
  const all = readQm9(t.path, t.smilesColumn, t.targetColumn);
  if (all.length < 2) throw new DatasetError(`${t.path}: ${all.length} molecule; a train/test split needs at least 2`);
  const order = Array.from({ length: all.length }, (_, i) => i);
  new Rng(t.splitSeed).shuffle(order);
  const nTest = Math.min(all.length - 1, Math.max(1, Math.floor(t.testFraction * all.length)));
  const testPool = order.slice(0, nTest).map((i) => all[i]!);
  const pool = order.slice(nTest).map((i) => all[i]!);
  if (t.trainSize > pool.length)
    throw new DatasetError(
      `task.trainSize is ${t.trainSize}, but ${t.path} has only ${pool.length} molecules outside the ${nTest} held back for testing`,
    );
  const train = pool.slice(0, t.trainSize);
  const mean = train.reduce((s, m) => s + m.target, 0) / train.length;
  const std = Math.sqrt(train.reduce((s, m) => s + (m.target - mean) ** 2, 0) / train.length) || 1;
  const split = (mols: Molecule[]): SampleSplit => ({
    size: mols.length,
    inputs: { kind: 'graphs', featureDim: NODE_FEATURES, graphs: mols.map((m) => m.graph) },
    targets: Float32Array.from(mols, (m) => (m.target - mean) / std),
    labels: new Int32Array(mols.length).fill(-1),
  });
  const test = t.evalSize > 0 ? testPool.slice(0, t.evalSize) : testPool;
  return {
    family: 'samples',
    input: 'graphs',
    inputDim: NODE_FEATURES,
    seqLen: 1,
    vocabSize: 0,
    outDim: 1,
    numClasses: 1,
    accuracy: { kind: 'threshold', beta: t.beta },
    train: split(train),
    val: split(test),
    summary: `${train.length} training molecules, ${test.length} test molecules; ${t.targetColumn} mean ${mean.toPrecision(4)}, std ${std.toPrecision(4)}`,
  };
}
