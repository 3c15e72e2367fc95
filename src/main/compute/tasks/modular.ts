// Modular arithmetic a∘b mod p (000 §2.2): the full table of equations, a seeded train/validation split and the two
// token encodings. Pure JS; the training loop turns the token arrays into tensors.
import type { ModularOp, ModularTask } from '../../../shared/config/run-config';
import { SYMMETRIC_OPS } from '../../../shared/config/run-config';
import { Rng } from '../rng';

export interface Equation {
  a: number;
  b: number;
  /** (a∘b) mod p, also the class index of the answer token */
  c: number;
}

/** One side of the split, as flat arrays ready for tensors. */
export interface SplitData {
  size: number;
  /** row-major [size, seqLen] input tokens */
  tokens: Int32Array;
  /** [size] answer classes in [0, p) (number token ids) */
  targets: Int32Array;
  equations: Equation[];
}

export interface ModularDataset {
  p: number;
  op: ModularOp;
  encoding: ModularTask['encoding'];
  /** number of input positions the model sees */
  seqLen: number;
  /** p number tokens, then the op token (power encoding only), then '=' */
  vocabSize: number;
  tokenNames: string[];
  /** output classes: the p number tokens */
  numClasses: number;
  total: number;
  train: SplitData;
  val: SplitData;
}

function modPow(base: number, exp: number, mod: number): number {
  let result = 1;
  let b = base % mod;
  let e = exp;
  while (e > 0) {
    if (e & 1) result = (result * b) % mod; // p ≤ 1024: products stay far below 2^53
    b = (b * b) % mod;
    e >>= 1;
  }
  return result;
}

/** a∘b mod p. For div, b must be in [1, p) and p prime: a/b = a·b^(p−2) mod p (Fermat). */
export function applyOp(op: ModularOp, a: number, b: number, p: number): number {
  switch (op) {
    case 'add':
      return (a + b) % p;
    case 'sub':
      return (((a - b) % p) + p) % p;
    case 'mul':
      return (a * b) % p;
    case 'div':
      if (b === 0) throw new Error('division by zero is not part of the div task');
      return (a * modPow(b, p - 2, p)) % p;
  }
}

const OP_SYMBOL: Record<ModularOp, string> = { add: '+', sub: '-', mul: '*', div: '/' };

/** All equations of the task, in a fixed order (a major, b minor). */
export function allEquations(task: Pick<ModularTask, 'op' | 'p' | 'symmetricOnce'>): Equation[] {
  const { op, p } = task;
  const once = task.symmetricOnce && SYMMETRIC_OPS.includes(op);
  const out: Equation[] = [];
  for (let a = 0; a < p; a++) {
    for (let b = op === 'div' ? 1 : 0; b < p; b++) {
      if (once && b < a) continue; // a∘b and b∘a counted once: p(p+1)/2 pairs
      out.push({ a, b, c: applyOp(op, a, b, p) });
    }
  }
  return out;
}

export function vocabulary(task: Pick<ModularTask, 'op' | 'p' | 'encoding'>): { names: string[]; op: number | null; eq: number } {
  const names = Array.from({ length: task.p }, (_, i) => String(i));
  let op: number | null = null;
  if (task.encoding === 'power') {
    op = names.length;
    names.push(OP_SYMBOL[task.op]);
  }
  const eq = names.length;
  names.push('=');
  return { names, op, eq };
}

/** Input tokens of one equation: power ⟨a⟩⟨op⟩⟨b⟩⟨=⟩ (the answer would be the 5th token); three-token (a, b, =). */
export function encodeInput(e: Equation, vocab: { op: number | null; eq: number }): number[] {
  return vocab.op === null ? [e.a, e.b, vocab.eq] : [e.a, vocab.op, e.b, vocab.eq];
}

function toSplit(eqs: Equation[], vocab: { op: number | null; eq: number }, seqLen: number): SplitData {
  const tokens = new Int32Array(eqs.length * seqLen);
  const targets = new Int32Array(eqs.length);
  eqs.forEach((e, i) => {
    tokens.set(encodeInput(e, vocab), i * seqLen);
    targets[i] = e.c;
  });
  return { size: eqs.length, tokens, targets, equations: eqs };
}

/** The dataset of 000 §2.2 split by `splitSeed`: |train| = floor(r·|D|), kept within [1, |D|−1] so both sides are non-empty. */
export function buildModularDataset(task: ModularTask): ModularDataset {
  const eqs = allEquations(task);
  if (eqs.length < 2) throw new Error(`task.p: ${task.p} gives ${eqs.length} equation(s); a train/validation split needs at least 2`);
  const order = Array.from({ length: eqs.length }, (_, i) => i);
  new Rng(task.splitSeed).shuffle(order);
  const nTrain = Math.min(eqs.length - 1, Math.max(1, Math.floor(task.trainFraction * eqs.length)));
  const vocab = vocabulary(task);
  const seqLen = vocab.op === null ? 3 : 4;
  const pick = (idx: number[]) => idx.map((i) => eqs[i]!);
  return {
    p: task.p,
    op: task.op,
    encoding: task.encoding,
    seqLen,
    vocabSize: vocab.names.length,
    tokenNames: vocab.names,
    numClasses: task.p,
    total: eqs.length,
    train: toSplit(pick(order.slice(0, nTrain)), vocab, seqLen),
    val: toSplit(pick(order.slice(nTrain)), vocab, seqLen),
  };
}
