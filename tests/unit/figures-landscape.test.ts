// Landscape figure builders (000 §4, App. B, App. D): series types, axes, log scales, both losses, direction labels,
// the contour maths against closed forms, and the plane's loss read at the trajectory's projections.
import { describe, expect, it } from 'vitest';
import type { DirectionInfo, LandscapeRow, LandscapeView } from '../../src/shared/api/landscape-types';
import {
  buildLandscapeContourOption,
  buildLandscapeOverTrainingOption,
  buildLandscapeSliceOption,
  buildLandscapeSurfaceOption,
  buildLandscapeTrajectoryLossOption,
  directionLabel,
  trajectoryLosses,
} from '../../src/shared/figures/landscape';
import { bilinear, contourLevels, contourSegments } from '../../src/shared/figures/landscape-contour';
import { buildPlaygroundContourOption, buildPlaygroundErrorOption } from '../../src/shared/figures/landscape-playground';
import { rosenbrock } from '../../src/shared/analysis/playground/functions';
import { DEFAULT_HYPER } from '../../src/shared/analysis/playground/optimisers';
import { logGrid, runTrajectory } from '../../src/shared/analysis/playground/trajectory';

type Opt = Record<string, unknown> & {
  series: Record<string, unknown>[];
  xAxis: Record<string, unknown>;
  yAxis: Record<string, unknown> | Record<string, unknown>[];
};
const asOpt = (o: unknown) => o as Opt;
const lin = (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

function dir(kind: DirectionInfo['kind'], normalization: DirectionInfo['normalization'], label: string): DirectionInfo {
  return { kind, label, normalization, oneDim: 'zero', norm: 1, zeroed: [] };
}

function view(partial: Partial<LandscapeView>): LandscapeView {
  return {
    runId: 1,
    key: 'k',
    params: {
      kind: '1d',
      steps: [100],
      direction: 'random',
      direction2: null,
      normalization: 'filter',
      oneDim: 'zero',
      orthogonalize: false,
      seed: 0,
      range: [-1, 1],
      points: 5,
      range2: null,
      points2: null,
    },
    status: 'completed',
    backend: 'wasm',
    alphas: lin(-1, 1, 5),
    betas: null,
    rows: [],
    directions: [dir('random', 'filter', 'random Gaussian')],
    trajectory: null,
    dim: 10,
    pointsPerSecond: null,
    resumedRows: 0,
    error: null,
    createdAt: '',
    updatedAt: '',
    ...partial,
  };
}

const row = (step: number, beta: number | null, f: (a: number) => number, alphas: number[]): LandscapeRow => ({
  step,
  beta,
  train: { loss: alphas.map(f), acc: alphas.map((a) => 1 - Math.abs(a) / 2) },
  val: { loss: alphas.map((a) => 2 * f(a)), acc: alphas.map((a) => 0.5 - Math.abs(a) / 4) },
});

describe('1D slice', () => {
  const alphas = lin(-1, 1, 5);
  const v = view({ rows: [row(100, null, (a) => 0.1 + a * a, alphas)] });

  it('draws train and validation loss on a log axis and both accuracies in % on the right', () => {
    const o = asOpt(buildLandscapeSliceOption(v));
    expect(o.series.map((s) => s.type)).toEqual(['line', 'line', 'line', 'line']);
    expect(o.series.map((s) => s.name)).toEqual(['train loss', 'validation loss', 'train accuracy', 'validation accuracy']);
    const y = o.yAxis as Record<string, unknown>[];
    expect(y[0]!.type).toBe('log');
    expect(y[0]!.name).toBe('loss (log scale)');
    expect(y[1]!.name).toBe('accuracy (%)');
    expect(o.series[2]!.yAxisIndex).toBe(1);
    expect((o.series[0]!.data as number[][])[2]).toEqual([0, 0.1]);
    expect((o.series[1]!.data as number[][])[0]![1]).toBeCloseTo(2.2, 12);
    expect((o.series[2]!.data as number[][])[0]![1]).toBeCloseTo(50, 12);
    expect(o.xAxis.name).toBe('α along δ = random Gaussian (filter-normalised)');
  });

  it('falls back to a linear axis when a loss is zero, and when asked', () => {
    const zero = view({ rows: [row(100, null, (a) => a * a, alphas)] });
    expect((asOpt(buildLandscapeSliceOption(zero)).yAxis as Record<string, unknown>[])[0]!.type).toBe('value');
    expect((asOpt(buildLandscapeSliceOption(v, { logY: false })).yAxis as Record<string, unknown>[])[0]!.type).toBe('value');
  });

  it('labels target directions raw or normalised, and marks where a raw one reaches θ*', () => {
    const raw = view({ rows: v.rows, alphas: lin(-1, 2, 7), directions: [dir('target', 'raw', 'θ* − θ_t')] });
    const o = asOpt(buildLandscapeSliceOption(raw));
    expect(o.xAxis.name).toBe('α along δ = θ* − θ_t (raw)');
    const marks = (o.series[0]!.markLine as { data: { xAxis: number; name: string }[] }).data;
    expect(marks).toEqual([
      { xAxis: 0, name: 'θ_t (step 100)' },
      { xAxis: 1, name: 'θ*' },
    ]);
    const norm = view({ rows: v.rows, directions: [dir('target', 'filter', 'θ* − θ_t')] });
    const o2 = asOpt(buildLandscapeSliceOption(norm));
    expect(o2.xAxis.name).toBe('α along δ = θ* − θ_t (filter-normalised)');
    expect((o2.series[0]!.markLine as { data: unknown[] }).data).toHaveLength(1);
    expect(directionLabel(dir('pca', 'raw', 'PC1 of 12 checkpoints (raw unit vector)'))).toBe('PC1 of 12 checkpoints (raw unit vector)');
  });
});

describe('1D slices over training', () => {
  const alphas = lin(-1, 1, 5);
  const v = view({
    params: { ...view({}).params, kind: '1d-training', steps: [0, 10, 20] },
    rows: [row(0, null, (a) => 10 + a, alphas), null, row(20, null, (a) => 0.01 * (2 + a), alphas)],
  });

  it('is an α × step heatmap of log10 loss, skipping rows not computed yet', () => {
    const o = asOpt(buildLandscapeOverTrainingOption(v, { split: 'train' }));
    expect(o.series[0]!.type).toBe('heatmap');
    expect(o.xAxis.type).toBe('category');
    expect((o.yAxis as Record<string, unknown>).data).toEqual(['0', '10', '20']);
    expect((o.yAxis as Record<string, unknown>).name).toBe('checkpoint step');
    const data = o.series[0]!.data as [number, number, number][];
    expect(data).toHaveLength(10);
    expect(data[0]).toEqual([0, 0, Math.log10(9)]);
    expect(data[5]![1]).toBe(2);
    expect(data[5]![2]).toBeCloseTo(Math.log10(0.01), 12);
    const vm = o.visualMap as { min: number; max: number; text: string[] };
    expect(vm.min).toBeCloseTo(Math.log10(0.01), 12);
    expect(vm.max).toBeCloseTo(Math.log10(11), 12);
    expect(vm.text).toEqual(['log10 training loss\n1.04', '-2']); // log10 11 = 1.041
  });

  it('shows validation accuracy in % on a fixed 0-100 scale', () => {
    const o = asOpt(buildLandscapeOverTrainingOption(v, { split: 'val', metric: 'acc' }));
    const vm = o.visualMap as { min: number; max: number; text: string[] };
    expect([vm.min, vm.max]).toEqual([0, 100]);
    expect(vm.text).toEqual(['validation accuracy (%)\n100', '0']);
    expect((o.series[0]!.data as number[][])[2]![2]).toBeCloseTo(50, 12);
  });
});

describe('2D surface', () => {
  const alphas = lin(-1, 1, 9);
  const betas = lin(-1, 1, 9);
  // an affine loss: bilinear interpolation reproduces it exactly
  const loss = (a: number, b: number) => 3 + a + 0.5 * b;
  const v = view({
    params: {
      ...view({}).params,
      kind: '2d',
      direction: 'pca',
      direction2: 'pca',
      normalization: 'raw',
      range2: [-1, 1],
      points: 9,
      points2: 9,
    },
    alphas,
    betas,
    rows: betas.map((b, j) => (j === 8 ? null : row(100, b, (a) => loss(a, b), alphas))),
    directions: [dir('pca', 'raw', 'PC1 (raw unit vector)'), dir('pca', 'raw', 'PC2 (raw unit vector)')],
    trajectory: {
      steps: [0, 50, 100],
      alpha: [2.5, 0.3, 0],
      beta: [-0.5, 0.2, 0],
      offPlane: [0.2, 0.1, 0],
      trainLoss: [9, 5, 3],
      valLoss: [9, 6, 6],
      trainAcc: [0, 0.5, 1],
      valAcc: [0, 0.2, 1],
    },
  });

  it('fills a log10 heatmap on value axes, draws contours and the trajectory coloured by its true loss', () => {
    const o = asOpt(buildLandscapeContourOption(v, { split: 'train' }));
    expect(o.series.map((s) => s.type)).toEqual(['custom', 'lines', 'line', 'scatter']);
    expect(o.xAxis.type).toBe('value');
    expect(o.xAxis.name).toBe('α along δ = PC1 (raw unit vector)');
    expect((o.yAxis as Record<string, unknown>).name).toBe('β along η = PC2 (raw unit vector)');
    // 8 of 9 rows computed
    expect((o.series[0]!.data as unknown[]).length).toBe(8 * 9);
    expect((o.series[0]!.data as number[][])[0]).toEqual([-1, -1, Math.log10(loss(-1, -1))]);
    expect((o.series[1]!.data as unknown[]).length).toBeGreaterThan(10);
    // the axis widens to show the trajectory's first checkpoint outside the grid
    expect(o.xAxis.max).toBe(2.5);
    const vm = o.visualMap as { seriesIndex: number[]; dimension: number; text: string[] };
    expect(vm.seriesIndex).toEqual([0, 3]);
    expect(vm.dimension).toBe(2);
    expect(vm.text[0]).toMatch(/^log10 training loss\n/);
    const pts = o.series[3]!.data as (number | null)[][];
    expect(pts[1]![2]).toBeCloseTo(Math.log10(5), 12);
  });

  it("reads the plane's loss at the projections, null outside the grid", () => {
    const l = trajectoryLosses(v, 'train');
    expect(l.trueLoss).toEqual([9, 5, 3]);
    expect(l.planeLoss[0]).toBeNull();
    expect(l.planeLoss[1]).toBeCloseTo(loss(0.3, 0.2), 12);
    expect(l.planeLoss[2]).toBeCloseTo(3, 12);
    const o = asOpt(buildLandscapeTrajectoryLossOption(v, { split: 'val' }));
    expect(o.series.map((s) => s.name)).toEqual(['true loss at the checkpoint', "plane's loss at its projection"]);
    expect((o.yAxis as Record<string, unknown>).type).toBe('log');
    expect((o.series[0]!.data as number[][])[1]).toEqual([50, 6]);
    expect((o.series[1]!.data as number[][])[1]![1]).toBeCloseTo(2 * loss(0.3, 0.2), 12);
  });

  it('makes an echarts-gl surface with rows in β order and α ascending', () => {
    const o = buildLandscapeSurfaceOption(v, { split: 'train' }) as unknown as Opt;
    expect(o.series[0]!.type).toBe('surface');
    expect(o.grid3D).toBeDefined();
    expect((o.zAxis3D as { name: string }).name).toBe('log10 training loss');
    expect((o.title as { subtext: string }).subtext).toBe('α: PC1 (raw unit vector)\nβ: PC2 (raw unit vector)');
    const d = o.series[0]!.data as number[][];
    expect(d).toHaveLength(8 * 9);
    expect(d[9]).toEqual([-1, betas[1], Math.log10(loss(-1, betas[1]!))]);
    expect(d[8]![0]).toBe(1);
  });
});

describe('contour maths', () => {
  it('marching squares puts a circle of x² + y² at its radius with the right length', () => {
    const xs = lin(-2, 2, 81);
    const ys = lin(-2, 2, 81);
    const values = ys.map((y) => xs.map((x) => x * x + y * y));
    const segs = contourSegments(xs, ys, values, 1);
    let length = 0;
    for (const [a, b] of segs) {
      for (const p of [a, b]) expect(Math.abs(Math.hypot(p[0], p[1]) - 1)).toBeLessThan(2e-3);
      length += Math.hypot(b[0] - a[0], b[1] - a[1]);
    }
    expect(length).toBeCloseTo(2 * Math.PI, 2);
  });

  it('splits a saddle cell by its centre value and skips non-finite cells', () => {
    // corners bl=1, br=0, tr=1, tl=0 at level 0.5, centre 0.5 ≥ level like bl: lines cut off br and tl
    const segs = contourSegments(
      [0, 1],
      [0, 1],
      [
        [1, 0],
        [0, 1],
      ],
      0.5,
    );
    expect(segs).toEqual([
      [
        [0.5, 0],
        [1, 0.5],
      ],
      [
        [0.5, 1],
        [0, 0.5],
      ],
    ]);
    expect(
      contourSegments(
        [0, 1],
        [0, 1],
        [
          [1, Number.NaN],
          [0, 1],
        ],
        0.5,
      ),
    ).toEqual([]);
    expect(contourLevels(0, 1, 3)).toEqual([0.25, 0.5, 0.75]);
  });

  it('bilinear interpolation is exact on bilinear functions and null outside', () => {
    const xs = [0, 1, 3];
    const ys = [0, 2];
    const f = (x: number, y: number) => 1 + 2 * x - y + 0.5 * x * y;
    const values = ys.map((y) => xs.map((x) => f(x, y)));
    expect(bilinear(xs, ys, values, 0.4, 1.3)).toBeCloseTo(f(0.4, 1.3), 12);
    expect(bilinear(xs, ys, values, 2.2, 0.1)).toBeCloseTo(f(2.2, 0.1), 12);
    expect(bilinear(xs, ys, values, 3.1, 0.1)).toBeNull();
  });
});

describe('optimiser playground figures', () => {
  const grid = logGrid(rosenbrock, 41);
  const trajectories = (['sgd', 'adam'] as const).map((k) => runTrajectory(rosenbrock, k, DEFAULT_HYPER[k], rosenbrock.defaultStart, 300));
  const input = { label: 'Rosenbrock', grid, minimum: rosenbrock.minimum, start: rosenbrock.defaultStart, trajectories };

  it('draws the log-scale function, contours, one line per optimiser and the start and minimum', () => {
    const o = asOpt(buildPlaygroundContourOption(input));
    expect(o.series.map((s) => s.type)).toEqual(['custom', 'lines', 'line', 'line', 'scatter']);
    expect(o.series.slice(2, 4).map((s) => s.name)).toEqual(['sgd', 'adam']);
    expect((o.series[2]!.data as number[][])[0]).toEqual([-1.5, 2.5]);
    expect((o.visualMap as { text: string[] }).text[0]).toMatch(/^log\(Rosenbrock\)\n/);
    expect([o.xAxis.min, o.xAxis.max]).toEqual([-2, 2]);
  });

  it('plots the error against steps on a log axis', () => {
    const o = asOpt(buildPlaygroundErrorOption(input));
    expect((o.yAxis as Record<string, unknown>).type).toBe('log');
    expect(o.series).toHaveLength(2);
    const d = o.series[1]!.data as number[][];
    expect(d[0]).toEqual([0, trajectories[1]!.errors[0]]);
    expect(d).toHaveLength(301);
  });
});

describe('rendering (ECharts SVG, server-side)', () => {
  it('the 2D and playground figures render their cells, contours and paths', async () => {
    const { renderSvg } = await import('../../src/main/services/figure-export');
    const grid = logGrid(rosenbrock, 21);
    const trajectories = [runTrajectory(rosenbrock, 'adam', DEFAULT_HYPER.adam, rosenbrock.defaultStart, 200)];
    const svg = renderSvg(
      buildPlaygroundContourOption(
        { label: 'Rosenbrock', grid, minimum: rosenbrock.minimum, start: rosenbrock.defaultStart, trajectories },
        { title: 't' },
      ),
      { width: 800, height: 600 },
    );
    // one filled path per grid node at least, plus the contour segments and the line
    expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(21 * 21);
    expect(svg).toContain('log(Rosenbrock)');
    const alphas = lin(-1, 1, 7);
    const v = view({
      params: { ...view({}).params, kind: '2d', range2: [-1, 1], points: 7, points2: 7 },
      alphas,
      betas: alphas,
      rows: alphas.map((b) => row(100, b, (a) => 1 + a * a + b * b, alphas)),
      directions: [dir('random', 'filter', 'random'), dir('random', 'filter', 'random')],
    });
    const svg2 = renderSvg(buildLandscapeContourOption(v), { width: 800, height: 600 });
    expect((svg2.match(/<path/g) ?? []).length).toBeGreaterThan(49);
    expect(svg2).toContain('log10 training loss');
    const svg3 = renderSvg(buildLandscapeSliceOption(view({ rows: [row(100, null, (a) => 0.1 + a * a, lin(-1, 1, 5))] })), {
      width: 800,
      height: 600,
    });
    expect(svg3).toContain('validation accuracy');
  });
});
