import { describe, expect, it } from 'vitest';
import type { LineSeriesOption } from 'echarts';
import { buildCurveOption, FIGURES, figureMetrics, isFigureName, runFigureTitle } from '../../src/shared/figures/curves';
import { emaSmooth } from '../../src/shared/analysis/smoothing';
import type { MetricSeries, Phases } from '../../src/shared/api/types';
import { EMPTY_PHASES } from '../../src/shared/analysis/phases';

const ms = (name: string, steps: number[], values: number[]): MetricSeries => ({ name, steps, values, downsampled: false });

// Loose views of the option: EChartsOption fields are unions of object | array.
type Obj = Record<string, unknown>;
const one = (v: unknown): Obj => (Array.isArray(v) ? (v[0] as Obj) : (v as Obj));
const seriesOf = (o: unknown): LineSeriesOption[] => (o as { series: LineSeriesOption[] }).series;
const names = (o: unknown): string[] => seriesOf(o).map((s) => s.name as string);
const data = (s: LineSeriesOption | undefined): [number, number][] => (s?.data ?? []) as [number, number][];
const markLabels = (o: unknown): string[] =>
  seriesOf(o).flatMap((s) => ((s.markLine?.data ?? []) as { label: { formatter: string } }[]).map((d) => d.label.formatter));
const markSteps = (o: unknown): number[] =>
  seriesOf(o).flatMap((s) => ((s.markLine?.data ?? []) as { xAxis: number }[]).map((d) => d.xAxis));

const steps = [0, 100, 200, 300, 400];
const run: MetricSeries[] = [
  ms('train_loss', steps, [4.6, 1.2, 0, -1e-3, 0.01]),
  ms('val_loss', steps, [4.7, 5.1, NaN, 2.0, 0.2]),
  ms('train_acc', steps, [0.01, 0.5, 1, 1, 1]),
  ms('val_acc', steps, [0, 0, 0.2, 0.99, 1]),
  ms('weight_norm', steps, [40, 38, 35, 30, 26]),
  ms('grad_norm', steps, [2, 1, 0.5, 0.2, 0.1]),
];

describe("an exported figure's title", () => {
  it('names the run by id and name, cut at 60 characters, with control characters as spaces (an SVG cannot hold them)', () => {
    expect(runFigureTitle(7, 'grok', 'loss')).toBe('Run #7 grok: loss');
    expect(runFigureTitle(8, 'a\u001b[31mred\u0007', 'cos-init')).toBe('Run #8 a [31mred : cosine to the initial weights');
    expect(runFigureTitle(9, 'x'.repeat(70), 'accuracy')).toBe(`Run #9 ${'x'.repeat(59)}…: accuracy`);
  });
});

describe('figure names and metrics', () => {
  it('lists the four figures and the metrics each draws', () => {
    expect([...FIGURES]).toEqual(['loss', 'accuracy', 'weight-norm', 'grad-norm', 'cos-step', 'cos-init', 'layer-norms']);
    expect(figureMetrics('loss')).toEqual(['train_loss', 'val_loss']);
    expect(figureMetrics('accuracy')).toEqual(['train_acc', 'val_acc']);
    expect(figureMetrics('weight-norm')).toEqual(['weight_norm']);
    expect(figureMetrics('grad-norm')).toEqual(['grad_norm']);
    expect(isFigureName('loss')).toBe(true);
    expect(isFigureName('losses')).toBe(false);
  });
});

