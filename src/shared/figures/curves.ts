// The one ECharts option builder for run curves. The UI (live charts, export button) and the CLI
// (`grokscope export`) both call buildCurveOption, so the same run gives the same series names,
// axis titles and phase markers wherever it is drawn. Pure: no DOM, no node; a type import only.
import type { EChartsOption, LineSeriesOption, MarkLineComponentOption } from 'echarts';
import { LAYER_NORM_PREFIX, type MetricName, type MetricSeries, type Phases } from '../api/types';
import { emaSmooth } from '../analysis/smoothing';
import { axisStyle } from './axis-style';
import { axisTooltip } from './tooltip';
import { fmtSeconds } from '../runs/wall-time';

export const FIGURES = ['loss', 'accuracy', 'weight-norm', 'grad-norm', 'cos-step', 'cos-init', 'layer-norms'] as const;
export type FigureName = (typeof FIGURES)[number];

export function isFigureName(name: string): name is FigureName {
  return (FIGURES as readonly string[]).includes(name);
}

export type FigureTheme = 'light' | 'dark';

/** Each figure's caption on the run page, and the end of its exported title. */
export const FIGURE_LABELS: Record<FigureName, string> = {
  loss: 'Loss',
  accuracy: 'Accuracy',
  'weight-norm': 'Weight norm',
  'grad-norm': 'Gradient norm',
  'cos-step': 'Cosine between successive steps',
  'cos-init': 'Cosine to the initial weights',
  'layer-norms': 'Weight norm per parameter',
};

/**
 * An exported figure's title: the run's id and name (cut to fit an 800 px figure) and the figure. Control characters
 * in a name (a hostile config's ESC sequences) become spaces: XML forbids most of them, and an SVG with one is invalid.
 */
export function runFigureTitle(id: number, name: string, figure: FigureName): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  const short = clean.length > 60 ? `${clean.slice(0, 59)}…` : clean;
  return `Run #${id} ${short}: ${FIGURE_LABELS[figure].toLowerCase()}`;
}

interface CurveSpec {
  metric: MetricName;
  /** series name in the legend */
  label: string;
  color: { light: string; dark: string };
}

interface FigureSpec {
  curves: CurveSpec[];
  /** draw every series whose name starts with this (one curve each, labelled by the rest of the name) */
  prefix?: string;
  /** extra px left of the plot for long tick labels (0.99999) */
  yLabelRoom?: number;
  yTitle: string;
  logYByDefault: boolean;
  /** stored value × scale = plotted value (accuracies are stored as fractions, plotted in %) */
  scale: number;
  yRange?: { min: number; max: number };
}

// matplotlib's tab10 colours, as in the papers' figures: train blue, validation orange.
const BLUE = { light: '#1f77b4', dark: '#4a9ee0' };
const ORANGE = { light: '#ff7f0e', dark: '#ff9a3c' };
const GREEN = { light: '#2ca02c', dark: '#4cc24c' };
const RED = { light: '#d62728', dark: '#f0585a' };
const PURPLE = { light: '#9467bd', dark: '#b592e0' };
/** tab10 after blue and orange, for figures with one curve per parameter tensor */
const CYCLE = [
  BLUE,
  ORANGE,
  GREEN,
  RED,
  PURPLE,
  { light: '#8c564b', dark: '#c08b7e' },
  { light: '#e377c2', dark: '#f09bd6' },
  { light: '#7f7f7f', dark: '#b0b0b0' },
  { light: '#bcbd22', dark: '#d9da4a' },
  { light: '#17becf', dark: '#4fd8e6' },
];

/** A metric's training and validation curves, in the colours every figure gives them. */
const trainAndValidation = (metric: 'loss' | 'acc'): CurveSpec[] => [
  { metric: `train_${metric}`, label: 'train', color: BLUE },
  { metric: `val_${metric}`, label: 'validation', color: ORANGE },
];

