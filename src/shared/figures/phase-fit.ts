// The phase-diagram fit of a sweep over the training fraction (000 App. A.3, Fig. 4): t4 against r (in percent) for
// each value of the sweep's other axis, with the power law t4 = a·r^−γ + b fitted to each and drawn over its points.
// Pure: the sweep page and its exports draw the same figure.
import type { EChartsOption, LineSeriesOption, ScatterSeriesOption } from 'echarts';
import { fitPowerLaw, powerLaw, type PowerLawFit } from '../analysis/fit-powerlaw';
import type { SweepView } from '../api/types';
import type { FigureTheme } from './curves';

const R_PATH = 'task.trainFraction';

export interface PhaseFitGroup {
  /** the other axis's value, or '' for a one-axis sweep */
  label: string;
  /** r in percent and the mean t4 over the cell's seeds that generalised */
  points: [number, number][];
  fit: PowerLawFit | null;
  /** why there is no fit */
  note: string | null;
}

/** Groups of (r %, t4) points of a sweep with a training-fraction axis, each with its power-law fit; null without one. */
export function phaseFitGroups(view: SweepView): PhaseFitGroup[] | null {
  const rAxis = view.axes.findIndex((a) => a.path === R_PATH);
  if (rAxis < 0) return null;
  const other = view.axes.findIndex((_, i) => i !== rAxis);
  const labels = other < 0 ? [''] : view.axes[other]!.values.map((v) => `${view.axes[other]!.path} = ${String(v)}`);
  return labels.map((label, k) => {
    const points: [number, number][] = [];
    for (const c of view.cells) {
      if (other >= 0 && c.index[other] !== k) continue;
      const t4s = c.runs.map((r) => r.t4).filter((t): t is number => t !== null);
      if (t4s.length) points.push([100 * Number(view.axes[rAxis]!.values[c.index[rAxis]!]), t4s.reduce((a, b) => a + b, 0) / t4s.length]);
    }
    points.sort((a, b) => a[0] - b[0]);
    if (new Set(points.map((p) => p[0])).size < 4)
      return { label, points, fit: null, note: `${points.length} training fractions generalised; the fit needs 4` };
    try {
      return {
        label,
        points,
        fit: fitPowerLaw(
          points.map((p) => p[0]),
          points.map((p) => p[1]),
        ),
        note: null,
      };
    } catch (e) {
      return { label, points, fit: null, note: (e as Error).message };
    }
  });
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

export function buildPhaseFitOption(groups: PhaseFitGroup[], opts: { theme?: FigureTheme; title?: string } = {}): EChartsOption {
  const dark = opts.theme === 'dark';
  const text = dark ? '#e2e2e2' : '#222222';
  const series: (ScatterSeriesOption | LineSeriesOption)[] = [];
  groups.forEach((g, k) => {
    const color = COLORS[k % COLORS.length]!;
    const name = g.label || 't4';
    series.push({ type: 'scatter', name, data: g.points, symbolSize: 8, color });
    if (g.fit && g.points.length) {
      const lo = g.points[0]![0];
      const hi = g.points.at(-1)![0];
      const curve: [number, number][] = Array.from({ length: 60 }, (_, i) => {
        const r = lo + ((hi - lo) * i) / 59;
        return [r, powerLaw(r, g.fit!.a.value, g.fit!.gamma.value, g.fit!.b.value)];
      });
      series.push({ type: 'line', name, data: curve, showSymbol: false, lineStyle: { width: 1.5, color }, color, silent: true });
    }
  });
  const axis = {
    type: 'value' as const,
    nameLocation: 'middle' as const,
    nameTextStyle: { fontSize: 14, color: text },
    axisLabel: { fontSize: 12, color: text },
    axisLine: { show: true, lineStyle: { color: dark ? '#a0a0a0' : '#555555' } },
    splitLine: { lineStyle: { color: dark ? '#363a44' : '#e4e4e4' } },
    scale: true,
  };
  return {
    backgroundColor: dark ? '#1b1d23' : '#ffffff',
    animation: false,
    ...(opts.title ? { title: { text: opts.title, left: 'center', top: 8, textStyle: { fontSize: 15, color: text } } } : {}),
    legend: { top: opts.title ? 36 : 8, textStyle: { color: text }, data: groups.map((g) => g.label || 't4') },
    tooltip: { trigger: 'item' },
    grid: { left: 80, right: 28, top: opts.title ? 72 : 44, bottom: 58 },
    xAxis: { ...axis, name: 'training fraction r (%)', nameGap: 30 },
    yAxis: { ...axis, name: 't4 (steps)', nameGap: 56 },
    series,
  };
}
