import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eigSym } from '../../src/shared/analysis/eig-sym';
import { seededRandom } from '../../src/shared/analysis/rng';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/analysis/pca.json', import.meta.url), 'utf8')) as {
  eigh: { A: number[][]; values: number[]; vectors: number[][] }[];
};
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

describe('eigSym against numpy.linalg.eigh (fixture from gen_pca.py)', () => {
  for (const { A, values, vectors } of fixture.eigh) {
    it(`${A.length}×${A.length} random symmetric matrix`, () => {
      const e = eigSym(A);
      const scale = Math.max(...values.map(Math.abs));
      e.values.forEach((v, i) => expect(Math.abs(v - values[i]!) / scale).toBeLessThan(1e-12));
      // Eigenvectors are defined up to sign.
      e.vectors.forEach((v, i) => expect(Math.abs(dot(v, vectors[i]!))).toBeCloseTo(1, 10));
    });
  }
});

describe('eigSym closed forms', () => {
  it('[[2, 1], [1, 2]] has eigenvalues 3 and 1 with eigenvectors (1, ±1)/√2', () => {
    const e = eigSym([
      [2, 1],
      [1, 2],
    ]);
    expect(e.values[0]).toBeCloseTo(3, 14);
    expect(e.values[1]).toBeCloseTo(1, 14);
    expect(Math.abs(e.vectors[0]![0]!)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(e.vectors[0]![0]! * e.vectors[0]![1]!).toBeCloseTo(0.5, 14);
    expect(e.vectors[1]![0]! * e.vectors[1]![1]!).toBeCloseTo(-0.5, 14);
  });

  it('reconstructs A = V·Λ·Vᵀ with orthonormal V, including repeated and tiny eigenvalues', () => {
    const rng = seededRandom(2);
    const n = 30;
    // Q·diag(spectrum)·Qᵀ with a random orthogonal Q (Gram-Schmidt) and a spectrum with a triple eigenvalue and 1e-12.
    const Q: number[][] = [];
    while (Q.length < n) {
      const v = Array.from({ length: n }, () => rng.normal());
      for (const q of Q) {
        const p = dot(v, q);
        for (let k = 0; k < n; k++) v[k] = v[k]! - p * q[k]!;
      }
      const norm = Math.sqrt(dot(v, v));
      Q.push(v.map((x) => x / norm));
    }
    const spectrum = Array.from({ length: n }, (_, i) => (i < 3 ? 5 : i === n - 1 ? 1e-12 : 4 - i * 0.25));
    const A = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => spectrum.reduce((s, l, k) => s + l * Q[k]![i]! * Q[k]![j]!, 0)),
    );
    const e = eigSym(A);
    const sorted = spectrum.slice().sort((a, b) => b - a);
    e.values.forEach((v, i) => expect(v).toBeCloseTo(sorted[i]!, 12));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        expect(dot(e.vectors[i]!, e.vectors[j]!)).toBeCloseTo(i === j ? 1 : 0, 12);
        const rec = e.values.reduce((s, l, k) => s + l * e.vectors[k]![i]! * e.vectors[k]![j]!, 0);
        expect(rec).toBeCloseTo(A[i]![j]!, 12);
      }
    }
  });

  it('a diagonal matrix needs no rotation; bad input is named', () => {
    const e = eigSym([
      [1, 0, 0],
      [0, 3, 0],
      [0, 0, 2],
    ]);
    expect(e.values).toEqual([3, 2, 1]);
    expect(e.sweeps).toBe(0);
    expect(() => eigSym([[1, 2]])).toThrow(/square/);
    expect(() => eigSym([[Number.NaN]])).toThrow(/\(0, 0\) is NaN/);
  });
});
