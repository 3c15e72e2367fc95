// Curves by wall-clock time (issue 18, deliver 4): steps map to seconds since the first stamp, linearly between
// stamps and beyond them; runs without stamps have no clock; the axis writes durations.
import { expect, it } from 'vitest';
import { byWallTime, fmtSeconds, wallClock, withWallTime, WALL_TIME_METRIC } from '../../src/shared/runs/wall-time';
import { EMPTY_PHASES } from '../../src/shared/analysis/phases';
import { buildCurveOption } from '../../src/shared/figures/curves';

const s = (name: string, steps: number[], values: number[]) => ({ name, steps, values, downsampled: false });
// stamps at steps 0, 10, 20: 100 s, 101 s, then a 30 s pause before step 20
const clock = s(WALL_TIME_METRIC, [0, 10, 20], [100, 101, 131]);

it('maps steps to seconds since the first stamp, between and beyond the stamps', () => {
  const at = wallClock([clock])!;
  expect([0, 5, 10, 15, 20, 30].map(at)).toEqual([0, 0.5, 1, 16, 31, 61]);
  expect(wallClock([s('val_acc', [0], [0])])).toBeNull();
  expect(wallClock([s(WALL_TIME_METRIC, [5], [7])])!(100)).toBe(0);
  const out = byWallTime([clock, s('val_acc', [0, 10, 20], [0, 0.5, 1])], { ...EMPTY_PHASES, t4: 20 })!;
  expect(out.series.map((x) => x.name)).toEqual(['val_acc']);
  expect(out.series[0]!.steps).toEqual([0, 1, 31]);
  expect(out.phases!.t4).toBe(31);
  expect(out.phases!.t1).toBeNull();
});

it('stamps a batch at its step, and the figure names a time axis in durations', () => {
  expect(withWallTime(40, [['val_acc', 40, 1]] as [string, number, number][], 12_345)).toEqual([
    ['val_acc', 40, 1],
    [WALL_TIME_METRIC, 40, 12.345],
  ]);
  expect([0.25, 45, 150, 3600, 3900].map(fmtSeconds)).toEqual(['0.25s', '45s', '2m 30s', '1h', '1h 5m']);
  const o = buildCurveOption('accuracy', [s('val_acc', [0, 1, 31], [0, 50, 100])], { x: 'time' }) as {
    xAxis: { name: string; axisLabel: { formatter: (v: number) => string } };
    tooltip: { formatter: (p: unknown) => string };
  };
  expect(o.xAxis.name).toBe('wall time');
  expect(o.xAxis.axisLabel.formatter(90)).toBe('1m 30s');
  expect(o.tooltip.formatter([{ seriesName: 'validation', axisValue: 31, value: [31, 100] }])).toMatch(/^time 31s<br\/>validation: 100/);
});
