// The Hessian-eigenvalue figure (000 App. B.1): λmax on a log axis (slingshots show as spikes of several orders of
// magnitude) above λmin on a linear axis (it is usually negative, so no log), both against the checkpoint step.
import type { EChartsOption, LineSeriesOption } from 'echarts';
import type { HessianView } from '../api/types';
import type { FigureTheme } from './curves';
import { axisStyle, FRAME_PALETTE, lineFrame } from './axis-style';

const PAL = {
  light: { ...FRAME_PALETTE.light, max: '#1f77b4', min: '#d62728' },
  dark: { ...FRAME_PALETTE.dark, max: '#6fb3e8', min: '#ff7f7f' },
} as const;

/** The series drawn: [step, value] pairs; λmax only where positive (a log axis cannot show the rest). */
export function hessianSeries(view: HessianView): { max: [number, number][]; min: [number, number][]; ratio: [number, number | null][] } {
  return {
    max: view.points.filter((p) => p.lambdaMax > 0).map((p) => [p.step, p.lambdaMax]),
    min: view.points.map((p) => [p.step, p.lambdaMin]),
    ratio: view.points.map((p) => [p.step, p.ratio]),
  };
}

/** One eigenvalue's curve in its own panel (0: λmax on a log axis, 1: λmin). */
const lambdaSeries = (name: string, panel: number, data: [number, number][], color: string): LineSeriesOption => ({
  name,
  type: 'line' as const,
  xAxisIndex: panel,
  yAxisIndex: panel,
  data,
  symbolSize: 5,
  lineStyle: { width: 1.5, color },
  itemStyle: { color },
});

export function buildHessianOption(view: HessianView, opts: { theme?: FigureTheme; title?: string } = {}): EChartsOption {
  const pal = PAL[opts.theme ?? 'light'];
  const s = hessianSeries(view);
  const top = opts.title ? 48 : 24;
  const axisCommon = axisStyle(pal);
  const x = (gridIndex: number, named: boolean) => ({
    ...axisCommon,
    type: 'value' as const,
    gridIndex,
    scale: true,
    ...(named ? { name: 'step', nameGap: 28 } : { axisLabel: { show: false } }),
  });
  return {
    ...lineFrame(pal, opts.title),
    grid: [
      { left: 80, right: 24, top: top + 12, height: '38%' },
      { left: 80, right: 24, bottom: 56, height: '30%' },
    ],
    xAxis: [x(0, false), x(1, true)],
    yAxis: [
      { ...axisCommon, type: 'log', gridIndex: 0, name: 'λmax', nameGap: 56 },
      { ...axisCommon, type: 'value', gridIndex: 1, name: 'λmin', nameGap: 56, scale: true },
    ],
    series: [lambdaSeries('λmax', 0, s.max, pal.max), lambdaSeries('λmin', 1, s.min, pal.min)],
  };
}
