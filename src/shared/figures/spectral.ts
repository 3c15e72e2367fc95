// The spectral-signature figure of a run (000 §3): on top the early training loss after the linear detrend and the
// high-pass (what the energy measures), below its energy spectrum against frequency, log y, with the removed bins
// (grey, unlabelled: a narrow strip) and the low band (labelled) shaded. Pure like curves.ts, so the run page and
// any export draw the same figure.
import type { EChartsOption, LineSeriesOption } from 'echarts';
import type { SpectralView } from '../api/types';
import type { FigureTheme } from './curves';
import { axisStyle, FRAME_PALETTE } from './axis-style';

const PAL = {
  light: { ...FRAME_PALETTE.light, line: '#1f77b4', band: 'rgba(255,127,14,0.12)', cut: 'rgba(0,0,0,0.07)' },
  dark: { ...FRAME_PALETTE.dark, line: '#4a9ee0', band: 'rgba(255,154,60,0.16)', cut: 'rgba(255,255,255,0.07)' },
} as const;

const FONT = { axisName: 14, axisLabel: 12, title: 15 } as const;

export function buildSpectralOption(view: SpectralView, opts: { theme?: FigureTheme; title?: string } = {}): EChartsOption {
  const pal = PAL[opts.theme ?? 'light'];
  const s = view.signature;
  const signal = s.detrended.map((v, i): [number, number] => [i + 1, v]);
  // Bins zeroed by the high-pass have no power: a log axis cannot show them, so the spectrum starts at the cutoff.
  const spectrum: [number, number][] = [];
  for (let k = s.cutoffBin; k < s.power.length; k++) if (s.power[k]! > 0) spectrum.push([s.freqs[k]!, s.power[k]!]);
  const fAt = (bin: number) => s.freqs[Math.min(bin, s.freqs.length - 1)]!;
  const axis = axisStyle(pal, { name: FONT.axisName, label: FONT.axisLabel });
  const line = (data: [number, number][], xAxisIndex: number): LineSeriesOption => ({
    type: 'line',
    data,
    xAxisIndex,
    yAxisIndex: xAxisIndex,
    showSymbol: false,
    symbol: 'none',
    lineStyle: { width: 1.5, color: pal.line },
    color: pal.line,
    emphasis: { disabled: true },
  });
  const top = opts.title ? 40 : 16;
  const spectrumSeries = line(spectrum, 1);
  spectrumSeries.markArea = {
    silent: true,
    data: [
      [{ xAxis: 0, itemStyle: { color: pal.cut }, name: 'removed', label: { show: false } }, { xAxis: fAt(s.cutoffBin) }],
      [{ xAxis: fAt(s.cutoffBin), itemStyle: { color: pal.band }, name: 'low band' }, { xAxis: fAt(s.bandHighBin) }],
    ],
    label: { show: true, position: 'insideTopLeft', color: pal.text, fontSize: 11 },
  };
  return {
    backgroundColor: pal.background,
    animation: false,
    ...(opts.title ? { title: { text: opts.title, left: 'center', top: 8, textStyle: { fontSize: FONT.title, color: pal.text } } } : {}),
    tooltip: { trigger: 'axis' },
    grid: [
      { left: 72, right: 28, top, height: '32%' },
      { left: 72, right: 28, bottom: 52, height: '32%' },
    ],
    xAxis: [
      { ...axis, type: 'value', gridIndex: 0, name: 'update', nameGap: 26, min: 1, max: s.window },
      { ...axis, type: 'value', gridIndex: 1, name: 'frequency (cycles per update)', nameGap: 28, min: 0, max: 0.5 },
    ],
    yAxis: [
      { ...axis, type: 'value', gridIndex: 0, name: 'filtered loss', nameGap: 52, scale: true },
      { ...axis, type: 'log', gridIndex: 1, name: 'energy', nameGap: 52 },
    ],
    series: [line(signal, 0), spectrumSeries],
  };
}
