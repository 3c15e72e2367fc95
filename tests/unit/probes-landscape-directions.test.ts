// Directions of the loss landscape, checked by hand: filter-wise normalisation (000 §4, Li et al. 2018) on small
// tensors whose norms are worked out below, the three choices for one-dimensional parameters, Gram-Schmidt, the
// least-squares coordinates of a point on the plane, and the seeded random direction.
import { describe, expect, it } from 'vitest';
import {
  dot,
  filterAxis,
  filterNormalize,
  makeDirection,
  norm,
  orthogonalize,
  planeCoordinates,
  randomDirection,
  type DirectionSources,
  type ParamShape,
  type Vec,
} from '../../src/main/compute/probes/landscape/directions';

const f32 = (xs: number[]) => Float32Array.from(xs);

describe('filterAxis', () => {
  it('linear weights [in, out] have their output units (columns) as filters, embedding tables their rows, vectors none', () => {
    expect(filterAxis({ name: 'hidden.0.weight', shape: [4, 3] })).toBe(1);
    expect(filterAxis({ name: 'blocks.0.attn.q.weight', shape: [8, 8] })).toBe(1);
    expect(filterAxis({ name: 'embed.weight', shape: [9, 4] })).toBe(0);
    expect(filterAxis({ name: 'pos.weight', shape: [3, 4] })).toBe(0);
    expect(filterAxis({ name: 'out.bias', shape: [7] })).toBeNull();
  });
});

describe('filterNormalize', () => {
  // W is [in = 2, out = 3] row-major: columns (filters) are (3, 4), (0, 1), (1, 0) with norms 5, 1, 1.
  const W = f32([3, 0, 1, 4, 1, 0]);
  // d's columns: (1, 0), (2, 2), (0, −3) with norms 1, 2√2, 3.
  const D = f32([1, 2, 0, 0, 2, -3]);
  const params: ParamShape[] = [
    { name: 'hidden.0.weight', shape: [2, 3] },
    { name: 'hidden.0.bias', shape: [3] },
    { name: 'embed.weight', shape: [2, 2] },
  ];
  const theta: Vec = [W, f32([0.5, -2, 0]), f32([3, 4, 0, 2])];
  const d: Vec = [D, f32([-1, 4, 7]), f32([0, 2, 1, 1])];

  it('scales every filter of the direction to the norm of the same filter of the weights', () => {
    const { dir } = filterNormalize(d, theta, params, 'zero');
    // column 0: (1, 0)·5/1 = (5, 0); column 1: (2, 2)·1/(2√2) = (1/√2, 1/√2); column 2: (0, −3)·1/3 = (0, −1)
    const s = 1 / Math.SQRT2;
    [5, s, 0, 0, s, -1].forEach((want, k) => expect(dir[0]![k]).toBeCloseTo(want, 6));
    // embedding rows: (0, 2) → ‖(3, 4)‖ = 5 → (0, 5); (1, 1) → ‖(0, 2)‖ = 2 → (√2, √2)
    expect(dir[2]![0]).toBe(0);
    expect(dir[2]![1]).toBeCloseTo(5, 6);
    expect(dir[2]![2]).toBeCloseTo(Math.SQRT2, 6);
    expect(dir[2]![3]).toBeCloseTo(Math.SQRT2, 6);
    // every filter's norm equals the weights' filter norm
    for (let c = 0; c < 3; c++) {
      const nd = Math.hypot(dir[0]![c]!, dir[0]![3 + c]!);
      const nw = Math.hypot(W[c]!, W[3 + c]!);
      expect(nd).toBeCloseTo(nw, 6);
    }
  });

  it('one-dimensional parameters: zero, per scalar (|b_k(θ)| with the sign of the direction) or kept', () => {
    const z = filterNormalize(d, theta, params, 'zero');
    expect(Array.from(z.dir[1]!)).toEqual([0, 0, 0]);
    expect(z.zeroed).toEqual(['hidden.0.bias']);
    const ps = filterNormalize(d, theta, params, 'per-scalar');
    expect(Array.from(ps.dir[1]!)).toEqual([-0.5, 2, 0]);
    expect(ps.zeroed).toEqual([]);
    const keep = filterNormalize(d, theta, params, 'keep');
    expect(Array.from(keep.dir[1]!)).toEqual([-1, 4, 7]);
  });

  it('a zero filter of the weights gives a zero filter of the direction (no division by zero)', () => {
    const { dir } = filterNormalize([f32([1, 1])], [f32([0, 0])], [{ name: 'x.weight', shape: [2, 1] }], 'zero');
    expect(Array.from(dir[0]!)).toEqual([0, 0]);
  });
});

