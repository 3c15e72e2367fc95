// Binary operations on the symmetric group S5 (Power et al.): composition a·b and conjugation a·b·a⁻¹ over all
// 120 permutations, i.e. 120² = 14400 equations. Elements are indexed in lexicographic order of their one-line
// notation (index 0 is the identity 01234), which is also their token id and answer class.
import type { PermutationOp, PermutationTask } from '../../../shared/config/run-config';
import { splitDataset, type Equation, type TaskDataset } from './dataset';

export type Perm = readonly number[];

/** All permutations of [0, n) in lexicographic order. */
export function permutations(n: number): number[][] {
  const out: number[][] = [];
  const rec = (prefix: number[], rest: number[]) => {
    if (rest.length === 0) {
      out.push(prefix);
      return;
    }
    rest.forEach((x, i) => rec([...prefix, x], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  rec(
    [],
    Array.from({ length: n }, (_, i) => i),
  );
  return out;
}

/** (a·b)(i) = a(b(i)): b acts first, as for functions. */
export const compose = (a: Perm, b: Perm): number[] => b.map((bi) => a[bi]!);

export function inverse(a: Perm): number[] {
  const inv = new Array<number>(a.length);
  a.forEach((ai, i) => (inv[ai] = i));
  return inv;
}

export function applyPermOp(op: PermutationOp, a: Perm, b: Perm): number[] {
  return op === 'compose' ? compose(a, b) : compose(compose(a, b), inverse(a));
}

export const permName = (a: Perm): string => a.join('');

const OP_SYMBOL: Record<PermutationOp, string> = { compose: '∘', conjugate: 'a∘b∘a⁻¹' };

export interface PermutationDataset extends TaskDataset {
  op: PermutationOp;
  /** the group's elements; element i is token i */
  elements: number[][];
}

/** The table of a∘b over S5, a major and b minor. */
export function allPermEquations(op: PermutationOp, elements: number[][]): Equation[] {
  const index = new Map(elements.map((e, i) => [permName(e), i]));
  const out: Equation[] = [];
  elements.forEach((a, ia) => elements.forEach((b, ib) => out.push({ a: ia, b: ib, c: index.get(permName(applyPermOp(op, a, b)))! })));
  return out;
}

export function buildPermutationDataset(task: PermutationTask): PermutationDataset {
  const elements = permutations(5);
  const ds = splitDataset({
    equations: allPermEquations(task.op, elements),
    elementNames: elements.map(permName),
    opSymbol: OP_SYMBOL[task.op],
    encoding: task.encoding,
    trainFraction: task.trainFraction,
    splitSeed: task.splitSeed,
  });
  return { ...ds, op: task.op, elements };
}
