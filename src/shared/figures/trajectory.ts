// The trajectory-PCA figure (000 App. B.2): the path of the checkpoints in the plane of the first two principal
// directions of θ_t − θ_T, coloured by step, ending at the origin; axis titles carry the explained variance.
import type { EChartsOption } from 'echarts';
import type { TrajectoryView } from '../api/types';
import type { FigureTheme } from './curves';
import { axisStyle, FRAME_PALETTE } from './axis-style';

const PAL = {
  light: { ...FRAME_PALETTE.light, path: '#999999' },
  dark: { ...FRAME_PALETTE.dark, path: '#777777' },
} as const;

const pct = (v: number | undefined) => (v === undefined ? '' : ` (${(100 * v).toFixed(1)}% of variance)`);

export function buildTrajectoryOption(view: TrajectoryView, opts: { theme?: FigureTheme; title?: string } = {}): EChartsOption {
  const pal = PAL[opts.theme ?? 'light'];
  const points = view.steps.map((s, i) => [view.alpha[i]!, view.beta[i]!, s]);
  const axis = { ...axisStyle(pal), type: 'value' as const, scale: true };
  return {
    backgroundColor: pal.background,
    animation: false,
    ...(opts.title ? { title: { text: opts.title, left: 'center', top: 8, textStyle: { fontSize: 15, color: pal.text } } } : {}),
    tooltip: { trigger: 'item', formatter: (p: unknown) => `step ${(p as { data: number[] }).data[2]}` },
    grid: { left: 80, right: 110, top: opts.title ? 48 : 20, bottom: 58 },
    xAxis: { ...axis, name: `α: first direction${pct(view.explained[0])}`, nameGap: 30 },
    yAxis: { ...axis, name: `β: second direction${pct(view.explained[1])}`, nameGap: 56 },
    visualMap: {
      type: 'continuous',
      dimension: 2,
      seriesIndex: 1,
      min: view.steps[0]!,
      max: view.steps.at(-1)!,
      text: ['step ' + view.steps.at(-1)!, 'step ' + view.steps[0]!],
      textStyle: { color: pal.text, fontSize: 12 },
      right: 8,
      top: 'middle',
      itemHeight: 160,
      inRange: { color: ['#440154', '#31688e', '#35b779', '#fde725'] }, // viridis: ordered, colour-blind safe
      calculable: false,
    },
    series: [
      { type: 'line', data: points, showSymbol: false, lineStyle: { width: 1, color: pal.path }, z: 1, silent: true },
      { type: 'scatter', data: points, symbolSize: 6, z: 2 },
    ],
  };
}
