// What every task hands the trainer: a table of equations a∘b = c over n elements, split by its own seed into train
// and validation, and encoded as token rows in one of the two encodings of 004 §2.2. The tasks (modular.ts,
// permutation.ts) only supply the table and the element names.
import { trainRowsOf, type TaskConfig } from '../../../shared/config/run-config';
import { Rng } from '../engine/rng';

export interface Equation {
  /** element indices in [0, n): also their token ids and, for c, the answer class */
  a: number;
  b: number;
  c: number;
}

/** One side of the split, as flat arrays ready for tensors. */
export interface SplitData {
  size: number;
  /** row-major [size, seqLen] input tokens */
  tokens: Int32Array;
  /** [size] answer classes in [0, numClasses) (element token ids) */
  targets: Int32Array;
  equations: Equation[];
}

export type Encoding = Extract<TaskConfig, { kind: 'modular' }>['encoding'];

export interface TaskDataset {
  encoding: Encoding;
  /** number of input positions the model sees */
  seqLen: number;
  /** n element tokens, then the op token (power encoding only), then '=' */
  vocabSize: number;
  tokenNames: string[];
  /** output classes: the n element tokens */
  numClasses: number;
  total: number;
  train: SplitData;
  val: SplitData;
}

export interface Vocabulary {
  names: string[];
  /** token id of the operator (power encoding), null for three-token */
  op: number | null;
  eq: number;
}

/** Element tokens first (so token id = element index = answer class), then the op token (power only), then '='. */
export function buildVocabulary(elementNames: string[], opSymbol: string, encoding: Encoding): Vocabulary {
  const names = elementNames.slice();
  let op: number | null = null;
  if (encoding === 'power') {
    op = names.length;
    names.push(opSymbol);
  }
  const eq = names.length;
  names.push('=');
  return { names, op, eq };
}

/** Input tokens of one equation: power ⟨a⟩⟨op⟩⟨b⟩⟨=⟩ (the answer would be the 5th token); three-token (a, b, =). */
export function encodeInput(e: Equation, vocab: { op: number | null; eq: number }): number[] {
  return vocab.op === null ? [e.a, e.b, vocab.eq] : [e.a, vocab.op, e.b, vocab.eq];
}

function toSplit(eqs: Equation[], vocab: Vocabulary, seqLen: number): SplitData {
  const tokens = new Int32Array(eqs.length * seqLen);
  const targets = new Int32Array(eqs.length);
  eqs.forEach((e, i) => {
    tokens.set(encodeInput(e, vocab), i * seqLen);
    targets[i] = e.c;
  });
  return { size: eqs.length, tokens, targets, equations: eqs };
}

export interface SplitSpec {
  equations: Equation[];
  elementNames: string[];
  opSymbol: string;
  encoding: Encoding;
  trainFraction: number;
  splitSeed: number;
}

/** The dataset of 000 §2.2 split by `splitSeed`: |train| = floor(r·|D|), kept within [1, |D|−1] so both sides are non-empty. */
export function splitDataset(s: SplitSpec): TaskDataset {
  const eqs = s.equations;
  if (eqs.length < 2) throw new Error(`the task has ${eqs.length} equation(s); a train/validation split needs at least 2`);
  const order = Array.from({ length: eqs.length }, (_, i) => i);
  new Rng(s.splitSeed).shuffle(order);
  const nTrain = trainRowsOf(eqs.length, s.trainFraction);
  const vocab = buildVocabulary(s.elementNames, s.opSymbol, s.encoding);
  const seqLen = vocab.op === null ? 3 : 4;
  const pick = (idx: number[]) => idx.map((i) => eqs[i]!);
  return {
    encoding: s.encoding,
    seqLen,
    vocabSize: vocab.names.length,
    tokenNames: vocab.names,
    numClasses: s.elementNames.length,
    total: eqs.length,
    train: toSplit(pick(order.slice(0, nTrain)), vocab, seqLen),
    val: toSplit(pick(order.slice(nTrain)), vocab, seqLen),
  };
}
