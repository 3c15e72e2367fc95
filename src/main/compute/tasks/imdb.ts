// 003 §4 / App. A: IMDb sentiment as a sample dataset. All reviews are pooled and shuffled by splitSeed; the first
// testFraction are the test set (or a fixed evalSize subset of it), the training set is the first trainSize of the rest.
// The vocabulary is the vocabSize most frequent words of the non-test pool, so nothing is learnt from test reviews.
import type { ImdbTask } from '../../../shared/config/run-config';
import { DatasetError } from '../datasets/idx';
import { buildVocabulary, encodeReview, readAclImdb, type Review } from '../datasets/imdb';
import { Rng } from '../engine/rng';
import { oneHot, type SampleDataset, type SampleSplit } from './samples';

export function buildImdbDataset(t: ImdbTask): SampleDataset {
  const all = readAclImdb(t.path);
  const order = Array.from({ length: all.length }, (_, i) => i);
  new Rng(t.splitSeed).shuffle(order);
  const nTest = Math.max(1, Math.floor(t.testFraction * all.length));
  const testPool = order.slice(0, nTest).map((i) => all[i]!);
  const trainPool = order.slice(nTest).map((i) => all[i]!);
  if (t.trainSize > trainPool.length)
    throw new DatasetError(
      `task.trainSize is ${t.trainSize}, but ${t.path} has only ${trainPool.length} reviews outside the ${nTest} held back for testing`,
    );
  const vocab = buildVocabulary(trainPool, t.vocabSize);
  const vocabSize = vocab.size + 1; // + padding
  const split = (reviews: Review[]): SampleSplit => {
    const ids = new Int32Array(reviews.length * t.maxLen);
    reviews.forEach((r, i) => ids.set(encodeReview(r.words, vocab, t.maxLen), i * t.maxLen));
    const labels = Int32Array.from(reviews, (r) => r.label);
    return { size: reviews.length, inputs: { kind: 'tokens', seqLen: t.maxLen, vocabSize, ids }, targets: oneHot(labels, 2), labels };
  };
  const test = t.evalSize > 0 ? testPool.slice(0, t.evalSize) : testPool;
  return {
    family: 'samples',
    input: 'tokens',
    inputDim: 0,
    seqLen: t.maxLen,
    vocabSize,
    outDim: 2,
    numClasses: 2,
    accuracy: { kind: 'argmax' },
    train: split(trainPool.slice(0, t.trainSize)),
    val: split(test),
    summary: `${t.trainSize} training reviews, ${test.length} test reviews, ${vocab.size} words`,
  };
}
