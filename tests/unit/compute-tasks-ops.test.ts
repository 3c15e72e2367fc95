// Every task of issue 3 against an independent brute-force reference: the modular ops by BigInt closed forms (x/y as
// x·y^(p−2) mod p), symmetry decided from the full tables, and S5 through permutation matrices (P_{a·b} = P_a·P_b),
// plus the config rules of the new task kinds and both encodings of the S5 task.
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/shared/config/parse';
import {
  MODULAR_OPS,
  ModularTaskSchema,
  PermutationTaskSchema,
  RunConfigSchema,
  SYMMETRIC_OPS,
  type ModularOp,
  type ModularTask,
} from '../../src/shared/config/run-config';
import { buildDataset } from '../../src/main/compute/tasks/build';
import { allEquations, applyOp, buildModularDataset } from '../../src/main/compute/tasks/modular';
import { buildPermutationDataset, permutations } from '../../src/main/compute/tasks/permutation';

const task = (t: Partial<ModularTask>): ModularTask => ModularTaskSchema.parse({ kind: 'modular', op: 'add', p: 7, ...t });

/** f(x, y) mod p in BigInt, written from the formulas of Power et al.'s table. */
function reference(op: ModularOp, x: number, y: number, p: number): number {
  const [X, Y, P] = [BigInt(x), BigInt(y), BigInt(p)];
  const m = (v: bigint) => Number(((v % P) + P) % P);
  switch (op) {
    case 'add':
      return m(X + Y);
    case 'sub':
      return m(X - Y);
    case 'mul':
      return m(X * Y);
    case 'div':
      return m(X * Y ** (P - 2n));
    case 'x^2+y^2':
      return m(X ** 2n + Y ** 2n);
    case 'x^2+xy+y^2':
      return m(X ** 2n + X * Y + Y ** 2n);
    case 'x^2+xy+y^2+x':
      return m(X ** 2n + X * Y + Y ** 2n + X);
    case 'x^3+xy':
      return m(X ** 3n + X * Y);
    case 'x^3+xy^2+y':
      return m(X ** 3n + X * Y ** 2n + Y);
  }
}

describe('modular ops', () => {
  it('match the BigInt closed forms on every pair, for small and large p', () => {
    for (const p of [2, 3, 7, 23, 97]) {
      for (const op of MODULAR_OPS) {
        const eqs = allEquations(task({ op, p }));
        expect(eqs).toHaveLength(op === 'div' ? p * (p - 1) : p * p);
        for (const e of eqs) expect(e.c, `${e.a} ${op} ${e.b} mod ${p}`).toBe(reference(op, e.a, e.b, p));
      }
    }
    // the largest prime the schema allows: a deterministic sample of pairs, big values included
    const p = 1021;
    for (const op of MODULAR_OPS)
      for (let a = 0; a < p; a += 37)
        for (const b of [1, 2, 500, 1019, 1020]) expect(applyOp(op, a, b, p), `${a} ${op} ${b} mod ${p}`).toBe(reference(op, a, b, p));
    // the largest values of the cubic stay exact (no float overflow): (p−1)³ + (p−1)(p−1)² + (p−1) mod p = −1 −1 −1
    expect(applyOp('x^3+xy^2+y', 1023, 1023, 1024)).toBe(reference('x^3+xy^2+y', 1023, 1023, 1024));
    expect(applyOp('x^3+xy^2+y', 1023, 1023, 1024)).toBe(1021);
  });

  it('SYMMETRIC_OPS are exactly the ops with f(x, y) = f(y, x) on the whole table (p ≥ 5)', () => {
    for (const p of [5, 7, 11, 13, 31, 97]) {
      for (const op of MODULAR_OPS) {
        let symmetric = true;
        // div is defined for b ≠ 0 only: compare where both orders exist
        for (const e of allEquations(task({ op, p })))
          if ((op !== 'div' || e.a !== 0) && applyOp(op, e.b, e.a, p) !== e.c) symmetric = false;
        expect(SYMMETRIC_OPS.includes(op), `${op} mod ${p}`).toBe(symmetric);
      }
    }
  });

  it('symmetricOnce keeps p(p+1)/2 pairs (each unordered pair once, right answers) for symmetric ops only', () => {
    const p = 13;
    for (const op of MODULAR_OPS) {
      const once = allEquations(task({ op, p, symmetricOnce: true }));
      const all = allEquations(task({ op, p }));
      if (!SYMMETRIC_OPS.includes(op)) {
        expect(once).toEqual(all);
        continue;
      }
      expect(once).toHaveLength((p * (p + 1)) / 2);
      const pairs = new Set(once.map((e) => `${Math.min(e.a, e.b)},${Math.max(e.a, e.b)}`));
      expect(pairs.size).toBe(once.length);
      for (const e of once) expect(e.c).toBe(reference(op, e.a, e.b, p));
    }
  });

  it('power encoding names the op token after the formula', () => {
    const ds = buildModularDataset(task({ op: 'x^2+xy+y^2+x', p: 5, encoding: 'power' }));
    expect(ds.tokenNames).toEqual(['0', '1', '2', '3', '4', 'x^2+xy+y^2+x', '=']);
    ds.train.equations.forEach((e, i) => expect(Array.from(ds.train.tokens.subarray(4 * i, 4 * i + 4))).toEqual([e.a, 5, e.b, 6]));
  });
});