const SPECS: Record<FigureName, FigureSpec> = {
  loss: {
    curves: trainAndValidation('loss'),
    yTitle: 'loss',
    logYByDefault: true,
    scale: 1,
  },
  accuracy: {
    curves: trainAndValidation('acc'),
    // Percent, as the papers plot accuracy (000 Fig. 2: "validation accuracy (%)").
    yTitle: 'accuracy (%)',
    logYByDefault: false,
    scale: 100,
    yRange: { min: 0, max: 100 },
  },
  'weight-norm': {
    curves: [{ metric: 'weight_norm', label: 'weight norm', color: GREEN }],
    yTitle: '‖θ‖₂',
    logYByDefault: false,
    scale: 1,
  },
  'grad-norm': {
    curves: [{ metric: 'grad_norm', label: 'gradient norm', color: RED }],
    yTitle: '‖∇L‖₂',
    logYByDefault: true,
    scale: 1,
  },
  // 000 App. B.2, Fig. 15, two panels as in the paper: cos(θ_t, θ_{t+1}) across one update stays within 1e-4 of 1
  // except at slingshots, so it needs its own axis; cos(θ_t, θ_0) spans [0, 1].
  'cos-step': {
    curves: [{ metric: 'cos_step', label: 'cos(θ_t−1, θ_t)', color: PURPLE }],
    yTitle: 'cos(θ_t−1, θ_t)',
    logYByDefault: false,
    scale: 1,
    yLabelRoom: 16,
  },
  'cos-init': {
    curves: [{ metric: 'cos_init', label: 'cos(θ_t, θ_0)', color: GREEN }],
    yTitle: 'cos(θ_t, θ_0)',
    logYByDefault: false,
    scale: 1,
  },
  'layer-norms': { curves: [], prefix: LAYER_NORM_PREFIX, yTitle: '‖W‖₂ per parameter', logYByDefault: false, scale: 1 },
};

/** The curves a figure draws: its fixed ones, or one per available series matching its prefix. */
function curvesOf(spec: FigureSpec, available: readonly string[]): CurveSpec[] {
  const { prefix } = spec;
  if (!prefix) return spec.curves;
  return available
    .filter((n) => n.startsWith(prefix))
    .map((metric, i) => ({ metric: metric as MetricName, label: metric.slice(prefix.length), color: CYCLE[i % CYCLE.length]! }));
}

/** Whether a figure's y axis is logarithmic unless the user says otherwise (loss and gradient norm). */
export const figureLogYDefault = (figure: FigureName): boolean => SPECS[figure].logYByDefault;

/** The metrics a figure draws, in legend order; `available` names the run's metrics (needed for per-parameter figures). */
export function figureMetrics(figure: FigureName, available: readonly string[] = []): string[] {
  return curvesOf(SPECS[figure], available).map((c) => c.metric);
}

export interface CurveOptionOptions {
  phases?: Phases | null;
  logX?: boolean;
  /** default: true for loss and grad-norm */
  logY?: boolean;
  /** debiased EMA weight in [0, 1); 0 or absent draws the raw series only */
  smoothing?: number;
  theme?: FigureTheme;
  title?: string;
  /** default false: exports must not capture a half-drawn frame */
  animation?: boolean;
  /** on screen only: zoom the steps with the wheel (and drag to pan) or a dragged box, the toolbox to go back */
  zoom?: boolean;
  /** what the x values are: steps (default), or seconds of wall-clock time (shared/runs/wall-time.ts byWallTime) */
  x?: 'step' | 'time';
}

const PALETTE = {
  light: { background: '#ffffff', text: '#222222', axis: '#555555', split: '#e4e4e4', marker: '#666666' },
  dark: { background: '#1b1d23', text: '#e2e2e2', axis: '#a0a0a0', split: '#363a44', marker: '#9a9a9a' },
} as const;

/** Sizes chosen to stay legible when an 800×500 figure is shrunk to one paper column. */
const FONT = { base: 14, axisName: 15, axisLabel: 13, legend: 14, title: 16, marker: 12 } as const;

const PHASE_KEYS = ['t1', 't2', 't3', 't4'] as const;

/** Log-axis tick labels: plain numbers near 1, 1e-n far from it ("0.000001" is unreadable). */
function logTickLabel(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e4) return String(Number(value.toPrecision(6)));
  const exp = Math.round(Math.log10(abs));
  const mantissa = value / 10 ** exp;
  return Math.abs(mantissa - 1) < 1e-9 ? `1e${exp}` : value.toExponential(1);
}

