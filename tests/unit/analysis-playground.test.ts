// The optimiser playground (000 App. D): the test functions' gradients against central differences, and every
// optimiser's trajectory on log g against torch.optim's (tests/fixtures/playground-reference.json, written by
// scripts/fixtures/gen_playground.py with autograd gradients and torch's own optimiser classes).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logObjective, rastrigin, rosenbrock, TEST_FUNCTIONS, type TestFunctionId } from '../../src/shared/analysis/playground/functions';
import {
  DEFAULT_HYPER,
  hyperProblem,
  PLAYGROUND_OPTIMISERS,
  type PlaygroundHyper,
  type PlaygroundOptimiserKind,
} from '../../src/shared/analysis/playground/optimisers';
import { logGrid, runTrajectory, trajectoryWalk } from '../../src/shared/analysis/playground/trajectory';

interface RefCase {
  function: TestFunctionId;
  kind: PlaygroundOptimiserKind;
  hyper: Partial<PlaygroundHyper>;
  start: [number, number];
  points: [number, number][];
  values: number[];
}
const ref = JSON.parse(readFileSync(join(__dirname, '../fixtures/playground-reference.json'), 'utf8')) as {
  eps: number;
  steps: number;
  cases: RefCase[];
};

describe('test functions', () => {
  it('have their minimum where the paper puts it, with value 0 and zero gradient', () => {
    for (const fn of [rosenbrock, rastrigin]) {
      expect(fn.value(fn.minimum)).toBeCloseTo(0, 12);
      const [gx, gy] = fn.grad(fn.minimum);
      expect(Math.abs(gx) + Math.abs(gy)).toBeLessThan(1e-12);
    }
    expect(rosenbrock.value([0, 0])).toBe(1);
    expect(rastrigin.value([1, 0])).toBeCloseTo(1, 12); // 2a + 1 − a − a
  });

  it('gradients match central differences of g and of log g', () => {
    const h = 1e-6;
    for (const fn of [rosenbrock, rastrigin]) {
      const f = logObjective(fn);
      for (const p of [
        [-1.2, 0.7],
        [0.4, 2.1],
        [1.7, -0.3],
      ] as [number, number][]) {
        const fd = (v: (x: [number, number]) => number) => [
          (v([p[0] + h, p[1]]) - v([p[0] - h, p[1]])) / (2 * h),
          (v([p[0], p[1] + h]) - v([p[0], p[1] - h])) / (2 * h),
        ];
        const [a, b] = fn.grad(p);
        const [na, nb] = fd(fn.value);
        expect(a).toBeCloseTo(na!, 4);
        expect(b).toBeCloseTo(nb!, 4);
        const [la, lb] = f.grad(p);
        const [nla, nlb] = fd(f.value);
        expect(la).toBeCloseTo(nla!, 6);
        expect(lb).toBeCloseTo(nlb!, 6);
      }
    }
  });
});

describe('optimisers against torch.optim', () => {
  it('the fixture covers every optimiser on both functions', () => {
    for (const fn of ['rosenbrock', 'rastrigin'])
      for (const k of PLAYGROUND_OPTIMISERS) expect(ref.cases.some((c) => c.function === fn && c.kind === k)).toBe(true);
  });

  for (const c of ref.cases) {
    it(`${c.kind} ${JSON.stringify(c.hyper)} on ${c.function} from (${c.start.join(', ')})`, () => {
      const hyper = { ...DEFAULT_HYPER[c.kind], ...c.hyper };
      const tr = runTrajectory(TEST_FUNCTIONS[c.function], c.kind, hyper, c.start, ref.steps, ref.eps);
      expect(tr.divergedAt).toBeNull();
      expect(tr.points).toHaveLength(c.points.length);
      // Relative agreement on every point; the walks are deterministic float64, differing only by rounding order.
      let worst = 0;
      for (let t = 0; t < c.points.length; t++)
        for (let i = 0; i < 2; i++)
          worst = Math.max(worst, Math.abs(tr.points[t]![i]! - c.points[t]![i]!) / Math.max(1, Math.abs(c.points[t]![i]!)));
      expect(worst).toBeLessThan(1e-8);
      for (let t = 0; t < c.values.length; t++) expect(tr.values[t]).toBeCloseTo(c.values[t]!, 6);
    });
  }
});

describe('trajectories', () => {
  it('walked in slices, as the page computes them, equal the walk in one go, divergence included', () => {
    const start: [number, number] = [-1.5, 2];
    for (const [kind, hyper] of [
      ['adam', DEFAULT_HYPER.adam],
      ['sgd', { ...DEFAULT_HYPER.sgd, lr: 1e6 }],
    ] as const) {
      const walk = trajectoryWalk(rosenbrock, kind, hyper, start, 1000);
      let slices = 1;
      while (!walk.advance(77)) slices++;
      expect(walk.result).toEqual(runTrajectory(rosenbrock, kind, hyper, start, 1000));
      if (kind === 'adam') expect(slices).toBe(13);
    }
  });

  it('errors are distances to the minimum, and adaptive methods get far closer than plain SGD on Rosenbrock', () => {
    const adam = runTrajectory(rosenbrock, 'adam', DEFAULT_HYPER.adam, rosenbrock.defaultStart, 2000);
    const sgd = runTrajectory(rosenbrock, 'sgd', DEFAULT_HYPER.sgd, rosenbrock.defaultStart, 2000);
    expect(adam.errors[0]).toBeCloseTo(Math.hypot(-2.5, 1.5), 12);
    expect(adam.errors.at(-1)!).toBeLessThan(0.05);
    expect(sgd.errors.at(-1)!).toBeGreaterThan(adam.errors.at(-1)!);
  });

  it('reports divergence instead of drawing NaN', () => {
    const tr = runTrajectory(rosenbrock, 'sgd', { ...DEFAULT_HYPER.sgd, lr: 1e6 }, [0.3, -0.6], 500);
    if (tr.divergedAt !== null) expect(tr.points.length).toBe(tr.divergedAt);
    for (const [x, y] of tr.points) expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
  });

  it('rejects bad hyperparameters with the name of the field', () => {
    expect(hyperProblem('rprop', { ...DEFAULT_HYPER.rprop, etaPlus: 0.9 })).toBe('rprop.etaPlus: must be > 1, got 0.9');
    expect(hyperProblem('adam', { ...DEFAULT_HYPER.adam, lr: -1 })).toMatch(/^adam\.lr: must be > 0/);
    expect(hyperProblem('sgd', { ...DEFAULT_HYPER.sgd, beta1: 7 })).toBeNull(); // not read by SGD
    expect(() => runTrajectory(rosenbrock, 'adam', { ...DEFAULT_HYPER.adam, beta2: 1 }, [0, 0], 10)).toThrow(/adam\.beta2/);
    expect(() => runTrajectory(rosenbrock, 'adam', DEFAULT_HYPER.adam, [Number.NaN, 0], 10)).toThrow(/start/);
  });

  it('the contour grid is log g on the window', () => {
    const g = logGrid(rastrigin, 5);
    expect(g.xs[0]).toBe(-5.12);
    expect(g.xs[4]).toBe(5.12);
    expect(g.values[2]![2]).toBeCloseTo(Math.log(1e-12), 6); // (0, 0): g = 0
    expect(g.values[1]![3]).toBeCloseTo(Math.log(rastrigin.value([2.56, -2.56]) + 1e-12), 12);
  });
});
