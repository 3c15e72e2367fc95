// 003 §5.1 / App. E: representation messiness. p symbols have a frozen representation R = m·R_random + (1 − m)·R_linear
// (R_linear: E_i = [i, 0, …, 0]; R_random: E_i ~ N(0, I)); a sample (i, j) is the decoder input E_i + E_j and its target
// the random template Y_k ~ N(0, I_templateDim) of k = i + j. Accuracy: the nearest template is Y_k's. With
// trainRepresentation the sample is the symbols (i, j) as tokens and R is the model's parameter, starting at this R.
import type { MessinessTask } from '../../../shared/config/run-config';
import { Rng, deriveSeed } from '../engine/rng';
import type { SampleDataset, SampleSplit } from './samples';

/**
 * R as rows [p, reprDim]: linear and random parts drawn once from the seed, so only m changes between runs. R_linear's
 * first entry is i ('index', 003 §5.1's text) or 2i/(p − 1) − 1 ('centred': in [−1, 1], the scale of R_random).
 */
export function messyRepresentation(
  p: number,
  reprDim: number,
  m: number,
  seed: number,
  linear: MessinessTask['linear'] = 'index',
): Float32Array {
  const random = new Rng(deriveSeed(seed, 0x4e9)).fillNormal(new Float32Array(p * reprDim), 1);
  const at = (i: number) => (linear === 'centred' ? (2 * i) / Math.max(1, p - 1) - 1 : i);
  const out = new Float32Array(p * reprDim);
  for (let i = 0; i < p; i++)
    for (let d = 0; d < reprDim; d++) out[i * reprDim + d] = m * random[i * reprDim + d]! + (1 - m) * (d === 0 ? at(i) : 0);
  return out;
}

/** Class templates Y_k for k = 0..2(p−1), rows [2p − 1, templateDim]. */
export function classTemplates(p: number, dim: number, seed: number): Float32Array {
  return new Rng(deriveSeed(seed, 0x7e3)).fillNormal(new Float32Array((2 * p - 1) * dim), 1);
}

export function buildMessinessDataset(t: MessinessTask): SampleDataset {
  const { p, reprDim: d, templateDim: k } = t;
  const R = messyRepresentation(p, d, t.messiness, t.reprSeed, t.linear);
  const templates = classTemplates(p, k, t.reprSeed);
  const pairs: [number, number][] = [];
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) pairs.push([i, j]);
  const order = Array.from({ length: pairs.length }, (_, i) => i);
  new Rng(t.splitSeed).shuffle(order);
  const nTrain = Math.min(pairs.length - 1, Math.max(1, Math.floor(t.trainFraction * pairs.length)));
  const trainable = t.trainRepresentation;
  const split = (idx: number[]): SampleSplit => {
    const ids = new Int32Array(idx.length * 2);
    const values = new Float32Array(idx.length * d);
    const targets = new Float32Array(idx.length * k);
    const labels = new Int32Array(idx.length);
    idx.forEach((q, r) => {
      const [i, j] = pairs[q]!;
      ids[2 * r] = i;
      ids[2 * r + 1] = j;
      for (let c = 0; c < d; c++) values[r * d + c] = R[i * d + c]! + R[j * d + c]!;
      labels[r] = i + j;
      targets.set(templates.subarray((i + j) * k, (i + j + 1) * k), r * k);
    });
    const inputs = trainable ? ({ kind: 'tokens', seqLen: 2, vocabSize: p, ids } as const) : ({ kind: 'dense', dim: d, values } as const);
    return { size: idx.length, inputs, targets, labels };
  };
  return {
    family: 'samples',
    input: trainable ? 'tokens' : 'dense',
    inputDim: d,
    seqLen: trainable ? 2 : 1,
    vocabSize: trainable ? p : 0,
    ...(trainable ? { representation: R } : {}),
    outDim: k,
    numClasses: k,
    accuracy: { kind: 'nearest', templates },
    train: split(order.slice(0, nTrain)),
    val: split(order.slice(nTrain)),
    summary: `${nTrain} of ${pairs.length} pairs (i, j) for training, m = ${t.messiness}${trainable ? ' at the start, R trained' : ''}`,
  };
}