/** [step, value] pairs that the axes can show: finite, and positive on a log axis. */
function toPairs(steps: readonly number[], values: ArrayLike<number>, scale: number, logX: boolean, logY: boolean): [number, number][] {
  const out: [number, number][] = [];
  const n = Math.min(steps.length, values.length);
  for (let i = 0; i < n; i++) {
    const s = steps[i]!;
    const v = values[i]! * scale;
    if (!Number.isFinite(s) || !Number.isFinite(v)) continue;
    if (logX && s <= 0) continue;
    if (logY && v <= 0) continue;
    out.push([s, v]);
  }
  return out;
}

/** Markers closer than this share of the x axis would print their labels on top of each other. */
const MARKER_CROWD = 0.06;
/** Vertical pitch of stacked marker labels, px. */
const MARKER_LABEL_PITCH = 15;

/** Vertical dashed lines at t1..t4; phases that fall on the same step share one line ("t1, t2").
 *  Labels of lines that crowd each other (within MARKER_CROWD of the x span) step down one row each,
 *  so "t1" and "t3" a few steps apart stay two readable labels. */
function phaseMarkLine(
  phases: Phases | null | undefined,
  xSpan: { min: number; max: number } | null,
  logX: boolean,
  color: string,
): MarkLineComponentOption | undefined {
  if (!phases) return undefined;
  const byStep = new Map<number, string[]>();
  for (const key of PHASE_KEYS) {
    const step = phases[key];
    if (step === null || !Number.isFinite(step)) continue;
    if (logX && step <= 0) continue; // no place for step 0 on a log axis
    const names = byStep.get(step) ?? [];
    names.push(key);
    byStep.set(step, names);
  }
  if (byStep.size === 0) return undefined;
  const at = (step: number): number => {
    if (!xSpan) return 0;
    const f = logX ? Math.log10 : (x: number) => x;
    const lo = f(Math.max(xSpan.min, logX ? 1 : -Infinity));
    const width = f(xSpan.max) - lo;
    return width > 0 ? (f(step) - lo) / width : 0;
  };
  let prev = -Infinity;
  let row = 0;
  const data = [...byStep.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([step, names]) => {
      const pos = at(step);
      row = xSpan && pos - prev < MARKER_CROWD ? row + 1 : 0;
      prev = pos;
      const text = names.join(', ');
      return { name: text, xAxis: step, label: { formatter: text, offset: [0, row * MARKER_LABEL_PITCH] } };
    });
  return {
    silent: true,
    symbol: ['none', 'none'],
    animation: false,
    lineStyle: { type: 'dashed', color, width: 1.2 },
    label: { show: true, position: 'end', color, fontSize: FONT.marker },
    data,
  };
}

/** The smallest and largest step of the series drawn (null when there are none). */
function stepSpan(series: readonly MetricSeries[]): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) {
    for (const step of s.steps) {
      if (step < min) min = step;
      if (step > max) max = step;
    }
  }
  return min <= max ? { min, max } : null;
}

/** Zooming the steps on screen: the wheel, and a dragged box (the toolbox's box zoom, active from the start, see
 *  CurveChart) with its "zoom back". No restore: it would bring back the first option of a chart whose points have
 *  streamed in since (the page has "reset zoom"). The y axis fits the steps shown (filterMode 'filter'); the run page
 *  keeps every chart's steps the same. */
function zoomComponents(iconColour: string): Pick<EChartsOption, 'dataZoom' | 'toolbox'> {
  return {
    dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'filter' }],
    toolbox: {
      right: 6,
      top: 4,
      itemSize: 13,
      iconStyle: { borderColor: iconColour },
      feature: {
        dataZoom: { yAxisIndex: 'none', filterMode: 'filter', title: { zoom: 'box zoom', back: 'zoom back' } },
      },
    },
  };
}

/** The ECharts option for one figure of a run. `series` may hold any metrics; the figure picks its
 *  own by name and draws a missing one as an empty series, so the legend is stable while a run starts. */
