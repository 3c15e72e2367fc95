// Sweep heatmaps: cell statistics over seeds, the grid placement (rows = first axis), labels with spread, and an
// SVG render.
import { describe, expect, it } from 'vitest';
import type { HeatmapSeriesOption } from 'echarts';
import type { SweepCellRun, SweepView } from '../../src/shared/api/types';
import { buildSweepHeatmap, cellStat, sweepCellTooltip, sweepMapRange } from '../../src/shared/figures/heatmap';
import { renderSvg } from '../../src/main/services/figure-export';

const run = (over: Partial<SweepCellRun>): SweepCellRun => ({
  id: 1,
  seed: 0,
  status: 'completed',
  step: 100,
  totalSteps: 100,
  valAcc: null,
  t2: null,
  t4: null,
  predicted: null,
  energy: null,
  held: false,
  ...over,
});

const view: SweepView = {
  id: 1,
  name: 'g',
  status: 'completed',
  mode: 'full',
  window: 400,
  axes: [
    { path: 'optimizer.lr', values: [0.001, 0.01] },
    { path: 'optimizer.weightDecay', values: [0.1, 1, 10] },
  ],
  steps: 1000,
  cells: [0, 1].flatMap((i) =>
    [0, 1, 2].map((j) => ({
      index: [i, j],
      coords: {},
      runs: [run({ valAcc: 0.1 * (i * 3 + j), t2: 10, t4: 100 + j }), run({ seed: 1, valAcc: 0.1 * (i * 3 + j) + 0.1, t2: 20, t4: null })],
    })),
  ),
  createdAt: '',
  finishedAt: null,
};

describe('sweep heatmap', () => {
  it('averages over seeds with the sample standard deviation, skipping missing values', () => {
    expect(cellStat([run({ valAcc: 0.5 }), run({ valAcc: 0.7 })], 'valAcc')).toEqual({ mean: 60, spread: expect.closeTo(14.142, 3), n: 2 });
    expect(cellStat([run({ t2: 10, t4: 110 }), run({ t2: 10, t4: null })], 'delay')).toEqual({ mean: 100, spread: 0, n: 1 });
    expect(cellStat([run({})], 'predicted')).toEqual({ mean: null, spread: null, n: 0 });
  });

  it('puts the first axis on rows and the second on columns, labelling mean ± spread', () => {
    const o = buildSweepHeatmap(view, 'valAcc');
    expect((o.yAxis as { data: string[] }).data).toEqual(['0.001', '0.01']);
    expect((o.xAxis as { data: string[] }).data).toEqual(['0.1', '1', '10']);
    const data = (o.series as HeatmapSeriesOption[])[0]!.data as { value: number[]; label: { formatter: string } }[];
    const cell = data.find((d) => d.value[0] === 2 && d.value[1] === 1)!;
    expect(cell.value[2]).toBeCloseTo(55, 9); // (50 + 60) / 2
    expect(cell.label.formatter).toBe('55\n±7');
    expect(renderSvg(buildSweepHeatmap(view, 't4', { title: 'g' }), { width: 800, height: 500 })).toContain('optimizer.weightDecay');
  });

  it('states its colour range: accuracy and probability whole, t4 to the budget, energy the filled cells; one value is said', () => {
    expect(sweepMapRange(view, 'valAcc')).toMatchObject({ lo: 0, hi: 100, note: 'Colours span 0 to 100%.' });
    expect(sweepMapRange(view, 't4')).toMatchObject({ lo: 0, hi: 1000, note: 'Colours span 0 to 1000 steps, the training budget.' });
    const energy = { ...view, cells: view.cells.map((c, k) => ({ ...c, runs: [run({ energy: k === 0 ? -3 : -1 })] })) };
    expect(sweepMapRange(energy, 'energy')).toEqual({ lo: -3, hi: -1, note: "Colours span the filled cells' range, -3.0 to -1.0." });
    const flat = { ...view, cells: view.cells.map((c) => ({ ...c, runs: [run({ predicted: 0.2, energy: -2 })] })) };
    expect(sweepMapRange(flat, 'predicted').note).toBe(
      'Colours span probability 0 to 1. Every filled cell has the same value, 0.20: the map has no contrast.',
    );
    expect(sweepMapRange(flat, 'energy')).toMatchObject({ lo: -3, hi: -1 });
  });

  it("names each run's worker in a cell's tooltip (sweeps across machines), escaped as HTML", () => {
    const cell = {
      index: [1, 2],
      coords: { 'optimizer.lr': 0.01, 'optimizer.weightDecay': 10 },
      runs: [run({ id: 7, valAcc: 0.5, worker: { name: 'w1', host: 'lab<1>' } }), run({ id: 8, seed: 1, status: 'running', valAcc: 0.7 })],
    };
    expect(sweepCellTooltip(view, cell, 'valAcc')).toBe(
      [
        'optimizer.lr = 0.01',
        'optimizer.weightDecay = 10',
        'final validation accuracy (%): 60',
        'run #7 (seed 0): completed · worker w1 on lab&lt;1&gt;',
        'run #8 (seed 1): running',
      ].join('<br/>'),
    );
    const formatter = (buildSweepHeatmap({ ...view, cells: [cell] }, 'valAcc').tooltip as { formatter: (p: unknown) => string }).formatter;
    expect(formatter({ value: [2, 1, 60] })).toContain('worker w1');
    expect(formatter({ value: [0, 0, null] })).toBe('');
  });
});
