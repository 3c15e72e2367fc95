// Sweep heatmaps (000 Fig. 2): one metric over the grid of the first two axes, the mean over seeds in each
// cell with its spread in the label. Rows are the first axis (as the paper puts the learning rate on y), columns the
// second. Pure, like curves.ts: the sweep page and the exports draw the same figure.
import type { EChartsOption } from 'echarts';
import type { SweepCellRun, SweepCellView, SweepView } from '../api/types';
import type { FigureTheme } from './curves';
import { colourBar } from './axis-style';

export const SWEEP_METRICS = ['valAcc', 't4', 'delay', 'energy', 'predicted'] as const;
export type SweepMetric = (typeof SWEEP_METRICS)[number];

export const SWEEP_METRIC_LABELS: Record<SweepMetric, string> = {
  valAcc: 'final validation accuracy (%)',
  t4: 't4 (step of 100% validation accuracy)',
  delay: 't4 − t2 (steps)',
  energy: 'early spectral energy (log10, relative)',
  predicted: 'predicted probability of grokking',
};

function metricOf(r: SweepCellRun, m: SweepMetric): number | null {
  switch (m) {
    case 'valAcc':
      return r.valAcc === null ? null : 100 * r.valAcc;
    case 't4':
      return r.t4;
    case 'delay':
      return r.t4 !== null && r.t2 !== null ? r.t4 - r.t2 : null;
    case 'energy':
      return r.energy;
    case 'predicted':
      return r.predicted;
  }
}

export interface CellStat {
  mean: number | null;
  /** sample standard deviation over seeds (0 for one seed) */
  spread: number | null;
  n: number;
}

export function cellStat(runs: readonly SweepCellRun[], m: SweepMetric): CellStat {
  const xs = runs.map((r) => metricOf(r, m)).filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return { mean: null, spread: null, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const spread = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, spread, n: xs.length };
}

const fmtAxis = (v: number | string | boolean) => (typeof v === 'number' ? String(Number(v.toPrecision(3))) : String(v));
const fmtVal = (v: number, m: SweepMetric) =>
  m === 'predicted' ? v.toFixed(2) : m === 'energy' ? v.toFixed(1) : m === 'valAcc' ? v.toFixed(0) : String(Math.round(v));

/** The colour range of a map and the sentence that states it. Accuracy and probability map their whole range, t4 and
 *  the delay 0 to the training budget, so colours compare across sweeps; only the energy spans the filled cells. */
export interface MapRange {
  lo: number;
  hi: number;
  note: string;
}

export function sweepMapRange(view: SweepView, metric: SweepMetric): MapRange {
  const means = view.cells.map((c) => cellStat(c.runs, metric).mean).filter((v): v is number => v !== null);
  const distinct = new Set(means).size;
  const one = distinct === 1 ? ` Every filled cell has the same value, ${fmtVal(means[0]!, metric)}: the map has no contrast.` : '';
  if (metric === 'valAcc') return { lo: 0, hi: 100, note: `Colours span 0 to 100%.${one}` };
  if (metric === 'predicted') return { lo: 0, hi: 1, note: `Colours span probability 0 to 1.${one}` };
  if ((metric === 't4' || metric === 'delay') && view.steps > 0)
    return { lo: 0, hi: view.steps, note: `Colours span 0 to ${view.steps} steps, the training budget.${one}` };
  if (means.length === 0) return { lo: 0, hi: 1, note: 'No cell has a value yet.' };
  const lo = Math.min(...means);
  const hi = Math.max(...means);
  if (lo === hi) return { lo: lo - 1, hi: hi + 1, note: `Colours span ${fmtVal(lo - 1, metric)} to ${fmtVal(hi + 1, metric)}.${one}` };
  return { lo, hi, note: `Colours span the filled cells' range, ${fmtVal(lo, metric)} to ${fmtVal(hi, metric)}.` };
}

