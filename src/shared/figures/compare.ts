// The compare page's figure: one metric of several runs on one chart, a colour per run and the legend naming each run
// with its differing settings. Pure, like curves.ts: the page and its PNG / SVG export draw the same option.
import type { EChartsOption, LineSeriesOption } from 'echarts';
import { axisStyle, FRAME_PALETTE, lineFrame } from './axis-style';
import type { FigureTheme } from './curves';

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
  opts: { theme?: FigureTheme; title?: string } = {},
): EChartsOption {
  const pal = FRAME_PALETTE[opts.theme ?? 'light'];
  const percent = metric.endsWith('_acc');
  const axis = axisStyle(pal);
  const series: LineSeriesOption[] = runs.map((r, i) => ({
    type: 'line',
    name: r.label,
    data: r.steps.map((s, k) => [s, percent ? 100 * r.values[k]! : r.values[k]!]),
    showSymbol: false,
    lineStyle: { width: 1.6, color: runColour(i) },
    itemStyle: { color: runColour(i) },
  }));
  const frame = lineFrame(pal, opts.title);
  return {
    ...frame,
    legend: { ...frame.legend, type: 'scroll', orient: 'horizontal' },
    grid: { left: 72, right: 24, top: opts.title ? 72 : 48, bottom: 52 },
    xAxis: { ...axis, type: 'value', name: 'step', nameGap: 28, min: 0 },
    yAxis: {
      ...axis,
      type: metric.endsWith('_loss') ? 'log' : 'value',
      name: COMPARE_METRIC_LABELS[metric],
      nameGap: 52,
      ...(percent ? { min: 0, max: 100 } : {}),
    },
    series,
  };
}