describe('buildCurveOption', () => {
  it('names series and axes as researchers expect', () => {
    const loss = buildCurveOption('loss', run);
    expect(names(loss)).toEqual(['train', 'validation']);
    expect(one(loss.xAxis).name).toBe('step');
    expect(one(loss.yAxis).name).toBe('loss');
    expect(one(loss.legend).data).toEqual(['train', 'validation']);

    const acc = buildCurveOption('accuracy', run);
    expect(names(acc)).toEqual(['train', 'validation']);
    expect(one(acc.yAxis).name).toBe('accuracy (%)');
    expect(one(acc.yAxis)).toMatchObject({ type: 'value', min: 0, max: 100 });

    const wn = buildCurveOption('weight-norm', run);
    expect(names(wn)).toEqual(['weight norm']);
    expect(one(wn.yAxis)).toMatchObject({ name: '‖θ‖₂', type: 'value' });

    const gn = buildCurveOption('grad-norm', run);
    expect(names(gn)).toEqual(['gradient norm']);
    expect(one(gn.yAxis)).toMatchObject({ name: '‖∇L‖₂', type: 'log' });
  });

  it('colours train blue and validation orange, as in the papers', () => {
    const [train, val] = seriesOf(buildCurveOption('loss', run));
    expect(train?.color).toBe('#1f77b4');
    expect(val?.color).toBe('#ff7f0e');
  });

  it('plots [step, value] pairs, accuracy in percent', () => {
    const acc = buildCurveOption('accuracy', run);
    expect(data(seriesOf(acc)[1])).toEqual([
      [0, 0],
      [100, 0],
      [200, 20],
      [300, 99],
      [400, 100],
    ]);
    const wn = buildCurveOption('weight-norm', run);
    expect(data(seriesOf(wn)[0])).toEqual([
      [0, 40],
      [100, 38],
      [200, 35],
      [300, 30],
      [400, 26],
    ]);
  });

  it('uses a log y axis for loss by default and drops what a log axis cannot show', () => {
    const loss = buildCurveOption('loss', run);
    expect(one(loss.yAxis).type).toBe('log');
    // train: 0 and −1e-3 dropped; validation: NaN dropped
    expect(data(seriesOf(loss)[0])).toEqual([
      [0, 4.6],
      [100, 1.2],
      [400, 0.01],
    ]);
    expect(data(seriesOf(loss)[1])).toEqual([
      [0, 4.7],
      [100, 5.1],
      [300, 2.0],
      [400, 0.2],
    ]);

    const linear = buildCurveOption('loss', run, { logY: false });
    expect(one(linear.yAxis).type).toBe('value');
    expect(data(seriesOf(linear)[0])).toEqual([
      [0, 4.6],
      [100, 1.2],
      [200, 0],
      [300, -1e-3],
      [400, 0.01],
    ]);
  });

  it('drops step 0 on a log x axis', () => {
    const o = buildCurveOption('weight-norm', run, { logX: true });
    expect(one(o.xAxis).type).toBe('log');
    expect(data(seriesOf(o)[0]).map((p) => p[0])).toEqual([100, 200, 300, 400]);
  });

  it('draws dashed markLines only for phases that happened', () => {
    const phases: Phases = { ...EMPTY_PHASES, t1: 100, t4: 400, t2_99: 200, t4_99: 300 };
    const o = buildCurveOption('accuracy', run, { phases });
    expect(markLabels(o)).toEqual(['t1', 't4']);
    expect(markSteps(o)).toEqual([100, 400]);
    const ml = seriesOf(o)[0]?.markLine;
    expect(ml?.lineStyle?.type).toBe('dashed');
    expect(ml?.symbol).toEqual(['none', 'none']);

    expect(markLabels(buildCurveOption('loss', run, { phases: EMPTY_PHASES }))).toEqual([]);
    expect(markLabels(buildCurveOption('loss', run, { phases: null }))).toEqual([]);
    expect(markLabels(buildCurveOption('loss', run))).toEqual([]);
  });

  it('merges phases on the same step into one labelled line and skips step 0 on a log x axis', () => {
    const phases: Phases = { ...EMPTY_PHASES, t1: 0, t2: 300, t3: 200, t4: 300 };
    expect(markLabels(buildCurveOption('loss', run, { phases }))).toEqual(['t1', 't3', 't2, t4']);
    expect(markLabels(buildCurveOption('loss', run, { phases, logX: true }))).toEqual(['t3', 't2, t4']);
  });

  it('steps crowded marker labels down a row so they do not print over each other', () => {
    // The run spans steps 0..400: t1 at 0 and t3 at 10 are 2.5% apart, t2 at 300 stands alone.
    const phases: Phases = { ...EMPTY_PHASES, t1: 0, t3: 10, t2: 300 };
    const ml = seriesOf(buildCurveOption('loss', run, { phases }))[0]?.markLine;
    const offsets = (ml?.data as { label: { offset: number[] } }[]).map((d) => d.label.offset[1]);
    expect(offsets[0]).toBe(0);
    expect(offsets[1]).toBeGreaterThanOrEqual(12); // at least one 12 px label row lower
    expect(offsets[2]).toBe(0);
  });

  it('layers a smoothed line over the faded raw series when smoothing > 0', () => {
    const o = buildCurveOption('loss', run, { smoothing: 0.6, logY: false });
    expect(names(o)).toEqual(['train (raw)', 'validation (raw)', 'train', 'validation']);
    const s = seriesOf(o);
    const [rawTrain, , smoothTrain] = s;
    expect(rawTrain!.z!).toBeLessThan(smoothTrain!.z!);
    expect(rawTrain!.lineStyle!.opacity!).toBeLessThan(0.5);
    expect(smoothTrain!.lineStyle!.opacity ?? 1).toBe(1);
    expect(data(rawTrain)).toEqual([
      [0, 4.6],
      [100, 1.2],
      [200, 0],
      [300, -1e-3],
      [400, 0.01],
    ]);
    const expected = emaSmooth([4.6, 1.2, 0, -1e-3, 0.01], 0.6);
    data(smoothTrain).forEach(([step, v], i) => {
      expect(step).toBe(steps[i]);
      expect(v).toBeCloseTo(expected[i]!, 12);
    });
    // Legend names the smoothed lines only; the raw shadow is not a separate entry.
    expect(one(o.legend).data).toEqual(['train', 'validation']);
    // No smoothing: raw only, under the plain name.
    expect(names(buildCurveOption('loss', run, { smoothing: 0 }))).toEqual(['train', 'validation']);
  });

  it('keeps phase markers on a smoothed figure', () => {
    const o = buildCurveOption('loss', run, { smoothing: 0.9, phases: { ...EMPTY_PHASES, t2: 200 } });
    expect(markLabels(o)).toEqual(['t2']);
  });

  it('sets background, animation, title and readable fonts', () => {
    const light = buildCurveOption('loss', run);
    expect(light.backgroundColor).toBe('#ffffff');
    expect(light.animation).toBe(false);
    expect(light.title).toBeUndefined();
    const dark = buildCurveOption('loss', run, { theme: 'dark', animation: true, title: 'a+b mod 97' });
    expect(dark.backgroundColor).not.toBe('#ffffff');
    expect(dark.animation).toBe(true);
    expect(one(dark.title).text).toBe('a+b mod 97');
    expect((one(light.yAxis).axisLabel as { fontSize: number }).fontSize).toBeGreaterThanOrEqual(12);
    expect((one(light.xAxis).nameTextStyle as { fontSize: number }).fontSize).toBeGreaterThanOrEqual(14);
  });

  it('draws a missing metric as an empty series so the legend stays stable', () => {
    const o = buildCurveOption('loss', [ms('train_loss', [0, 1], [2, 1])]);
    expect(names(o)).toEqual(['train', 'validation']);
    expect(data(seriesOf(o)[1])).toEqual([]);
  });

  it('rejects a smoothing weight outside [0, 1)', () => {
    expect(() => buildCurveOption('loss', run, { smoothing: 1 })).toThrow(/smoothing must be a number in \[0, 1\)/);
    expect(() => buildCurveOption('loss', run, { smoothing: -0.5 })).toThrow(/smoothing/);
  });
});
