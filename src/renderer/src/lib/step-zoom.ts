// The steps a run page's charts show, shared by all of them: a wheel or box zoom on one chart sets the same steps on
// the others (ECharts' connect would pass percentages, which differ between charts whose series span other steps).
import type * as echarts from 'echarts';

/** The steps shown, first to last; null when a chart shows all of its steps. */
export interface StepRange {
  from: number;
  to: number;
}

/** The steps at the left and right edges of the chart's plot (its grid), read from the x axis itself. */
export function shownSteps(chart: echarts.ECharts): StepRange | null {
  const grid = (chart.getOption() as { grid?: { left?: unknown; right?: unknown }[] }).grid?.[0];
  if (typeof grid?.left !== 'number' || typeof grid.right !== 'number') return null;
  const from = chart.convertFromPixel({ xAxisIndex: 0 }, grid.left) as number;
  const to = chart.convertFromPixel({ xAxisIndex: 0 }, chart.getWidth() - grid.right) as number;
  return Number.isFinite(from) && Number.isFinite(to) ? { from, to } : null;
}

/** Sets the steps shown (null: all) without announcing it, so the charts that follow do not echo it back. */
export function showSteps(chart: echarts.ECharts, range: StepRange | null): void {
  const window = range ? { startValue: range.from, endValue: range.to } : { start: 0, end: 100 };
  chart.dispatchAction({ type: 'dataZoom', dataZoomIndex: 0, ...window }, { silent: true });
}

/** A range as the page writes it: whole steps. */
export const fmtRange = (r: StepRange): string => `${Math.round(r.from)}–${Math.round(r.to)}`;
