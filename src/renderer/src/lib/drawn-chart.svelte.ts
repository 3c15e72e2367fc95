// A figure's chart drawn from a shared option builder (FigurePanel, PlaygroundChart): mounted once its host element
// is bound, drawn afresh whenever the option changes, disposed with the host.
import type * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';
import { mountChart } from './chart-host';

/** A figure's option in a theme, with its title when exported (a shared option builder bound to its data). */
export type FigureBuild = (theme: 'light' | 'dark', exportTitle: boolean) => EChartsOption;

/** What a figure's frame shows above its chart (FigureFrame, FigurePanel, PlaygroundChart). */
export interface FigureHead {
  /** data-figure attribute and file name part */
  name: string;
  title: string;
  subtitle: string;
  /** null while there is nothing to draw or export */
  build: FigureBuild | null;
}

/** Call while a component initialises. `option` is read only once the chart exists (null: nothing to draw);
 *  `wire` may attach listeners to each new chart and returns what removes them. */
export function drawChart(
  host: () => HTMLElement | null,
  option: () => EChartsOption | null,
  wire?: (chart: echarts.ECharts) => () => void,
): void {
  let chart = $state.raw<echarts.ECharts | null>(null);

  $effect(() => {
    const h = host();
    if (!h) return;
    const { chart: c, dispose } = mountChart(h);
    chart = c;
    const unwire = wire?.(c);
    return () => {
      unwire?.();
      dispose();
      chart = null;
    };
  });

  $effect(() => {
    if (!chart) return;
    const o = option();
    if (o) chart.setOption(o, { notMerge: true });
  });
}
