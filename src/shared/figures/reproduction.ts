// The figure of a reproduction's effect (issue 19): points, lines and bars of a ReproFigure, with the criterion's
// threshold as a dashed line. Pure: the Reproductions page draws it and exports the same option to PNG and SVG.
import type { BarSeriesOption, EChartsOption, LineSeriesOption, ScatterSeriesOption } from 'echarts';
import type { ReproFigure } from '../api/reproductions';
import { FRAME_PALETTE, axisStyle, titled } from './axis-style';
import type { FigureTheme } from './curves';

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export function buildReproOption(fig: ReproFigure, opts: { theme?: FigureTheme; title?: string } = {}): EChartsOption {
  const pal = FRAME_PALETTE[opts.theme === 'dark' ? 'dark' : 'light'];
  const axis = axisStyle(pal);
  const cat = fig.categories;
  const series: (ScatterSeriesOption | LineSeriesOption | BarSeriesOption)[] = fig.series.map((s, k) => {
    const color = COLORS[k % COLORS.length]!;
    // a category axis takes the values in index order; a value axis takes the points
    const data = cat ? s.points.map((p) => p[1]) : s.points.map((p, i) => ({ value: p, name: s.labels?.[i] ?? '' }));
    if (s.kind === 'bar') return { type: 'bar', name: s.name, data, color };
    if (s.kind === 'scatter') return { type: 'scatter', name: s.name, data, color, symbolSize: 9 };
    return { type: 'line', name: s.name, data, color, showSymbol: cat !== undefined, lineStyle: { width: 1.5 } };
  });
  const marks = fig.marks ?? [];
  if (marks.length && series[0])
    series[0] = {
      ...series[0],
      markLine: {
        silent: true,
        symbol: 'none',
        lineStyle: { type: 'dashed', color: pal.axis },
        label: { formatter: '{b}', color: pal.text, position: 'insideEndTop' },
        data: marks.map((m) => ({ yAxis: m.y, name: m.label })),
      },
    } as (typeof series)[0];
  const top = opts.title ? 64 : 36;
  return {
    backgroundColor: pal.background,
    animation: false,
    ...titled(opts.title, pal.text),
    legend: { top: opts.title ? 30 : 4, textStyle: { color: pal.text, fontSize: 12 } },
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const q = p as { seriesName: string; name: string; value: unknown };
        const v = Array.isArray(q.value)
          ? q.value.map((x) => (typeof x === 'number' ? Number(x.toPrecision(4)) : x)).join(', ')
          : String(q.value);
        return `${q.seriesName}${q.name ? ` · ${q.name}` : ''}<br/>${v}`;
      },
    },
    grid: { left: 72, right: 28, top, bottom: 56 },
    xAxis: cat
      ? { ...axis, type: 'category', data: cat, name: fig.x.name, nameGap: 32 }
      : { ...axis, type: fig.x.log ? 'log' : 'value', name: fig.x.name, nameGap: 32, scale: true },
    yAxis: { ...axis, type: fig.y.log ? 'log' : 'value', name: fig.y.name, nameGap: 52, scale: !cat },
    series,
  };
}
