// Trajectory PCA of stored checkpoints: a path built in a known plane comes back on its two directions (up to
// sign), thinning keeps the ends, and runs with too few checkpoints get a readable reason.
import { afterAll, describe, expect, it } from 'vitest';
import type { LineSeriesOption } from 'echarts';
import { openStore } from '../../src/main/store';
import { thinIndices } from '../../src/main/services/checkpoints';
import { trajectoryOfRun } from '../../src/main/services/run-trajectory';
import { ApiError } from '../../src/shared/api/contract';
import { buildTrajectoryOption } from '../../src/shared/figures/trajectory';
import { renderSvg } from '../../src/main/services/figure-export';
import { OWNER, smallConfig, tempDir } from './store-helpers';

const tmp = tempDir('trajectory');
afterAll(() => tmp.cleanup());

describe('thinIndices', () => {
  it('keeps everything below the cap, else an even spread with both ends', () => {
    expect(thinIndices(4, 10)).toEqual([0, 1, 2, 3]);
    const t = thinIndices(1000, 200);
    expect(t).toHaveLength(200);
    expect(t[0]).toBe(0);
    expect(t.at(-1)).toBe(999);
    for (let i = 1; i < t.length; i++) expect(t[i]! - t[i - 1]!).toBeGreaterThanOrEqual(5);
  });
});

describe('trajectory of a stored run', () => {
  const store = openStore(tmp.file('t.db'));
  afterAll(() => store.close());

  // θ_t = θ_T + a_t·u + b_t·w in a 2-D plane of R^6 split over two parameter tensors; u ⊥ w, a spread ≫ b spread.
  const u = [1, 0, 0, 0, 0, 0];
  const w = [0, 0, 0, 0.6, 0.8, 0];
  const base = [0.3, -1, 2, 0.5, 0.1, -0.7];
  const steps = [1, 2, 4, 8, 16, 32, 64, 128];
  const a = steps.map((s) => 10 * Math.exp(-s / 30) - 10 * Math.exp(-128 / 30));
  const b = steps.map((s, i) => (i === steps.length - 1 ? 0 : Math.sin(s / 10)));

  it('recovers the path on its two directions, ending at the origin', () => {
    const id = store.runs.insert({ name: 'path', config: smallConfig(), createdAt: new Date().toISOString(), owner: OWNER });
    steps.forEach((step, i) => {
      const theta = base.map((v, k) => v + a[i]! * u[k]! + b[i]! * w[k]!);
      store.checkpoints.save(
        id,
        {
          step,
          params: [
            { name: 'first', shape: [2, 2], data: Float32Array.from(theta.slice(0, 4)) },
            { name: 'second', shape: [2], data: Float32Array.from(theta.slice(4)) },
          ],
          optimizer: [],
          rng: [],
        },
        new Date().toISOString(),
      );
    });
    const v = trajectoryOfRun(store, id);
    expect(v.steps).toEqual(steps);
    expect(v.dim).toBe(6);
    expect(v.explained[0]! + v.explained[1]!).toBeCloseTo(1, 5);
    expect(v.explained[0]).toBeGreaterThan(0.9);
    // The PCA plane is the path's plane, so (α, β) is (a, b) rotated (and maybe reflected): every distance from the
    // end point, and between checkpoints, is kept (float32 weights: ~1e-5 of the scale).
    steps.forEach((_, i) => {
      expect(Math.hypot(v.alpha[i]!, v.beta[i]!)).toBeCloseTo(Math.hypot(a[i]!, b[i]!), 3);
      const j = (i + 3) % steps.length;
      expect(Math.hypot(v.alpha[i]! - v.alpha[j]!, v.beta[i]! - v.beta[j]!)).toBeCloseTo(Math.hypot(a[i]! - a[j]!, b[i]! - b[j]!), 3);
    });
    expect(v.alpha.at(-1)).toBeCloseTo(0, 6);
    expect(store.analyses.latest(id, 'pca')?.status).toBe('done');

    const o = buildTrajectoryOption(v, { title: 'path' });
    expect(((o.series as LineSeriesOption[])[1]!.data as number[][]).map((p) => p[2])).toEqual(steps);
    expect(renderSvg(o, { width: 800, height: 500 })).toContain('α: first direction');
  });

  it('needs three checkpoints and says how to get them', () => {
    const id = store.runs.insert({ name: 'short', config: smallConfig(), createdAt: new Date().toISOString(), owner: OWNER });
    expect(() => trajectoryOfRun(store, id)).toThrow(ApiError);
    expect(() => trajectoryOfRun(store, id)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => trajectoryOfRun(store, id)).toThrow(/has 0 checkpoints; trajectory PCA needs at least 3 \(set training\.checkpointEvery/);
  });
});
