import { describe, expect, it } from 'vitest';
import { ModularTaskSchema, type ModularTask } from '../../src/shared/config/run-config';
import { allEquations, applyOp, buildModularDataset, vocabulary } from '../../src/main/compute/tasks/modular';
import { deriveSeed, Rng } from '../../src/main/compute/engine/rng';

const task = (t: Partial<ModularTask>): ModularTask => ModularTaskSchema.parse({ kind: 'modular', op: 'add', p: 7, ...t });

/** b⁻¹ mod p by brute force, independent of the implementation's Fermat inverse */
const inverse = (b: number, p: number) => {
  for (let x = 1; x < p; x++) if ((b * x) % p === 1) return x;
  throw new Error('no inverse');
};

describe('modular task', () => {
  it('has p², p(p+1)/2 (symmetric once) and p(p−1) (div) equations', () => {
    expect(allEquations(task({ op: 'add', p: 11 }))).toHaveLength(121);
    expect(allEquations(task({ op: 'sub', p: 11 }))).toHaveLength(121);
    expect(allEquations(task({ op: 'add', p: 11, symmetricOnce: true }))).toHaveLength(66);
    expect(allEquations(task({ op: 'mul', p: 11, symmetricOnce: true }))).toHaveLength(66);
    // symmetricOnce is ignored for non-symmetric ops
    expect(allEquations(task({ op: 'sub', p: 11, symmetricOnce: true }))).toHaveLength(121);
    expect(allEquations(task({ op: 'div', p: 11 }))).toHaveLength(110);
  });

  it('computes a∘b mod p for every op and pair', () => {
    const p = 13;
    for (const op of ['add', 'sub', 'mul', 'div'] as const) {
      for (const e of allEquations(task({ op, p }))) {
        const want =
          op === 'add'
            ? (e.a + e.b) % p
            : op === 'sub'
              ? (e.a - e.b + p) % p
              : op === 'mul'
                ? (e.a * e.b) % p
                : (e.a * inverse(e.b, p)) % p;
        expect(e.c, `${e.a} ${op} ${e.b}`).toBe(want);
        expect(applyOp(op, e.a, e.b, p)).toBe(want);
      }
    }
    // div really is the inverse of mul
    for (const e of allEquations(task({ op: 'div', p }))) expect((e.c * e.b) % p).toBe(e.a);
    expect(() => applyOp('div', 3, 0, p)).toThrow(/division by zero/);
  });

  it('splits disjointly, covers the dataset, keeps both sides non-empty and follows splitSeed', () => {
    const t = task({ op: 'add', p: 17, trainFraction: 0.4, splitSeed: 3 });
    const ds = buildModularDataset(t);
    expect(ds.total).toBe(289);
    expect(ds.train.size).toBe(Math.floor(0.4 * 289));
    expect(ds.train.size + ds.val.size).toBe(289);
    const key = (e: { a: number; b: number }) => e.a * 1000 + e.b;
    const train = new Set(ds.train.equations.map(key));
    const val = new Set(ds.val.equations.map(key));
    expect(train.size).toBe(ds.train.size);
    for (const k of val) expect(train.has(k)).toBe(false);
    expect(new Set([...train, ...val]).size).toBe(289);

    const again = buildModularDataset(t);
    expect(again.train.equations.map(key)).toEqual(ds.train.equations.map(key));
    const other = buildModularDataset({ ...t, splitSeed: 4 });
    expect(other.train.equations.map(key)).not.toEqual(ds.train.equations.map(key));

    const tiny = buildModularDataset(task({ p: 2, trainFraction: 0.01 }));
    expect(tiny.train.size).toBe(1);
    expect(tiny.val.size).toBe(3);
    const most = buildModularDataset(task({ p: 2, trainFraction: 0.99 }));
    expect(most.val.size).toBe(1);
  });

  it('encodes ⟨a⟩⟨op⟩⟨b⟩⟨=⟩ (power) and (a, b, =) (three-token)', () => {
    const p = 5;
    const power = buildModularDataset(task({ op: 'sub', p, encoding: 'power' }));
    expect(power.seqLen).toBe(4);
    expect(power.vocabSize).toBe(p + 2);
    expect(power.tokenNames).toEqual(['0', '1', '2', '3', '4', '-', '=']);
    expect(power.numClasses).toBe(p);
    power.train.equations.forEach((e, i) => {
      expect(Array.from(power.train.tokens.subarray(4 * i, 4 * i + 4))).toEqual([e.a, p, e.b, p + 1]);
      expect(power.train.targets[i]).toBe(e.c);
    });

    const three = buildModularDataset(task({ op: 'add', p, encoding: 'three-token' }));
    expect(three.seqLen).toBe(3);
    expect(three.vocabSize).toBe(p + 1);
    expect(vocabulary(task({ p, encoding: 'three-token' })).names.at(-1)).toBe('=');
    three.val.equations.forEach((e, i) => {
      expect(Array.from(three.val.tokens.subarray(3 * i, 3 * i + 3))).toEqual([e.a, e.b, p]);
      expect(three.val.targets[i]).toBe((e.a + e.b) % p);
    });
  });
});

describe('seeded rng', () => {
  it('repeats per seed, continues from its state, and draws normals with mean 0 and variance 1', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    const c = Rng.fromState(a.state());
    expect(c.uniform()).toBe(a.uniform());
    expect(new Rng(43).nextUint32()).not.toBe(seqA[0]);
    expect(deriveSeed(0, 1)).not.toBe(deriveSeed(0, 2));

    const r = new Rng(7);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});
