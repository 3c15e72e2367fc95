import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cosineSimilarities, trajectoryPca } from '../../src/shared/analysis/trajectory-pca';
import { seededRandom } from '../../src/shared/analysis/rng';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/analysis/pca.json', import.meta.url), 'utf8')) as {
  pca: {
    thetas: number[][];
    singular_values: number[];
    explained_variance_ratio: number[];
    components: number[][];
    projections: number[][];
    explained_variance_ratio_uncentred: number[];
    cos_consecutive: number[];
    cos_from_start: number[];
  };
};
const P = fixture.pca;
const thetas = P.thetas.map((t) => Float32Array.from(t));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

describe('trajectoryPca against numpy.linalg.svd (fixture from gen_pca.py)', () => {
  it('singular values, explained variance, directions and projections of the centred M', () => {
    const pca = trajectoryPca(thetas, { components: 3 });
    expect(pca.checkpoints).toBe(16);
    expect(pca.dim).toBe(80);
    expect(pca.singularValues).toHaveLength(15);
    P.singular_values.forEach((s, i) => expect(pca.singularValues[i]).toBeCloseTo(s, 9));
    P.explained_variance_ratio.forEach((r, i) => expect(pca.explainedVarianceRatio[i]).toBeCloseTo(r, 12));
    expect(pca.components).toHaveLength(3);
    pca.components.forEach((u, c) => {
      expect(dot(u, u)).toBeCloseTo(1, 12);
      u.forEach((x, j) => expect(x).toBeCloseTo(P.components[c]![j]!, 9));
      pca.projections[c]!.forEach((a, t) => expect(a).toBeCloseTo(P.projections[c]![t]!, 9));
    });
    expect(pca.projections[0]![15]).toBe(0); // the path ends at the origin
    expect(pca.projections[0]![0]).toBeGreaterThan(0); // sign convention
  });

  it('the uncentred variant matches the SVD of the raw differences', () => {
    const pca = trajectoryPca(thetas, { center: false });
    P.explained_variance_ratio_uncentred.forEach((r, i) => expect(pca.explainedVarianceRatio[i]).toBeCloseTo(r, 12));
  });

  it('cosine similarities match NumPy', () => {
    const cs = cosineSimilarities(thetas);
    P.cos_consecutive.forEach((c, t) => expect(cs.consecutive[t]).toBeCloseTo(c, 12));
    P.cos_from_start.forEach((c, t) => expect(cs.fromStart[t]).toBeCloseTo(c, 12));
  });
});

describe('trajectoryPca closed forms', () => {
  it('a trajectory in a known 2-D plane: two components explain all the variance and span the plane', () => {
    const rng = seededRandom(8);
    const d = 500;
    const gs = (v: number[], basis: number[][]): number[] => {
      for (const b of basis) {
        const p = dot(v, b);
        v = v.map((x, i) => x - p * b[i]!);
      }
      const n = Math.sqrt(dot(v, v));
      return v.map((x) => x / n);
    };
    const e1 = gs(
      Array.from({ length: d }, () => rng.normal()),
      [],
    );
    const e2 = gs(
      Array.from({ length: d }, () => rng.normal()),
      [e1],
    );
    const origin = Array.from({ length: d }, () => rng.normal());
    const T = 40;
    const traj = Array.from({ length: T }, (_, t) => {
      const s = t / (T - 1);
      const a = 4 * Math.exp(-3 * s) + 0.3 * Math.sin(9 * s);
      const b = 2 * s * (1 - s) + 0.2 * Math.cos(5 * s);
      return Float64Array.from(origin, (o, j) => o + a * e1[j]! + b * e2[j]!);
    });
    const pca = trajectoryPca(traj);
    expect(pca.explainedVarianceRatio[0]! + pca.explainedVarianceRatio[1]!).toBeCloseTo(1, 12);
    for (const u of pca.components) expect(dot(u, e1) ** 2 + dot(u, e2) ** 2).toBeCloseTo(1, 10);
    // Projections reproduce the path: ‖θ_t − θ_T‖² = α² + β² in the plane.
    traj.forEach((th, t) => {
      const diff = th.map((x, j) => x - traj[T - 1]![j]!);
      expect(pca.projections[0]![t]! ** 2 + pca.projections[1]![t]! ** 2).toBeCloseTo(dot(diff, diff), 9);
    });
  });

  it('a straight line has a single component', () => {
    const traj = Array.from({ length: 5 }, (_, t) => Float32Array.from([1 + t, 2 - 2 * t, 3]));
    const pca = trajectoryPca(traj, { components: 2 });
    expect(pca.explainedVarianceRatio[0]).toBeCloseTo(1, 12);
    expect(pca.components).toHaveLength(1); // the second has no variance to give a direction
    expect(Math.abs(pca.components[0]![0]!)).toBeCloseTo(1 / Math.sqrt(5), 12);
  });

  it('cosines of a rotation by a fixed angle are cos(angle) and cos(t·angle)', () => {
    const step = 0.1;
    const traj = Array.from({ length: 6 }, (_, t) => [Math.cos(t * step), Math.sin(t * step), 0]);
    const cs = cosineSimilarities(traj);
    cs.consecutive.forEach((c) => expect(c).toBeCloseTo(Math.cos(step), 14));
    cs.fromStart.forEach((c, t) => expect(c).toBeCloseTo(Math.cos(t * step), 14));
  });

  it('rejects too few, ragged, non-finite, motionless or zero checkpoints', () => {
    expect(() => trajectoryPca([[1], [2]])).toThrow(/at least 3 checkpoints, got 2/);
    expect(() => trajectoryPca([[1, 2], [2], [3, 4]])).toThrow(/checkpoint 1 has 1 parameters/);
    expect(() => trajectoryPca([[1], [Number.NaN], [3]])).toThrow(/parameter 0 of checkpoint 1 is NaN/);
    expect(() => trajectoryPca([[1], [1], [1]])).toThrow(/do not move/);
    expect(() =>
      cosineSimilarities([
        [1, 0],
        [0, 0],
      ]),
    ).toThrow(/checkpoint 1 is the zero vector/);
  });
});