describe('Gram-Schmidt and plane coordinates', () => {
  const delta: Vec = [f32([1, 0, 0]), f32([1])];
  const eta: Vec = [f32([1, 1, 0]), f32([0])];

  it('orthogonalize removes η’s component along δ', () => {
    const o = orthogonalize(eta, delta);
    expect(dot(o, delta)).toBeCloseTo(0, 7);
    // η − (1/2)·δ = (0.5, 1, 0 | −0.5)
    expect(Array.from(o[0]!)).toEqual([0.5, 1, 0]);
    expect(Array.from(o[1]!)).toEqual([-0.5]);
  });

  it('a point 2δ − 3η has coordinates (2, −3) and lies on the plane; an orthogonal part shows as off-plane', () => {
    const x: Vec = [f32([2 - 3, -3, 0]), f32([2])];
    const c = planeCoordinates(x, delta, eta);
    expect(c.a).toBeCloseTo(2, 6);
    expect(c.b).toBeCloseTo(-3, 6);
    expect(c.offPlane).toBeCloseTo(0, 5);
    const y: Vec = [f32([2 - 3, -3, 4]), f32([2])]; // plus 4 along the third axis, orthogonal to both
    const cy = planeCoordinates(y, delta, eta);
    expect(cy.a).toBeCloseTo(2, 6);
    expect(cy.b).toBeCloseTo(-3, 6);
    expect(cy.offPlane).toBeCloseTo(4 / norm(y), 6);
  });
});

describe('makeDirection', () => {
  const params: ParamShape[] = [
    { name: 'out.weight', shape: [2, 2] },
    { name: 'out.bias', shape: [2] },
  ];
  const centre: Vec = [f32([1, 2, 3, 4]), f32([1, -1])];
  const src: DirectionSources = {
    params,
    final: [f32([2, 2, 3, 6]), f32([0, -1])],
    next: null,
    nextStep: null,
    theta0: [f32([0, 0, 0, 0]), f32([0, 0])],
    pca: () => ({ components: [], checkpoints: 0, explained: [] }),
  };

  it('raw target and init directions are θ* − θ_t and θ_0 − θ_t exactly', () => {
    const t = makeDirection({ kind: 'target', normalization: 'raw', oneDim: 'zero', seed: 0, slot: 0 }, centre, 5, src);
    expect(Array.from(t.dir[0]!)).toEqual([1, 0, 0, 2]);
    expect(Array.from(t.dir[1]!)).toEqual([-1, 0]);
    expect(t.info.label).toContain('θ* − θ_t (raw)');
    const i = makeDirection({ kind: 'init', normalization: 'raw', oneDim: 'zero', seed: 0, slot: 0 }, centre, 5, src);
    expect(Array.from(i.dir[0]!)).toEqual([-1, -2, -3, -4]);
  });

  it('θ_{t+1} − θ_t at the last checkpoint and a zero direction are errors that say so', () => {
    expect(() => makeDirection({ kind: 'next', normalization: 'raw', oneDim: 'zero', seed: 0, slot: 0 }, centre, 5, src)).toThrow(
      /after step 5/,
    );
    expect(() => makeDirection({ kind: 'target', normalization: 'raw', oneDim: 'zero', seed: 0, slot: 0 }, src.final, 9, src)).toThrow(
      /is zero at step 9/,
    );
  });

  it('random directions are seeded: the same seed gives the same vector, the second slot another one', () => {
    const a = randomDirection(params, 3);
    expect(randomDirection(params, 3)).toEqual(a);
    const d0 = makeDirection({ kind: 'random', normalization: 'filter', oneDim: 'zero', seed: 3, slot: 0 }, centre, 1, src);
    const d1 = makeDirection({ kind: 'random', normalization: 'filter', oneDim: 'zero', seed: 3, slot: 1 }, centre, 1, src);
    expect(Array.from(d0.dir[0]!)).not.toEqual(Array.from(d1.dir[0]!));
    // filter-normalised: each column has the norm of the weights' column, (1, 3) → √10 and (2, 4) → √20
    expect(Math.hypot(d0.dir[0]![0]!, d0.dir[0]![2]!)).toBeCloseTo(Math.sqrt(10), 5);
    expect(Math.hypot(d0.dir[0]![1]!, d0.dir[0]![3]!)).toBeCloseTo(Math.sqrt(20), 5);
    expect(Array.from(d0.dir[1]!)).toEqual([0, 0]);
    expect(d0.info.zeroed).toEqual(['out.bias']);
  });
});
