// Omnigrok's reduced landscape (003 §2-5, Figs. 2-3, App. E): training at constant weight norm w = α·w0 over a grid of
// norms × training-set sizes (or representation messiness). The curves against w show the "L" (training loss flat
// beyond a small norm) and the "U" (test loss lowest at one norm, higher at both ends); the heatmaps show the same
// over the second axis. A cell is read at the training-loss minimiser (003 Eq. 1, 'at-train-min', the default) or as
// each metric's best over training ('best-over-training', as the authors' plotting code records them); cells stored
// before the first reading was recorded fall back to the second.
import type { EChartsOption } from 'echarts';
import type { ReducedAxisPath, ReducedCell, ReducedView } from '../api/landscape-types';
import type { ReducedReading } from '../api/reduced-options';
import type { FigureTheme } from './curves';
import { axisStyle, colourBar, FRAME_PALETTE, gridFrame, lineFrame } from './axis-style';
import { finiteRange } from './landscape-grid-series';

const PAL = {
  light: { ...FRAME_PALETTE.light, train: '#1f77b4', test: '#ff7f0e', mark: '#888888' },
  dark: { ...FRAME_PALETTE.dark, train: '#4a9ee0', test: '#ff9a3c', mark: '#999999' },
} as const;

export const REDUCED_AXIS_LABEL: Record<ReducedAxisPath, string> = {
  'task.trainSize': 'training-set size N',
  'task.trainFraction': 'training fraction',
  'task.messiness': 'representation messiness m',
};
export type ReducedMetric = 'loss' | 'error';

const fmt = (v: number) => String(Number(v.toPrecision(3)));

/** A cell's value (loss, or error as a fraction) in one reading; the training loss is the same in both. */
export function reducedValue(
  c: ReducedCell,
  split: 'train' | 'test',
  metric: ReducedMetric,
  reading: ReducedReading = 'at-train-min',
): number {
  const m = reading === 'at-train-min' ? c.atTrainMin : undefined;
  if (metric === 'loss') return split === 'train' ? c.trainLoss : (m?.testLoss ?? c.testLoss);
  return split === 'train' ? (m?.trainError ?? c.trainError) : (m?.testError ?? c.testError);
}

const pick = (c: ReducedCell, split: 'train' | 'test', metric: ReducedMetric, reading?: ReducedReading): number =>
  (metric === 'loss' ? 1 : 100) * reducedValue(c, split, metric, reading);

/** Training and test loss (or error, %) against the weight norm w for one value of the second axis. */
export function buildReducedCurvesOption(
  view: ReducedView,
  opts: { theme?: FigureTheme; title?: string; valueIndex?: number; metric?: ReducedMetric; reading?: ReducedReading } = {},
): EChartsOption {
  const pal = PAL[opts.theme ?? 'light'];
  const v = opts.valueIndex ?? 0;
  const metric = opts.metric ?? 'loss';
  const cells = (view.cells[v] ?? []).filter((c): c is ReducedCell => c !== null).sort((a, b) => a.weightNorm - b.weightNorm);
  const points = (split: 'train' | 'test') => cells.map((c) => [c.weightNorm, pick(c, split, metric, opts.reading)] as [number, number]);
  const ys = [...points('train'), ...points('test')].map((p) => p[1]);
  // log loss axis (the L and the U span decades); linear for errors and for losses that reach 0
  const logY = metric === 'loss' && ys.length > 0 && ys.every((y) => y > 0);
  const axis = axisStyle(pal);
  const value = view.params.values[v];
  const line = (name: string, data: [number, number][], color: string) => ({
    name,
    type: 'line' as const,
    data,
    symbolSize: 6,
    lineStyle: { width: 1.8, color },
    itemStyle: { color },
  });
  return {
    ...lineFrame(pal, opts.title),
    grid: { left: 80, right: 24, top: opts.title ? 64 : 40, bottom: 58 },
    xAxis: {
      ...axis,
      type: 'log',
      name: `weight norm w (log scale)${value === undefined ? '' : `, ${REDUCED_AXIS_LABEL[view.params.axis]} = ${fmt(value)}`}`,
      nameGap: 30,
    },
    yAxis: {
      ...axis,
      type: logY ? 'log' : 'value',
      scale: true,
      ...(metric === 'error' ? { min: 0, max: 100 } : {}),
      name: `${opts.reading === 'best-over-training' ? 'best ' : ''}${metric === 'loss' ? `loss${logY ? ' (log scale)' : ''}` : 'error (%)'}`,
      nameGap: 56,
    },
    series: [
      {
        ...line(`train ${metric}`, points('train'), pal.train),
        ...(view.w0
          ? {
              markLine: {
                silent: true,
                symbol: 'none',
                lineStyle: { color: pal.mark, type: 'dotted' as const },
                label: { color: pal.text, formatter: 'w0 (standard init)' },
                data: [{ xAxis: view.w0 }],
              },
            }
          : {}),
      },
      line(`test ${metric}`, points('test'), pal.test),
    ],
  };
}