/** Permutation matrix with P[a(i)][i] = 1, so that P_a·e_i = e_{a(i)} and P_{a∘b} = P_a·P_b. */
const matrix = (a: readonly number[]) => a.map((_, r) => a.map((ai) => (ai === r ? 1 : 0)));
const matMul = (x: number[][], y: number[][]) => x.map((row) => y[0]!.map((_, j) => row.reduce((s, v, k) => s + v * y[k]![j]!, 0)));
const transpose = (x: number[][]) => x[0]!.map((_, j) => x.map((row) => row[j]!));
const fromMatrix = (m: number[][]) => m[0]!.map((_, i) => m.findIndex((row) => row[i] === 1));

describe('S5 task', () => {
  const elements = permutations(5);

  it('has the 120 distinct permutations in lexicographic order, identity first', () => {
    expect(elements).toHaveLength(120);
    expect(new Set(elements.map((e) => e.join(''))).size).toBe(120);
    expect(elements[0]).toEqual([0, 1, 2, 3, 4]);
    expect(elements[119]).toEqual([4, 3, 2, 1, 0]);
    const names = elements.map((e) => e.join(''));
    expect(names).toEqual(names.slice().sort());
  });

  for (const op of ['compose', 'conjugate'] as const) {
    it(`${op}: every one of the 14400 answers equals the permutation-matrix product`, () => {
      const ds = buildPermutationDataset(
        PermutationTaskSchema.parse({ kind: 'permutation', op, trainFraction: 0.5, encoding: 'three-token' }),
      );
      expect(ds.total).toBe(14400);
      expect(ds.numClasses).toBe(120);
      expect(ds.vocabSize).toBe(121);
      expect(ds.seqLen).toBe(3);
      for (const split of [ds.train, ds.val]) {
        split.equations.forEach((e, i) => {
          const [A, B] = [matrix(elements[e.a]!), matrix(elements[e.b]!)];
          const want = op === 'compose' ? matMul(A, B) : matMul(matMul(A, B), transpose(A)); // P_a⁻¹ = P_aᵀ
          expect(elements[e.c], `${elements[e.a]!.join('')} ${op} ${elements[e.b]!.join('')}`).toEqual(fromMatrix(want));
          expect(Array.from(split.tokens.subarray(3 * i, 3 * i + 3))).toEqual([e.a, e.b, 120]);
          expect(split.targets[i]).toBe(e.c);
        });
      }
    });
  }

  it('compose is a non-abelian group table (Latin square); conjugating by the identity or by b itself gives b', () => {
    const compose = buildPermutationDataset(PermutationTaskSchema.parse({ kind: 'permutation', op: 'compose' }));
    const table = new Map([...compose.train.equations, ...compose.val.equations].map((e) => [e.a * 120 + e.b, e.c]));
    for (let a = 0; a < 120; a++) {
      expect(new Set(Array.from({ length: 120 }, (_, b) => table.get(a * 120 + b))).size).toBe(120);
      expect(new Set(Array.from({ length: 120 }, (_, b) => table.get(b * 120 + a))).size).toBe(120);
    }
    let nonCommuting = 0;
    for (let a = 0; a < 120; a++) for (let b = 0; b < 120; b++) if (table.get(a * 120 + b) !== table.get(b * 120 + a)) nonCommuting++;
    expect(nonCommuting).toBeGreaterThan(0);

    const conj = buildPermutationDataset(PermutationTaskSchema.parse({ kind: 'permutation', op: 'conjugate' }));
    for (const e of [...conj.train.equations, ...conj.val.equations]) {
      if (e.a === 0 || e.a === e.b) expect(e.c).toBe(e.b);
    }
  });

  it('power encoding: ⟨a⟩⟨op⟩⟨b⟩⟨=⟩ over 120 permutation tokens + op + =; the split follows splitSeed', () => {
    const t = PermutationTaskSchema.parse({ kind: 'permutation', op: 'conjugate', trainFraction: 0.3, splitSeed: 2 });
    const ds = buildDataset(t);
    expect(ds.seqLen).toBe(4);
    expect(ds.vocabSize).toBe(122);
    expect(ds.tokenNames.slice(0, 2)).toEqual(['01234', '01243']);
    expect(ds.tokenNames.at(-1)).toBe('=');
    expect(ds.train.size).toBe(Math.floor(0.3 * 14400));
    expect(Array.from(ds.train.tokens.subarray(0, 4))).toEqual([ds.train.equations[0]!.a, 120, ds.train.equations[0]!.b, 121]);
    const other = buildDataset({ ...t, splitSeed: 3 });
    expect(other.train.equations.slice(0, 20)).not.toEqual(ds.train.equations.slice(0, 20));
    expect(buildDataset(t).train.equations.slice(0, 20)).toEqual(ds.train.equations.slice(0, 20));
  });
});