export function buildCurveOption(figure: FigureName, series: MetricSeries[], opts: CurveOptionOptions = {}): EChartsOption {
  const spec = SPECS[figure];
  if (!spec) throw new Error(`unknown figure "${String(figure)}"; expected one of: ${FIGURES.join(', ')}`);
  const theme = opts.theme ?? 'light';
  const pal = PALETTE[theme];
  const logX = opts.logX ?? false;
  const logY = opts.logY ?? spec.logYByDefault;
  const smoothing = opts.smoothing ?? 0;
  if (!Number.isFinite(smoothing) || smoothing < 0 || smoothing >= 1) {
    throw new RangeError(`smoothing must be a number in [0, 1), got ${String(smoothing)}`);
  }
  const smooth = smoothing > 0;

  const byName = new Map(series.map((s) => [s.name, s]));
  const raw: LineSeriesOption[] = [];
  const main: LineSeriesOption[] = [];
  const curves = curvesOf(
    spec,
    series.map((s) => s.name),
  );
  for (const curve of curves) {
    const s = byName.get(curve.metric);
    const steps = s?.steps ?? [];
    const values = s?.values ?? [];
    const color = curve.color[theme];
    const base: LineSeriesOption = {
      type: 'line',
      showSymbol: false,
      symbol: 'none',
      // We downsample with min-max ourselves; ECharts' own sampling could drop spikes.
      sampling: undefined,
      connectNulls: false,
      emphasis: { disabled: true },
      color,
    };
    if (smooth) {
      raw.push({
        ...base,
        name: `${curve.label} (raw)`,
        data: toPairs(steps, values, spec.scale, logX, logY),
        lineStyle: { width: 1, color, opacity: 0.25 },
        z: 1,
      });
      main.push({
        ...base,
        name: curve.label,
        data: toPairs(steps, emaSmooth(values, smoothing), spec.scale, logX, logY),
        lineStyle: { width: 2, color },
        z: 3,
      });
    } else {
      main.push({
        ...base,
        name: curve.label,
        data: toPairs(steps, values, spec.scale, logX, logY),
        lineStyle: { width: 2, color },
        z: 3,
      });
    }
  }

  const drawn = curves.map((c) => byName.get(c.metric)).filter((x): x is MetricSeries => x !== undefined);
  const markLine = phaseMarkLine(opts.phases, stepSpan(drawn), logX, pal.marker);
  if (markLine && main[0]) main[0].markLine = markLine;

  const axisCommon = axisStyle(pal, { name: FONT.axisName, label: FONT.axisLabel });
  const byTime = opts.x === 'time';
  const hasTitle = Boolean(opts.title);

  return {
    backgroundColor: pal.background,
    animation: opts.animation ?? false,
    textStyle: { fontSize: FONT.base, color: pal.text },
    ...(hasTitle ? { title: { text: opts.title, left: 'center', top: 8, textStyle: { fontSize: FONT.title, color: pal.text } } } : {}),
    legend: {
      // one curve per parameter can be many: one scrolling row instead of rows over the plot
      ...(spec.prefix ? { type: 'scroll' as const, left: 72, right: opts.zoom ? 72 : 28 } : {}),
      top: hasTitle ? 36 : 8,
      // Raw series stay out of the legend: they are the faded shadow of their smoothed line.
      data: main.map((s) => s.name as string),
      textStyle: { fontSize: FONT.legend, color: pal.text },
      // A short thick bar reads as a line sample; the default adds a dot the curves do not have.
      icon: 'rect',
      itemWidth: 24,
      itemHeight: 4,
      itemGap: 18,
    },
    grid: { left: 72 + (spec.yLabelRoom ?? 0), right: 28, top: hasTitle ? 72 : 48, bottom: 58 },
    tooltip: byTime ? axisTooltip('time', fmtSeconds) : axisTooltip(),
    ...(opts.zoom ? zoomComponents(pal.axis) : {}),
    xAxis: {
      ...axisCommon,
      type: logX ? 'log' : 'value',
      name: byTime ? 'wall time' : 'step',
      nameGap: 30,
      // End at the last step, no empty margin; a log axis starts at a power of ten (step 0 is dropped).
      ...(logX ? {} : { min: 'dataMin' }),
      max: 'dataMax',
      ...(logX || byTime ? { axisLabel: { ...axisCommon.axisLabel, formatter: byTime ? fmtSeconds : logTickLabel } } : {}),
    },
    yAxis: {
      ...axisCommon,
      type: logY ? 'log' : 'value',
      name: spec.yTitle,
      nameGap: 48 + (spec.yLabelRoom ?? 0),
      scale: !spec.yRange,
      ...(spec.yRange && !logY ? { min: spec.yRange.min, max: spec.yRange.max } : {}),
      ...(logY ? { axisLabel: { ...axisCommon.axisLabel, formatter: logTickLabel } } : {}),
    },
    series: [...raw, ...main],
  };
}
