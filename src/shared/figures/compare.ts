// The compare page's figure: one metric of several runs on one chart, a colour per run and the legend naming each run
// with its differing settings. Pure, like curves.ts: the page and its PNG / SVG export draw the same option.
import type { EChartsOption, LineSeriesOption } from 'echarts';
import type { BandCurve } from '../analysis/seed-groups';
import { axisStyle, FRAME_PALETTE, lineFrame } from './axis-style';
import type { FigureTheme } from './curves';
import { axisTooltip } from './tooltip';
import { fmtSeconds } from '../runs/wall-time';

export const COMPARE_METRICS = ['val_acc', 'train_acc', 'val_loss', 'train_loss', 'weight_norm'] as const;
export type CompareMetric = (typeof COMPARE_METRICS)[number];

export const COMPARE_METRIC_LABELS: Record<CompareMetric, string> = {
  val_acc: 'validation accuracy (%)',
  train_acc: 'training accuracy (%)',
  val_loss: 'validation loss',
  train_loss: 'training loss',
  weight_norm: 'weight norm ‖θ‖₂',
};

// matplotlib's tab10, one colour per run in the order the runs were chosen
export const RUN_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
export const runColour = (index: number): string => RUN_COLOURS[index % RUN_COLOURS.length]!;

export interface CompareRun {
  /** the legend's entry: "#12 name · lr=0.01" */
  label: string;
  steps: number[];
  values: number[];
}

export function buildCompareOption(
  runs: readonly CompareRun[],
  metric: CompareMetric,
  /** x: the runs' steps, or seconds of wall-clock time since each run started (shared/runs/wall-time.ts) */
  opts: { theme?: FigureTheme; title?: string; x?: 'step' | 'time' } = {},
): EChartsOption {
  const percent = metric.endsWith('_acc');
  const series: LineSeriesOption[] = runs.map((r, i) => ({
    type: 'line',
    name: r.label,
    data: r.steps.map((s, k) => [s, percent ? 100 * r.values[k]! : r.values[k]!]),
    showSymbol: false,
    lineStyle: { width: 1.6, color: runColour(i) },
    itemStyle: { color: runColour(i) },
  }));
  return { ...compareFrame(metric, opts), series };
}

/** Axes, legend and tooltip of the compare figure, runs or seed groups alike. */
function compareFrame(metric: CompareMetric, opts: { theme?: FigureTheme; title?: string; x?: 'step' | 'time' }): EChartsOption {
  const pal = FRAME_PALETTE[opts.theme ?? 'light'];
  const percent = metric.endsWith('_acc');
  const axis = axisStyle(pal);
  const frame = lineFrame(pal, opts.title);
  const byTime = opts.x === 'time';
  return {
    ...frame,
    tooltip: byTime ? axisTooltip('time', fmtSeconds) : axisTooltip(),
    legend: { ...frame.legend, type: 'scroll', orient: 'horizontal' },
    grid: { left: 72, right: 24, top: opts.title ? 72 : 48, bottom: 52 },
    xAxis: {
      ...axis,
      type: 'value',
      name: byTime ? 'wall time' : 'step',
      nameGap: 28,
      min: 0,
      ...(byTime ? { axisLabel: { ...axis.axisLabel, formatter: fmtSeconds } } : {}),
    },
    yAxis: {
      ...axis,
      type: metric.endsWith('_loss') ? 'log' : 'value',
      name: COMPARE_METRIC_LABELS[metric],
      nameGap: 52,
      ...(percent ? { min: 0, max: 100 } : {}),
    },
  };
}

/** How a seed group's band spans: its runs' lowest to highest value, or the mean ± one standard deviation. */
export type BandKind = 'minmax' | 'std';

export interface CompareGroup {
  /** the legend's entry: "#12–#14 name · lr=0.01 (3 seeds)" */
  label: string;
  band: BandCurve;
}

/** Seed groups on one chart: each group's mean as a line and its band as a shade of the same colour under it (a
 *  transparent lower edge with the band's height stacked on it and filled, ECharts' confidence-band idiom). The band
 *  series share the group's name, so its legend entry hides both; their ids start "band:" to keep them out of the
 *  tooltip. On a log axis a mean − std at or below zero is drawn from the group's minimum instead. */
export function buildGroupCompareOption(
  groups: readonly CompareGroup[],
  metric: CompareMetric,
  opts: { theme?: FigureTheme; title?: string; band?: BandKind } = {},
): EChartsOption {
  const scale = metric.endsWith('_acc') ? 100 : 1;
  const log = metric.endsWith('_loss');
  const kind = opts.band ?? 'minmax';
  const series: LineSeriesOption[] = groups.flatMap((g, i) => {
    const colour = runColour(i);
    const b = g.band;
    const lower = b.steps.map((_, k) => {
      if (kind === 'minmax') return b.min[k]!;
      const lo = b.mean[k]! - b.std[k]!;
      return log && lo <= 0 ? b.min[k]! : lo;
    });
    const upper = b.steps.map((_, k) => (kind === 'minmax' ? b.max[k]! : b.mean[k]! + b.std[k]!));
    const edge = {
      type: 'line' as const,
      name: g.label,
      stack: `band:${i}`,
      showSymbol: false,
      silent: true,
      itemStyle: { color: colour },
    };
    return [
      {
        type: 'line',
        id: `mean:${i}`,
        name: g.label,
        data: b.steps.map((s, k) => [s, scale * b.mean[k]!]),
        showSymbol: false,
        lineStyle: { width: 1.8, color: colour },
        itemStyle: { color: colour },
        z: 3,
      },
      { ...edge, id: `band:${i}:lower`, data: b.steps.map((s, k) => [s, scale * lower[k]!]), lineStyle: { opacity: 0 } },
      {
        ...edge,
        id: `band:${i}:height`,
        data: b.steps.map((s, k) => [s, scale * (upper[k]! - lower[k]!)]),
        lineStyle: { opacity: 0 },
        areaStyle: { color: colour, opacity: 0.2 },
      },
    ];
  });
  return { ...compareFrame(metric, opts), series };
}