describe('task config', () => {
  const run = (task: object) => ({ task, model: { kind: 'mlp' }, training: { steps: 10 } });
  const problems = (task: object) => {
    const r = parseConfigText(JSON.stringify(run(task)), 'x.json');
    return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
  };

  it('accepts every op; only div needs a prime p', () => {
    for (const op of MODULAR_OPS) {
      expect(problems({ kind: 'modular', op, p: 24 }), op).toEqual(op === 'div' ? ['task.p: must be prime for op "div", got 24'] : []);
      expect(problems({ kind: 'modular', op, p: 23 }), op).toEqual([]);
    }
    expect(problems({ kind: 'modular', op: 'x^4', p: 23 })[0]).toMatch(/^task\.op: /);
  });

  it('accepts S5 tasks with defaults and refuses other groups, unknown ops and symmetricOnce', () => {
    const c = RunConfigSchema.parse(run({ kind: 'permutation', op: 'conjugate' }));
    expect(c.task).toEqual({ kind: 'permutation', group: 'S5', op: 'conjugate', trainFraction: 0.5, splitSeed: 0, encoding: 'power' });
    expect(problems({ kind: 'permutation', group: 'S4', op: 'compose' })[0]).toMatch(/^task\.group: /);
    expect(problems({ kind: 'permutation', op: 'add' })[0]).toMatch(/^task\.op: /);
    expect(problems({ kind: 'permutation', op: 'compose', symmetricOnce: true })).toEqual(['task.symmetricOnce: unknown key']);
    expect(problems({ kind: 'permutation', op: 'compose', p: 5 })).toEqual(['task.p: unknown key']);
    expect(problems({ kind: 'group', op: 'compose' })[0]).toMatch(/^task\.kind: /);
  });
});

describe('run labels', () => {
  it('describe every task and model kind in a few words', async () => {
    const { describeModel, describeTask } = await import('../../src/main/services/run-views');
    const c = (task: object, model: object) => RunConfigSchema.parse({ task, model, training: { steps: 1 } });
    expect(describeTask(c({ kind: 'modular', op: 'add', p: 31, trainFraction: 0.6 }, { kind: 'mlp' }).task)).toBe('a+b mod 31, r=0.6');
    expect(describeTask(c({ kind: 'modular', op: 'x^3+xy^2+y', p: 97 }, { kind: 'mlp' }).task)).toBe('a³+ab²+b mod 97, r=0.5');
    expect(describeTask(c({ kind: 'permutation', op: 'conjugate', trainFraction: 0.3 }, { kind: 'mlp' }).task)).toBe('S5 a·b·a⁻¹, r=0.3');
    expect(describeTask(c({ kind: 'permutation', op: 'compose' }, { kind: 'mlp' }).task)).toBe('S5 a·b, r=0.5');
    expect(describeModel(c({ kind: 'permutation', op: 'compose' }, { kind: 'lstm', hidden: 20 }).model)).toBe('lstm 1L h20 e128');
    // the task family drops the data knobs: runs of one operation at different r are one task to the predictor
    const { taskFamily } = await import('../../src/main/services/run-views');
    expect(taskFamily(c({ kind: 'modular', op: 'add', p: 31, trainFraction: 0.6 }, { kind: 'mlp' }).task)).toBe('a+b mod 31');
    expect(taskFamily(c({ kind: 'modular', op: 'add', p: 31, trainFraction: 0.3 }, { kind: 'mlp' }).task)).toBe('a+b mod 31');
    expect(taskFamily(c({ kind: 'permutation', op: 'conjugate', trainFraction: 0.3 }, { kind: 'mlp' }).task)).toBe('S5 a·b·a⁻¹');
    expect(describeModel(c({ kind: 'permutation', op: 'compose' }, { kind: 'mlp', depth: 1, width: 128, embedDim: 32 }).model)).toBe(
      'mlp 1x128 e32 relu',
    );
  });
});

describe('training on the new tasks', () => {
  it('a trainer runs on S5 (120 classes) and on a polynomial op, and the training loss falls', async () => {
    const { initBackend } = await import('../../src/main/compute/engine/backend');
    const { Trainer } = await import('../../src/main/compute/train/trainer');
    await initBackend('cpu');
    for (const task of [
      { kind: 'permutation', op: 'conjugate', trainFraction: 0.05, encoding: 'three-token' },
      { kind: 'modular', op: 'x^3+xy', p: 11, trainFraction: 0.7, encoding: 'power' },
    ]) {
      const t = new Trainer(
        RunConfigSchema.parse({
          seed: 0,
          task,
          model: { kind: 'mlp', embedDim: 16, width: 64, depth: 1 },
          optimizer: { lr: 0.01, weightDecay: 0, warmupSteps: 0 },
          training: { steps: 20 },
        }),
      );
      expect(t.dataset.numClasses).toBe(task.kind === 'permutation' ? 120 : 11);
      const first = (await t.update(false)).loss;
      let last = first;
      for (let i = 0; i < 19; i++) last = (await t.update(false)).loss;
      expect(Number.isFinite(first)).toBe(true);
      expect(last, JSON.stringify(task)).toBeLessThan(first);
      t.dispose();
    }
  });
});
