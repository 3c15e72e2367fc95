// The compare page's pieces: which settings differ between run configs, the legend's words for them, and the chart
// of one metric with a series and a colour per run.
import { describe, expect, it } from 'vitest';
import type { LineSeriesOption } from 'echarts';
import { configDiff, differingLabel } from '../../src/shared/analysis/config-diff';
import { buildCompareOption, runColour } from '../../src/shared/figures/compare';
import { renderSvg } from '../../src/main/services/figure-export';
import { smallConfig } from './store-helpers';

describe('config differences', () => {
  it('lists only the settings that differ, by path, the name left out; a missing one reads "–"', () => {
    const a = smallConfig({ name: 'a' });
    const b = { ...smallConfig({ name: 'b', seed: 2 }), optimizer: { ...a.optimizer, lr: 0.01 } };
    const c = { ...smallConfig({ name: 'c' }), init: undefined };
    const diff = configDiff([a, b, c]);
    expect(diff).toEqual([
      { path: 'init.scale', values: ['1', '1', '–'] },
      { path: 'optimizer.lr', values: ['0.001', '0.01', '0.001'] },
      { path: 'seed', values: ['0', '2', '0'] },
    ]);
    expect(differingLabel(diff, 1)).toBe('scale=1, lr=0.01, seed=2');
    expect(differingLabel(diff, 1, 2)).toBe('scale=1, lr=0.01, …');
    expect(configDiff([a, a])).toEqual([]);
  });
});

describe('compare figure', () => {
  it('draws one series per run in its own colour, accuracy in percent, and renders to SVG with the legend', () => {
    const runs = [
      { label: '#1 a · lr=0.001', steps: [0, 10], values: [0.1, 0.5] },
      { label: '#2 b · lr=0.01', steps: [0, 10], values: [0.2, 1] },
    ];
    const o = buildCompareOption(runs, 'val_acc');
    const series = o.series as LineSeriesOption[];
    expect(series.map((s) => s.name)).toEqual(['#1 a · lr=0.001', '#2 b · lr=0.01']);
    expect(series[1]!.data).toEqual([
      [0, 20],
      [10, 100],
    ]);
    expect(series.map((s) => s.lineStyle?.color)).toEqual([runColour(0), runColour(1)]);
    expect((buildCompareOption(runs, 'val_loss').yAxis as { type: string }).type).toBe('log');
    expect(renderSvg(buildCompareOption(runs, 'val_acc', { title: 'x' }), { width: 800, height: 500 })).toContain('#2 b · lr=0.01');
  });
});
