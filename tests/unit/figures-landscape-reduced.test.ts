// Omnigrok's reduced-landscape figures (003 §2-5): the L and U curves against the weight norm on log axes, the
// (w, N) heatmaps, and the shape check on numbers built to have (and not have) the L and the U.
import { describe, expect, it } from 'vitest';
import type { ReducedCell, ReducedView } from '../../src/shared/api/landscape-types';
import { buildReducedCurvesOption, buildReducedHeatmapOption, reducedShape } from '../../src/shared/figures/landscape-reduced';

type Opt = Record<string, unknown> & { series: Record<string, unknown>[]; xAxis: Record<string, unknown>; yAxis: Record<string, unknown> };

const scales = [0.25, 0.5, 1, 2, 4];
const w0 = 10;
// L: training loss falls then stays flat; U: test loss lowest at α = 1
const train = [0.5, 0.01, 0.001, 0.001, 0.0008];
const test = [0.9, 0.3, 0.1, 0.4, 1.2];

function cell(s: number, value: number, k: number, shift = 1): ReducedCell {
  return {
    scale: s,
    value,
    weightNorm: s * w0,
    trainLoss: train[k]! * shift,
    testLoss: test[k]! * shift,
    trainError: train[k]! > 0.1 ? 0.5 : 0,
    testError: Math.min(1, test[k]!),
    finalTrainLoss: train[k]!,
    finalTestLoss: test[k]!,
    seconds: 1,
  };
}

const view: ReducedView = {
  runId: 1,
  key: 'R1',
  params: { scales, axis: 'task.trainSize', values: [100, 400], steps: 100, evalEvery: 10, lrScaling: 'fixed' },
  status: 'running',
  backend: 'wasm',
  w0,
  cells: [scales.map((s, k) => cell(s, 100, k)), scales.map((s, k) => (k === 4 ? null : cell(s, 400, k, 0.5)))],
  resumedCells: 0,
  error: null,
  createdAt: '',
  updatedAt: '',
};

describe('reduced landscape figures', () => {
  it('draws training and test loss against w on log axes with w0 marked', () => {
    const o = buildReducedCurvesOption(view) as unknown as Opt;
    expect(o.series.map((s) => s.name)).toEqual(['train loss', 'test loss']);
    expect(o.xAxis.type).toBe('log');
    expect(o.xAxis.name).toBe('weight norm w (log scale), training-set size N = 100');
    expect(o.yAxis.type).toBe('log');
    expect(o.series[1]!.data).toEqual(scales.map((s, k) => [s * w0, test[k]]));
    expect((o.series[0]!.markLine as { data: { xAxis: number }[] }).data[0]!.xAxis).toBe(10);
  });

  it('shows errors in % on a linear 0-100 axis', () => {
    const o = buildReducedCurvesOption(view, { metric: 'error', valueIndex: 1 }) as unknown as Opt;
    expect(o.yAxis.type).toBe('value');
    expect([o.yAxis.min, o.yAxis.max]).toEqual([0, 100]);
    expect((o.series[1]!.data as number[][])[2]).toEqual([10, 10]);
    expect(o.series[1]!.data).toHaveLength(4); // the missing cell is left out
  });

  it('puts the grid in a heatmap of log10 loss: columns w, rows N', () => {
    const o = buildReducedHeatmapOption(view, { split: 'test' }) as unknown as Opt;
    expect(o.series[0]!.type).toBe('heatmap');
    expect(o.xAxis.data).toEqual(['2.5', '5', '10', '20', '40']);
    expect(o.yAxis.data).toEqual(['100', '400']);
    expect(o.yAxis.name).toBe('training-set size N');
    const d = o.series[0]!.data as number[][];
    expect(d).toHaveLength(9);
    expect(d[2]).toEqual([2, 0, Math.log10(0.1)]);
    expect((o.visualMap as { text: string[] }).text[0]).toMatch(/^log10 loss\n/);
    // the default reading is 003 Eq. 1's (these cells predate it and fall back to their best values)
    expect(o.series[0]!.name).toBe('log10 test loss');
    const best = buildReducedHeatmapOption(view, { split: 'test', reading: 'best-over-training' }) as unknown as Opt;
    expect(best.series[0]!.name).toBe('log10 best test loss');
  });

  it('finds the L and the U, and not where they are missing', () => {
    expect(reducedShape(view)).toEqual({ testMinAt: 10, lShape: true, uShape: true });
    const flat: ReducedView = { ...view, cells: [scales.map((s, k) => ({ ...cell(s, 100, k), testLoss: 1 - 0.1 * k }))] };
    expect(reducedShape(flat).uShape).toBe(false); // minimum at the largest norm: no U
    const rising: ReducedView = { ...view, cells: [scales.map((s, k) => ({ ...cell(s, 100, k), trainLoss: k >= 2 ? 0.001 * k : 0.5 }))] };
    expect(reducedShape(rising).lShape).toBe(false);
  });
});
