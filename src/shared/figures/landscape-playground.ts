// The optimiser playground's figures (000 App. D, Figs. 25-30): the log-scale test function as filled contours with
// each optimiser's trajectory from the start, and each optimiser's error ‖x_t − x*‖ against steps (log axis).
import type { CustomSeriesOption, EChartsOption, LinesSeriesOption } from 'echarts';
import type { PlaygroundTrajectory } from '../analysis/playground/trajectory';
import type { PlaygroundOptimiserKind } from '../analysis/playground/optimisers';
import type { FigureTheme } from './curves';
import { axisStyle, FRAME_PALETTE, lineFrame } from './axis-style';
import { contourSeries, filledGridSeries, finiteRange } from './landscape-grid-series';

const PAL = {
  light: { ...FRAME_PALETTE.light, contour: 'rgba(255,255,255,0.55)', marker: '#000000' },
  dark: { ...FRAME_PALETTE.dark, contour: 'rgba(255,255,255,0.45)', marker: '#ffffff' },
} as const;
// tab10, one colour per optimiser, the same in both figures
export const OPTIMISER_COLOURS: Record<PlaygroundOptimiserKind, string> = {
  sgd: '#1f77b4',
  momentum: '#ff7f0e',
  rmsprop: '#2ca02c',
  rprop: '#d62728',
  adam: '#e377c2',
  adamax: '#17becf',
};
const GREYS = ['#0b0b0b', '#3a3a3a', '#6a6a6a', '#9a9a9a', '#cacaca', '#f4f4f4'];

export interface PlaygroundFigureInput {
  /** e.g. "Rosenbrock" */
  label: string;
  grid: { xs: number[]; ys: number[]; values: number[][] };
  minimum: readonly [number, number];
  start: readonly [number, number];
  trajectories: PlaygroundTrajectory[];
}

const thin = (points: [number, number][], max = 2000): [number, number][] => {
  if (points.length <= max) return points;
  const every = Math.ceil(points.length / max);
  return points.filter((_, i) => i % every === 0 || i === points.length - 1);
};

type Background = { fill: CustomSeriesOption; contours: LinesSeriesOption; lo: number; hi: number };
/** The function's filled grid and contours depend on the grid alone: made once per grid and contour colour, so that
 *  a change of steps or hyperparameters redraws the trajectories without recomputing thousands of cells. */
const backgrounds = new WeakMap<PlaygroundFigureInput['grid'], Map<string, Background>>();

function background(grid: PlaygroundFigureInput['grid'], label: string, contourColour: string): Background {
  const kept = backgrounds.get(grid)?.get(`${label}\n${contourColour}`);
  if (kept) return kept;
  const { xs, ys } = grid;
  // The colour scale starts at the 1st percentile: a node on the minimum has log g ≈ log ε (−27.6), which would
  // otherwise squeeze the whole landscape into the top of the scale; lower values are drawn at that floor.
  const sorted = grid.values
    .flat()
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const floor = sorted.length ? sorted[Math.floor(0.01 * (sorted.length - 1))]! : 0;
  const values = grid.values.map((r) => r.map((v) => Math.max(v, floor)));
  const [lo, hi] = finiteRange(values.flat());
  const made = {
    fill: filledGridSeries(`log ${label}`, xs, ys, values),
    contours: contourSeries(xs, ys, values, 14, contourColour),
    lo,
    hi,
  };
  if (!backgrounds.has(grid)) backgrounds.set(grid, new Map());
  backgrounds.get(grid)!.set(`${label}\n${contourColour}`, made);
  return made;
}

export function buildPlaygroundContourOption(
  input: PlaygroundFigureInput,
  opts: { theme?: FigureTheme; title?: string } = {},
): EChartsOption {
  const pal = PAL[opts.theme ?? 'light'];
  const { xs, ys } = input.grid;
  const { fill, contours, lo, hi } = background(input.grid, input.label, pal.contour);
  const axis = { ...axisStyle(pal), type: 'value' as const, splitLine: { show: false } };
  return {
    backgroundColor: pal.background,
    animation: false,
    ...(opts.title ? { title: { text: opts.title, left: 'center', top: 8, textStyle: { fontSize: 15, color: pal.text } } } : {}),
    tooltip: { trigger: 'item' },
    legend: { top: opts.title ? 30 : 2, data: input.trajectories.map((t) => t.kind), textStyle: { color: pal.text, fontSize: 12 } },
    grid: { left: 64, right: 110, top: opts.title ? 64 : 36, bottom: 52 },
    xAxis: { ...axis, min: xs[0], max: xs.at(-1), name: 'x₁', nameGap: 28 },
    yAxis: { ...axis, min: ys[0], max: ys.at(-1), name: 'x₂', nameGap: 40 },
    visualMap: {
      type: 'continuous',
      min: lo,
      max: hi === lo ? lo + 1 : hi,
      dimension: 2,
      seriesIndex: 0,
      calculable: false,
      right: 8,
      top: 'middle',
      itemHeight: 160,
      text: [`log(${input.label})\n${hi.toFixed(1)}`, lo.toFixed(1)],
      textStyle: { color: pal.text, fontSize: 12 },
      inRange: { color: GREYS },
    },
    series: [
      fill,
      contours,
      ...input.trajectories.map((t) => ({
        type: 'line' as const,
        name: t.kind,
        data: thin(t.points),
        showSymbol: false,
        clip: true,
        lineStyle: { width: 1.6, color: OPTIMISER_COLOURS[t.kind] },
        itemStyle: { color: OPTIMISER_COLOURS[t.kind] },
        z: 3,
      })),
      {
        type: 'scatter',
        name: 'start and minimum',
        data: [
          { value: [input.start[0], input.start[1]], name: 'start', symbol: 'circle' },
          { value: [input.minimum[0], input.minimum[1]], name: 'global minimum x*', symbol: 'diamond' },
        ],
        symbolSize: 11,
        itemStyle: { color: '#ffd700', borderColor: pal.marker, borderWidth: 1.5 },
        tooltip: { formatter: (p: unknown) => (p as { name: string }).name },
        z: 4,
      },
    ],
  };
}

/** ‖x_t − x*‖ against t, log y (the double descent of 000 App. D shows as a bump). */
export function buildPlaygroundErrorOption(
  input: Pick<PlaygroundFigureInput, 'label' | 'trajectories'>,
  opts: { theme?: FigureTheme; title?: string } = {},
): EChartsOption {
  const pal = PAL[opts.theme ?? 'light'];
  const axis = axisStyle(pal);
  const floor = 1e-16; // a log axis cannot show 0 (an exact hit of the minimum)
  return {
    ...lineFrame(pal, opts.title),
    grid: { left: 72, right: 24, top: opts.title ? 64 : 36, bottom: 52 },
    xAxis: { ...axis, type: 'value', min: 0, name: 'step', nameGap: 28 },
    yAxis: { ...axis, type: 'log', name: `error ‖x − x*‖ (${input.label}, log scale)`, nameGap: 52 },
    series: input.trajectories.map((t) => ({
      type: 'line' as const,
      name: t.kind,
      data: thin(t.errors.map((e, i) => [i, Math.max(e, floor)] as [number, number])),
      showSymbol: false,
      lineStyle: { width: 1.6, color: OPTIMISER_COLOURS[t.kind] },
      itemStyle: { color: OPTIMISER_COLOURS[t.kind] },
    })),
  };
}
