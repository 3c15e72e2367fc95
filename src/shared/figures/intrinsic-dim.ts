// The intrinsic-dimension figure (000 App. C): one line per layer against the checkpoint step, training rows solid
// and validation rows dashed, for the chosen estimator (TwoNN or MLE with k = 2).
import type { EChartsOption } from 'echarts';
import type { IdView } from '../api/types';
import type { FigureTheme } from './curves';
import { axisStyle, FRAME_PALETTE } from './axis-style';

const PAL = FRAME_PALETTE;
// Okabe-Ito: distinguishable for colour-blind readers
const COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'];

export type IdEstimator = 'twoNN' | 'mle';

export interface IdSeries {
  name: string;
  layer: string;
  split: 'train' | 'val';
  data: [number, number][];
}

/** One series per (layer, split), in the view's layer order, training first. */
export function idSeries(view: IdView, estimator: IdEstimator = 'twoNN'): IdSeries[] {
  const out: IdSeries[] = [];
  for (const split of ['train', 'val'] as const)
    for (const layer of view.layers) {
      const data: [number, number][] = [];
      for (const p of view.points) {
        const l = p.layers.find((x) => x.layer === layer && x.split === split);
        if (l && Number.isFinite(l[estimator])) data.push([p.step, l[estimator]]);
      }
      if (data.length > 0) out.push({ name: `${layer} (${split})`, layer, split, data });
    }
  return out;
}

export function buildIdOption(view: IdView, opts: { theme?: FigureTheme; title?: string; estimator?: IdEstimator } = {}): EChartsOption {
  const pal = PAL[opts.theme ?? 'light'];
  const estimator = opts.estimator ?? 'twoNN';
  const axis = axisStyle(pal);
  return {
    backgroundColor: pal.background,
    animation: false,
    ...(opts.title ? { title: { text: opts.title, left: 'center', top: 8, textStyle: { fontSize: 15, color: pal.text } } } : {}),
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', bottom: 4, textStyle: { color: pal.text, fontSize: 12 } },
    grid: { left: 70, right: 24, top: opts.title ? 48 : 20, bottom: 84 },
    xAxis: { ...axis, type: 'value', scale: true, name: 'step', nameGap: 28 },
    yAxis: { ...axis, type: 'value', min: 0, name: `intrinsic dimension (${estimator === 'mle' ? 'MLE, k = 2' : 'TwoNN'})`, nameGap: 44 },
    series: idSeries(view, estimator).map((s) => {
      const colour = COLOURS[view.layers.indexOf(s.layer) % COLOURS.length]!;
      return {
        name: s.name,
        type: 'line' as const,
        data: s.data,
        symbolSize: 5,
        lineStyle: { width: 1.5, color: colour, type: s.split === 'train' ? ('solid' as const) : ('dashed' as const) },
        itemStyle: { color: colour },
      };
    }),
  };
}
