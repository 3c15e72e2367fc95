// Modular arithmetic a∘b mod p (000 §2.2; Power et al.'s table of binary operations): the full table of equations
// and its dataset. Pure JS; the training loop turns the token arrays into tensors.
import type { ModularOp, ModularTask, TaskConfig } from '../../../shared/config/run-config';
import { SYMMETRIC_OPS } from '../../../shared/config/run-config';
import { buildVocabulary, splitDataset, type Equation, type TaskDataset, type Vocabulary } from './dataset';

export type { Equation, SplitData } from './dataset';
export { encodeInput } from './dataset';

export interface ModularDataset extends TaskDataset {
  p: number;
  op: ModularOp;
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

/**
 * a∘b mod p for a, b in [0, p). For div, b must be in [1, p) and p prime: a/b = a·b^(p−2) mod p (Fermat). Every
 * product is reduced before the next multiplication, so intermediates stay below p² ≤ 2^20.
 */
export function applyOp(op: ModularOp, a: number, b: number, p: number): number {
  const aa = (a * a) % p;
  const bb = (b * b) % p;
  const ab = (a * b) % p;
  switch (op) {
    case 'add':
      return (a + b) % p;
    case 'sub':
      return (((a - b) % p) + p) % p;
    case 'mul':
      return ab;
    case 'div':
      if (b === 0) throw new Error('division by zero is not part of the div task');
      return (a * modPow(b, p - 2, p)) % p;
    case 'x^2+y^2':
      return (aa + bb) % p;
    case 'x^2+xy+y^2':
      return (aa + ab + bb) % p;
    case 'x^2+xy+y^2+x':
      return (aa + ab + bb + a) % p;
    case 'x^3+xy':
      return (((aa * a) % p) + ab) % p;
    case 'x^3+xy^2+y':
      return (((aa * a) % p) + ((a * bb) % p) + b) % p;
  }
}

/** The op token's name in the power encoding. */
export const OP_SYMBOL: Record<ModularOp, string> = {
  add: '+',
  sub: '-',
  mul: '*',
  div: '/',
  'x^2+y^2': 'x^2+y^2',
  'x^2+xy+y^2': 'x^2+xy+y^2',
  'x^2+xy+y^2+x': 'x^2+xy+y^2+x',
  'x^3+xy': 'x^3+xy',
  'x^3+xy^2+y': 'x^3+xy^2+y',
};

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

export function vocabulary(task: Pick<ModularTask, 'op' | 'p' | 'encoding'>): Vocabulary {
  return buildVocabulary(numberNames(task.p), OP_SYMBOL[task.op], task.encoding);
}

const numberNames = (p: number) => Array.from({ length: p }, (_, i) => String(i));

/** The dataset of a modular task. Accepts any task config (callers that only handle modular tasks, e.g. the bench's
 *  PyTorch peer, pass config.task) and refuses the other kinds by name. */
export function buildModularDataset(task: TaskConfig): ModularDataset {
  if (task.kind !== 'modular') throw new Error(`task.kind: expected "modular", got "${task.kind}" (use tasks/build's buildDataset)`);
  const ds = splitDataset({
    equations: allEquations(task),
    elementNames: numberNames(task.p),
    opSymbol: OP_SYMBOL[task.op],
    encoding: task.encoding,
    trainFraction: task.trainFraction,
    splitSeed: task.splitSeed,
  });
  return { ...ds, p: task.p, op: task.op };
}
