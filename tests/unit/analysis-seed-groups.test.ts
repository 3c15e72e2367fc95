// Seed groups: which runs are one experiment repeated (configs equal but for seed and name), the mean, std, min and max
// of their curves where the runs' steps differ, their phases as mean ± std, and the figure's band under each mean.
import { describe, expect, it } from 'vitest';
import type { LineSeriesOption } from 'echarts';
import { bandCurve, groupsBy, phaseStats, seedGroups } from '../../src/shared/analysis/seed-groups';
import { EMPTY_PHASES } from '../../src/shared/analysis/phases';
import { buildGroupCompareOption } from '../../src/shared/figures/compare';
import { axisTooltipHtml, fmt4 } from '../../src/shared/figures/tooltip';
import { renderSvg } from '../../src/main/services/figure-export';
import { smallConfig } from './store-helpers';

describe('seed groups', () => {
  it('groups configs that differ only in seed and name, in order of their first run', () => {
    const a = smallConfig({ name: 'a', seed: 0 });
    const b = smallConfig({ name: 'b', seed: 1 });
    const c = { ...smallConfig({ name: 'c', seed: 0 }), optimizer: { ...a.optimizer, lr: 0.01 } };
    const d = smallConfig({ name: 'd', seed: 2 });
    expect(seedGroups([a, c, b, d])).toEqual([[0, 2, 3], [1]]);
    expect(seedGroups([])).toEqual([]);
  });

  it('takes mean, std, min and max at every step, interpolating a run between its own steps only', () => {
    const band = bandCurve([
      { steps: [0, 10, 20], values: [1, 3, 5] },
      { steps: [0, 20], values: [3, 7] },
      { steps: [0, 10], values: [2, 2] },
    ]);
    expect(band.steps).toEqual([0, 10, 20]);
    expect(band.count).toEqual([3, 3, 2]);
    band.mean.forEach((m, i) => expect(m).toBeCloseTo([2, 10 / 3, 6][i]!, 12));
    expect(band.min).toEqual([1, 2, 5]);
    expect(band.max).toEqual([3, 5, 7]);
    expect(band.std[0]).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(band.std[2]).toBeCloseTo(1, 12);
  });

  it('gives each phase as mean ± std over the runs that reached it', () => {
    const s = phaseStats([
      { ...EMPTY_PHASES, t1: 10, t4: 100 },
      { ...EMPTY_PHASES, t1: 30, t4: null },
      { ...EMPTY_PHASES, t1: 20, t4: 300 },
    ]);
    expect(s.t1).toEqual({ mean: 20, std: Math.sqrt(200 / 3), reached: 3, runs: 3 });
    expect(s.t4).toEqual({ mean: 200, std: 100, reached: 2, runs: 3 });
    expect(s.t2).toEqual({ mean: null, std: null, reached: 0, runs: 3 });
  });
});

describe('seed group figure', () => {
  const band = bandCurve([
    { steps: [0, 10], values: [0.1, 0.5] },
    { steps: [0, 10], values: [0.3, 0.9] },
  ]);
  it('draws the mean and a filled band from min to max (or mean ± std) stacked under one legend name', () => {
    const o = buildGroupCompareOption([{ label: '#1, #2 (2 seeds)', band }], 'val_acc');
    const [mean, lower, height] = o.series as LineSeriesOption[];
    expect(mean!.data).toEqual([
      [0, 20],
      [10, 70],
    ]);
    expect(lower!.data).toEqual([
      [0, 10],
      [10, 50],
    ]);
    expect((height!.data as number[][]).map(([, v]) => Number(v!.toFixed(9)))).toEqual([20, 40]);
    expect(height!.stack).toBe(lower!.stack);
    expect([mean!.name, lower!.name, height!.name]).toEqual(Array(3).fill('#1, #2 (2 seeds)'));
    const std = buildGroupCompareOption([{ label: 'g', band }], 'val_acc', { band: 'std' }).series as LineSeriesOption[];
    expect((std[1]!.data as number[][]).map(([, v]) => Number(v!.toFixed(9)))).toEqual([10, 50]);
    expect(renderSvg(buildGroupCompareOption([{ label: '#1, #2 (2 seeds)', band }], 'val_acc'), { width: 800, height: 500 })).toContain(
      '#1, #2 (2 seeds)',
    );
  });

  it('writes tooltips with integer steps and 4 significant digits, without the band series', () => {
    expect(fmt4(0.123456)).toBe('0.1235');
    expect(fmt4(1234567)).toBe('1.235e6');
    expect(fmt4(2e-5)).toBe('2e-5');
    const html = axisTooltipHtml([
      { seriesId: 'mean:0', seriesName: 'g', marker: '●', axisValue: 1200.4, value: [1200.4, 97.123456] },
      { seriesId: 'band:0:lower', seriesName: 'g', marker: '●', axisValue: 1200.4, value: [1200.4, 1] },
    ]);
    expect(html).toBe('step 1200<br/>●g: 97.12');
  });
});

describe('groups by a chosen setting', () => {
  it('puts runs with the same value of the setting together, a missing one as "–"', () => {
    const a = smallConfig({ name: 'a', seed: 0 });
    const b = smallConfig({ name: 'b', seed: 1 });
    const c = { ...smallConfig({ name: 'c', seed: 0 }), optimizer: { ...a.optimizer, lr: 0.01 } };
    expect(groupsBy([a, b, c], 'seed')).toEqual([
      { value: '0', members: [0, 2] },
      { value: '1', members: [1] },
    ]);
    expect(groupsBy([a, c], 'optimizer.lr').map((g) => g.value)).toEqual(['0.001', '0.01']);
    expect(groupsBy([a], 'no.such')).toEqual([{ value: '–', members: [0] }]);
  });
});