const escapeHtml = (t: string) =>
  t.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A cell's tooltip (HTML): its settings, the metric's value, and each run's status and, across machines, the
 *  worker that trains or trained it. */
export function sweepCellTooltip(view: SweepView, cell: SweepCellView, metric: SweepMetric): string {
  const lines = view.axes.map((a) => `${a.path} = ${fmtAxis(cell.coords[a.path] ?? '–')}`);
  const s = cellStat(cell.runs, metric);
  lines.push(`${SWEEP_METRIC_LABELS[metric]}: ${s.mean === null ? '–' : fmtVal(s.mean, metric)}`);
  for (const r of cell.runs)
    lines.push(
      `run #${r.id}${cell.runs.length > 1 ? ` (seed ${r.seed})` : ''}: ${r.held ? 'held' : r.status}` +
        (r.worker ? ` · worker ${r.worker.name} on ${r.worker.host}` : ''),
    );
  return lines.map(escapeHtml).join('<br/>');
}

const PAL = {
  light: { background: '#ffffff', text: '#222222', axis: '#555555', empty: '#f0f0f0' },
  dark: { background: '#1b1d23', text: '#e2e2e2', axis: '#a0a0a0', empty: '#2a2d35' },
} as const;

export function buildSweepHeatmap(view: SweepView, metric: SweepMetric, opts: { theme?: FigureTheme; title?: string } = {}): EChartsOption {
  const pal = PAL[opts.theme ?? 'light'];
  const [rowAxis, colAxis] = view.axes;
  const rows = rowAxis!.values.map(fmtAxis);
  const cols = colAxis ? colAxis.values.map(fmtAxis) : [''];
  const data: { value: [number, number, number | null]; label: string }[] = [];
  const { lo, hi } = sweepMapRange(view, metric);
  for (const c of view.cells) {
    const s = cellStat(c.runs, metric);
    const x = colAxis ? c.index[1]! : 0;
    const y = c.index[0]!;
    const label = s.mean === null ? '' : s.n > 1 ? `${fmtVal(s.mean, metric)}\n±${fmtVal(s.spread!, metric)}` : fmtVal(s.mean, metric);
    data.push({ value: [x, y, s.mean], label });
  }
  const axis = {
    type: 'category' as const,
    nameLocation: 'middle' as const,
    nameTextStyle: { fontSize: 14, color: pal.text },
    axisLabel: { fontSize: 12, color: pal.text },
    axisLine: { lineStyle: { color: pal.axis } },
    splitArea: { show: false },
  };
  return {
    backgroundColor: pal.background,
    animation: false,
    ...(opts.title ? { title: { text: opts.title, left: 'center', top: 8, textStyle: { fontSize: 15, color: pal.text } } } : {}),
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const [x, y] = ((p as { value?: unknown }).value as number[] | undefined) ?? [];
        const cell = view.cells.find((c) => c.index[0] === y && (colAxis ? c.index[1] === x : true));
        return cell ? sweepCellTooltip(view, cell, metric) : '';
      },
    },
    grid: { left: 90, right: 110, top: opts.title ? 48 : 20, bottom: 64 },
    xAxis: { ...axis, data: cols, name: colAxis?.path ?? '', nameGap: 32 },
    yAxis: { ...axis, data: rows, name: rowAxis!.path, nameGap: 64 },
    visualMap: colourBar(lo, hi, [fmtVal(hi, metric), fmtVal(lo, metric)], pal),
    series: [
      {
        type: 'heatmap',
        name: SWEEP_METRIC_LABELS[metric],
        data: data.map((d) => ({ value: d.value, label: { show: d.label !== '', formatter: d.label } })),
        label: { show: true, color: '#ffffff', fontSize: 12, textBorderColor: '#000000', textBorderWidth: 2 },
        itemStyle: { borderColor: pal.background, borderWidth: 1 },
        emphasis: { itemStyle: { borderColor: pal.text, borderWidth: 2 } },
      },
    ],
  };
}