/** One split's loss (log10) or error (%) over the grid, in the reading asked: columns weight norm, rows the second axis. */
export function buildReducedHeatmapOption(
  view: ReducedView,
  opts: { theme?: FigureTheme; title?: string; split?: 'train' | 'test'; metric?: ReducedMetric; reading?: ReducedReading } = {},
): EChartsOption {
  const pal = PAL[opts.theme ?? 'light'];
  const split = opts.split ?? 'test';
  const metric = opts.metric ?? 'loss';
  const data: [number, number, number | null][] = [];
  view.cells.forEach((row, j) =>
    row.forEach((c, i) => {
      if (!c) return;
      const y = pick(c, split, metric, opts.reading);
      data.push([i, j, metric === 'loss' ? (y > 0 && Number.isFinite(y) ? Math.log10(y) : null) : y]);
    }),
  );
  let [lo, hi] = finiteRange(data.map((d) => d[2]));
  if (metric === 'error') [lo, hi] = [0, 100];
  const best = opts.reading === 'best-over-training' ? 'best ' : '';
  const label = metric === 'loss' ? `log10 ${best}${split} loss` : `${best}${split} error (%)`;
  // the colour bar's text is short (the panel's title says train or test): a long one runs into the plot
  const barLabel = metric === 'loss' ? 'log10 loss' : 'error (%)';
  // the weight norm of each column: the first computed cell's, else α·w0
  const norms = view.params.scales.map((s, i) => view.cells.map((r) => r[i]).find((c) => c)?.weightNorm ?? (view.w0 ? s * view.w0 : s));
  const axis = { ...axisStyle(pal), type: 'category' as const, splitLine: { show: false }, splitArea: { show: false } };
  return {
    ...gridFrame(pal, opts.title),
    xAxis: { ...axis, data: norms.map(fmt), name: view.w0 ? 'weight norm w' : 'weight-norm factor α', nameGap: 30 },
    yAxis: { ...axis, data: view.params.values.map(fmt), name: REDUCED_AXIS_LABEL[view.params.axis], nameGap: 56 },
    visualMap: colourBar(lo, hi, [`${barLabel}\n${fmt(hi)}`, fmt(lo)], pal),
    series: [
      {
        type: 'heatmap',
        name: label,
        data,
        label: {
          show: data.length <= 80,
          color: '#fff',
          fontSize: 11,
          textBorderColor: '#000',
          textBorderWidth: 2,
          formatter: (p: unknown) => {
            const d = (p as { data: (number | null)[] }).data[2];
            return d == null ? '' : fmt(d);
          },
        },
      },
    ],
  };
}

/** The numbers behind "L" and "U" for one value: is training loss non-increasing beyond the test minimum, and is the
 *  test loss higher at both ends than at its minimum? (003 §3's shapes, as a reader would check them.) */
export function reducedShape(
  view: ReducedView,
  valueIndex = 0,
  reading: ReducedReading = 'at-train-min',
): { testMinAt: number | null; lShape: boolean; uShape: boolean } {
  const test = (c: ReducedCell) => reducedValue(c, 'test', 'loss', reading);
  const cells = (view.cells[valueIndex] ?? []).filter((c): c is ReducedCell => c !== null).sort((a, b) => a.weightNorm - b.weightNorm);
  if (cells.length < 3) return { testMinAt: null, lShape: false, uShape: false };
  let k = 0;
  cells.forEach((c, i) => {
    if (test(c) < test(cells[k]!)) k = i;
  });
  const beyond = cells.slice(k);
  const lShape = beyond.every((c, i) => i === 0 || c.trainLoss <= beyond[i - 1]!.trainLoss);
  const uShape = k > 0 && k < cells.length - 1 && test(cells[0]!) > test(cells[k]!) && test(cells.at(-1)!) > test(cells[k]!);
  return { testMinAt: cells[k]!.weightNorm, lShape, uShape };
}
