import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { intrinsicDimension, mleDimension, nearestNeighbourDistances, twoNN } from '../../src/shared/analysis/intrinsic-dim';
import { seededRandom } from '../../src/shared/analysis/rng';

interface Case {
  name: string;
  points: number[][];
  twonn: number;
  twonn_used: number;
  twonn_nodiscard: number;
  mle_k2_inverse: number;
  mle_k2_mean: number;
  mle_k5_inverse: number;
  mle_k5_mean: number;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/analysis/intrinsic_dim.json', import.meta.url), 'utf8')) as { cases: Case[] };

/** n points of a standard Gaussian on a random `intrinsic`-dimensional linear subspace of R^ambient. */
function subspaceCloud(n: number, intrinsic: number, ambient: number, seed: number): number[][] {
  const rng = seededRandom(seed);
  const basis = Array.from({ length: intrinsic }, () => Array.from({ length: ambient }, () => rng.normal()));
  return Array.from({ length: n }, () => {
    const z = Array.from({ length: intrinsic }, () => rng.normal());
    return Array.from({ length: ambient }, (_, j) => z.reduce((s, zi, i) => s + zi * basis[i]![j]!, 0));
  });
}

describe('intrinsic dimension against NumPy implementations (fixture from gen_intrinsic_dim.py)', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const t = twoNN(c.points);
      expect(t.dimension).toBeCloseTo(c.twonn, 10);
      expect(t.used).toBe(c.twonn_used);
      expect(twoNN(c.points, { discardFraction: 0 }).dimension).toBeCloseTo(c.twonn_nodiscard, 10);
      expect(mleDimension(c.points).dimension).toBeCloseTo(c.mle_k2_inverse, 10);
      expect(mleDimension(c.points, { average: 'mean' }).dimension).toBeCloseTo(c.mle_k2_mean, 8);
      expect(mleDimension(c.points, { k: 5 }).dimension).toBeCloseTo(c.mle_k5_inverse, 10);
      expect(mleDimension(c.points, { k: 5, average: 'mean' }).dimension).toBeCloseTo(c.mle_k5_mean, 10);
      // One neighbour search for both (k = 5 neighbours, TwoNN uses the first two).
      const both = intrinsicDimension(c.points, { k: 5 });
      expect(both.twoNN.dimension).toBeCloseTo(c.twonn, 10);
      expect(both.mle.dimension).toBeCloseTo(c.mle_k5_inverse, 10);
    });
  }
});

describe('intrinsic dimension of clouds of known dimension', () => {
  it('1000 points on a 3-D linear subspace of R^50 give 3 ± 0.3 by TwoNN and by MLE (k = 2)', () => {
    const X = subspaceCloud(1000, 3, 50, 1);
    const t = twoNN(X).dimension;
    const m = mleDimension(X).dimension;
    console.log(`3-D subspace of R^50: TwoNN ${t.toFixed(3)}, MLE(k=2) ${m.toFixed(3)}`);
    expect(Math.abs(t - 3)).toBeLessThan(0.3);
    expect(Math.abs(m - 3)).toBeLessThan(0.3);
  });

  it('800 points on a 2-D plane in R^50 give 2 ± 0.2', () => {
    const X = subspaceCloud(800, 2, 50, 2);
    const t = twoNN(X).dimension;
    const m = mleDimension(X).dimension;
    console.log(`2-D plane in R^50: TwoNN ${t.toFixed(3)}, MLE(k=2) ${m.toFixed(3)}`);
    expect(Math.abs(t - 2)).toBeLessThan(0.2);
    expect(Math.abs(m - 2)).toBeLessThan(0.2);
  });

  it('a flat row-major array (as activations come from a tensor) gives the same answer as rows', () => {
    const X = subspaceCloud(200, 3, 10, 3);
    const flat = { data: Float32Array.from(X.flat()), rows: 200, cols: 10 };
    const rows = X.map((r) => Float32Array.from(r));
    expect(twoNN(flat).dimension).toBeCloseTo(twoNN(rows).dimension, 12);
    expect(mleDimension(flat).dimension).toBeCloseTo(mleDimension(rows).dimension, 12);
  });
});

describe('intrinsic dimension details', () => {
  it('nearest-neighbour distances on a line are exact and ascending', () => {
    const { distances } = nearestNeighbourDistances([[0], [1], [3], [7]], 2);
    expect(Array.from(distances)).toEqual([1, 3, 1, 2, 2, 3, 4, 6]);
  });

  it('leaves out duplicated points and says so', () => {
    const X = subspaceCloud(300, 2, 5, 4);
    const withDup = [...X, X[0]!.slice()];
    const t = twoNN(withDup);
    expect(t.duplicates).toBe(2);
    expect(t.n).toBe(301);
    expect(mleDimension(withDup).duplicates).toBe(2);
  });

  it('rejects bad input with a message naming it', () => {
    expect(() => twoNN([[0], [1]])).toThrow(/k must be an integer in \[1, 1\] for 2 points/);
    expect(() => twoNN([[0, 1], [1]])).toThrow(/point 1 has 1 coordinates/);
    expect(() => twoNN([[0], [Number.NaN], [2]])).toThrow(/coordinate 0 of point 1 is NaN/);
    expect(() => twoNN({ data: [1, 2, 3], rows: 2, cols: 2 })).toThrow(/need 4 values, got 3/);
    expect(() => twoNN([[0], [1], [2], [3]], { discardFraction: 1 })).toThrow(/discardFraction/);
    expect(() => mleDimension([[0], [1], [2]], { k: 1 })).toThrow(/k ≥ 2/);
    // A square lattice: every vertex is exactly equidistant from its two nearest neighbours, so μ = 1 everywhere.
    const square = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
    ];
    expect(() => mleDimension(square)).toThrow(/equidistant/);
    expect(() => twoNN(square)).toThrow(/equidistant/);
  });
});
