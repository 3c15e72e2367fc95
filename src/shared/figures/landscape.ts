// Loss-landscape figures (000 §4, App. B): a 1D slice f(α) = L(θ + αδ) with loss and accuracy on training and
// validation data; the slices over training as an α × step heatmap (000 Figs. 4-6, 10-11); a 2D surface as filled
// heatmap + contour lines with the checkpoints projected on its plane and their true loss (Li et al.'s plane and the
// trajectory's real losses often disagree, so both are shown); the same surface in 3D (echarts-gl 'surface').
// Pure option builders: the viewer draws and exports the same options.
import type { EChartsOption } from 'echarts';
import type { DirectionInfo, LandscapeView } from '../api/landscape-types';
import type { FigureTheme } from './curves';
import { axisStyle, colourBar, FRAME_PALETTE, gridFrame, lineFrame } from './axis-style';
import { bilinear } from './landscape-contour';
import { contourSeries, filledGridSeries, finiteRange } from './landscape-grid-series';

export type LandscapeSplit = 'train' | 'val';
export const SPLIT_LABEL: Record<LandscapeSplit, string> = { train: 'training', val: 'validation' };

const PAL = {
  light: {
    ...FRAME_PALETTE.light,
    train: '#1f77b4',
    val: '#ff7f0e',
    contour: 'rgba(255,255,255,0.75)',
    path: '#222222',
    centre: '#888888',
  },
  dark: { ...FRAME_PALETTE.dark, train: '#4a9ee0', val: '#ff9a3c', contour: 'rgba(255,255,255,0.6)', path: '#f0f0f0', centre: '#999999' },
} as const;

export interface LandscapeFigureOptions {
  theme?: FigureTheme;
  title?: string;
}

const fmt = (v: number) => String(Number(v.toPrecision(3)));
/** A colour bar's texts: what the colour means and the top value above the bar, the bottom value below it. */
const mapText = (label: string, hi: number, lo: number): [string, string] => [`${label}\n${fmt(hi)}`, fmt(lo)];
/** Long direction labels on a vertical axis are cut to the plot's height rather than run off the figure. */
const fitName = (pal: { text: string }, width: number) => ({
  nameTextStyle: { fontSize: 14, color: pal.text, width, overflow: 'truncate' as const },
});
const log10 = (v: number | null | undefined): number | null => (v != null && Number.isFinite(v) && v > 0 ? Math.log10(v) : null);

/** A direction's label, always saying whether it was filter-normalised or used raw (a raw target direction at α = 1
 *  reaches its checkpoint; a normalised one does not, so a reader must know which). */
export function directionLabel(d: DirectionInfo): string {
  if (/normali[sz]ed|raw/i.test(d.label)) return d.label;
  return `${d.label} (${d.normalization === 'filter' ? 'filter-normalised' : 'raw'})`;
}

/** Where α = 1 lands on a raw target-like direction, for a marker on the slice. */
const REACHES: Partial<Record<DirectionInfo['kind'], string>> = { target: 'θ*', next: 'θ_{t+1}', init: 'θ_0' };

/** 1D slice: loss (log axis by default) on the left, accuracy (%) on the right; train blue, validation orange. */
export function buildLandscapeSliceOption(
  view: LandscapeView,
  opts: LandscapeFigureOptions & { logY?: boolean; row?: number } = {},
): EChartsOption {
  const pal = PAL[opts.theme ?? 'light'];
  const row = view.rows[opts.row ?? 0] ?? null;
  const dir = view.directions[0];
  const pairs = (ys: readonly number[] | undefined, scale = 1) =>
    view.alphas.map((a, i) => [a, ys && Number.isFinite(ys[i]!) ? ys[i]! * scale : null] as [number, number | null]);
  const losses = row ? [...row.train.loss, ...row.val.loss].filter(Number.isFinite) : [];
  // A log axis cannot show a zero or negative loss (MSE can reach 0): fall back to linear then.
  const logY = (opts.logY ?? true) && losses.every((v) => v > 0);
  const axis = axisStyle(pal);
  const marks: { xAxis: number; label: string }[] = [{ xAxis: 0, label: `θ_t (step ${row?.step ?? view.params.steps[0]})` }];
  const reach = dir && dir.normalization === 'raw' ? REACHES[dir.kind] : undefined;
  if (reach && view.alphas[0]! <= 1 && view.alphas.at(-1)! >= 1) marks.push({ xAxis: 1, label: reach });
  const line = (name: string, data: [number, number | null][], color: string, yAxisIndex: number, dashed: boolean) => ({
    name,
    type: 'line' as const,
    yAxisIndex,
    data,
    showSymbol: view.alphas.length <= 25,
    symbolSize: 4,
    connectNulls: false,
    lineStyle: { width: 1.8, color, type: dashed ? ('dashed' as const) : ('solid' as const) },
    itemStyle: { color },
  });
  return {
    ...lineFrame(pal, opts.title),
    grid: { left: 80, right: 72, top: opts.title ? 64 : 40, bottom: 58 },
    xAxis: {
      ...axis,
      type: 'value',
      min: view.alphas[0],
      max: view.alphas.at(-1),
      name: `α along δ = ${dir ? directionLabel(dir) : 'δ'}`,
      nameGap: 30,
    },
    yAxis: [
      { ...axis, type: logY ? 'log' : 'value', scale: true, name: logY ? 'loss (log scale)' : 'loss', nameGap: 56 },
      { ...axis, type: 'value', min: 0, max: 100, name: 'accuracy (%)', nameGap: 40, splitLine: { show: false } },
    ],
    series: [
      {
        ...line('train loss', pairs(row?.train.loss), pal.train, 0, false),
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: pal.centre, type: 'dotted' },
          label: { color: pal.text, formatter: '{b}' },
          data: marks.map((m) => ({ xAxis: m.xAxis, name: m.label })),
        },
      },
      line('validation loss', pairs(row?.val.loss), pal.val, 0, false),
      line('train accuracy', pairs(row?.train.acc, 100), pal.train, 1, true),
      line('validation accuracy', pairs(row?.val.acc, 100), pal.val, 1, true),
    ],
  };
}

/** 1D slices over training: rows are checkpoints (steps), columns α; colour log10 loss or accuracy (%). */
export function buildLandscapeOverTrainingOption(
  view: LandscapeView,
  opts: LandscapeFigureOptions & { split?: LandscapeSplit; metric?: 'loss' | 'acc' } = {},
): EChartsOption {
  const pal = PAL[opts.theme ?? 'light'];
  const split = opts.split ?? 'train';
  const metric = opts.metric ?? 'loss';
  const data: [number, number, number | null][] = [];
  let lo = Infinity;
  let hi = -Infinity;
  view.rows.forEach((row, j) => {
    if (!row) return;
    const r = row[split];
    view.alphas.forEach((_, i) => {
      const v = metric === 'loss' ? log10(r.loss[i]) : Number.isFinite(r.acc[i]!) ? 100 * r.acc[i]! : null;
      if (v !== null) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      data.push([i, j, v]);
    });
  });
  if (metric === 'acc') [lo, hi] = [0, 100];
  if (!(lo <= hi)) [lo, hi] = [0, 1];
  const valueName = metric === 'loss' ? `log10 ${SPLIT_LABEL[split]} loss` : `${SPLIT_LABEL[split]} accuracy (%)`;
  const dir = view.directions[0];
  const axis = { ...axisStyle(pal), type: 'category' as const, splitLine: { show: false }, splitArea: { show: false } };
  return {
    ...gridFrame(pal, opts.title),
    xAxis: { ...axis, data: view.alphas.map(fmt), name: `α along δ = ${dir ? directionLabel(dir) : 'δ'}`, nameGap: 30 },
    yAxis: { ...axis, data: view.params.steps.map(String), name: 'checkpoint step', nameGap: 56 },
    visualMap: colourBar(lo, hi, mapText(valueName, hi, lo), pal),
    series: [{ type: 'heatmap', name: valueName, data, progressive: 0 }],
  };
}

/** The rows computed so far of a 2D surface as a grid: values[j][i] = log10 loss at (alphas[i], betas[j]). */
function surfaceGrid(
  view: LandscapeView,
  split: LandscapeSplit,
): { xs: number[]; ys: number[]; values: (number | null)[][]; loss: (number | null)[][] } {
  const xs = view.alphas;
  const ys: number[] = [];
  const values: (number | null)[][] = [];
  const loss: (number | null)[][] = [];
  (view.betas ?? []).forEach((b, j) => {
    const row = view.rows[j];
    if (!row) return;
    ys.push(b);
    loss.push(row[split].loss.map((v) => (Number.isFinite(v) ? v : null)));
    values.push(row[split].loss.map((v) => log10(v)));
  });
  return { xs, ys, values, loss };
}

/** Loss along the trajectory: at the checkpoints themselves, and read off the plane at their projections. */
export function trajectoryLosses(
  view: LandscapeView,
  split: LandscapeSplit,
): { steps: number[]; trueLoss: number[]; planeLoss: (number | null)[] } {
  const tr = view.trajectory;
  if (!tr) return { steps: [], trueLoss: [], planeLoss: [] };
  const g = surfaceGrid(view, split);
  return {
    steps: tr.steps,
    trueLoss: split === 'train' ? tr.trainLoss : tr.valLoss,
    planeLoss: tr.steps.map((_, k) => bilinear(g.xs, g.ys, g.loss, tr.alpha[k]!, tr.beta[k]!)),
  };
}

/** 2D surface: filled heatmap of log10 loss, contour lines, the projected trajectory coloured by its true loss. */
export function buildLandscapeContourOption(
  view: LandscapeView,
  opts: LandscapeFigureOptions & { split?: LandscapeSplit; levels?: number } = {},
): EChartsOption {
  const pal = PAL[opts.theme ?? 'light'];
  const split = opts.split ?? 'train';
  const g = surfaceGrid(view, split);
  const tr = view.trajectory;
  const trueLog = tr ? (split === 'train' ? tr.trainLoss : tr.valLoss).map((v) => log10(v)) : [];
  const [lo, hi] = finiteRange(g.values.flat());
  const losses = trajectoryLosses(view, split);
  const path = tr
    ? tr.steps.map((s, k) => [
        tr.alpha[k]!,
        tr.beta[k]!,
        trueLog[k] ?? null,
        s,
        losses.trueLoss[k]!,
        losses.planeLoss[k] ?? null,
        tr.offPlane[k]!,
      ])
    : [];
  const [d1, d2] = view.directions;
  const ext = (vals: number[], range: [number, number] | null | undefined) => {
    const r = range ?? [0, 1];
    return { min: Math.min(r[0], ...vals), max: Math.max(r[1], ...vals) };
  };
  const axis = { ...axisStyle(pal), type: 'value' as const, splitLine: { show: false } };
  return {
    ...gridFrame(pal, opts.title),
    xAxis: {
      ...axis,
      ...ext(tr?.alpha ?? [], view.params.range),
      name: `α along δ = ${d1 ? directionLabel(d1) : 'δ'}`,
      nameGap: 30,
      axisLabel: { ...axis.axisLabel, formatter: fmt },
    },
    yAxis: {
      ...axis,
      ...ext(tr?.beta ?? [], view.params.range2 ?? view.params.range),
      name: `β along η = ${d2 ? directionLabel(d2) : 'η'}`,
      nameGap: 56,
      ...fitName(pal, 340),
      axisLabel: { ...axis.axisLabel, formatter: fmt },
    },
    visualMap: {
      type: 'continuous',
      ...colourBar(lo, hi, mapText(`log10 ${SPLIT_LABEL[split]} loss`, hi, lo), pal),
      dimension: 2,
      seriesIndex: [0, 3],
      outOfRange: { color: '#999999' },
    },
    series: [
      filledGridSeries(`log10 ${SPLIT_LABEL[split]} loss`, g.xs, g.ys, g.values),
      contourSeries(g.xs, g.ys, g.values, opts.levels ?? 12, pal.contour),
      {
        type: 'line',
        name: 'trajectory (projected)',
        data: path.map((p) => [p[0], p[1]]),
        showSymbol: false,
        silent: true,
        lineStyle: { color: pal.path, width: 1.2 },
        z: 3,
      },
      {
        type: 'scatter',
        name: 'checkpoints: colour = true loss',
        data: path,
        symbolSize: 8,
        itemStyle: { borderColor: pal.path, borderWidth: 1 },
        tooltip: {
          formatter: (p: unknown) => {
            const d = (p as { data: (number | null)[] }).data;
            const plane = d[5] == null ? 'outside the grid' : d[5].toPrecision(4);
            return `step ${d[3]}<br/>true ${SPLIT_LABEL[split]} loss ${Number(d[4]).toPrecision(4)}<br/>plane's loss ${plane}<br/>off the plane ${(100 * Number(d[6])).toFixed(1)}%`;
          },
        },
        z: 4,
      },
    ],
  };
}

/** The trajectory's true loss against the loss the plane shows at its projection, per checkpoint step. */
export function buildLandscapeTrajectoryLossOption(
  view: LandscapeView,
  opts: LandscapeFigureOptions & { split?: LandscapeSplit } = {},
): EChartsOption {
  const pal = PAL[opts.theme ?? 'light'];
  const split = opts.split ?? 'train';
  const l = trajectoryLosses(view, split);
  const all = [...l.trueLoss, ...l.planeLoss].filter((v): v is number => v !== null && Number.isFinite(v));
  const logY = all.length > 0 && all.every((v) => v > 0);
  const axis = axisStyle(pal);
  return {
    ...lineFrame(pal, opts.title),
    grid: { left: 80, right: 24, top: opts.title ? 64 : 40, bottom: 58 },
    xAxis: { ...axis, type: 'value', scale: true, name: 'checkpoint step', nameGap: 30 },
    yAxis: {
      ...axis,
      type: logY ? 'log' : 'value',
      scale: true,
      name: `${SPLIT_LABEL[split]} loss${logY ? ' (log scale)' : ''}`,
      nameGap: 56,
    },
    series: [
      {
        name: 'true loss at the checkpoint',
        type: 'line',
        data: l.steps.map((s, k) => [s, l.trueLoss[k]!]),
        symbolSize: 5,
        lineStyle: { width: 1.8, color: pal.train },
        itemStyle: { color: pal.train },
      },
      {
        name: "plane's loss at its projection",
        type: 'line',
        data: l.steps.map((s, k) => [s, l.planeLoss[k] ?? null]),
        connectNulls: false,
        symbolSize: 5,
        lineStyle: { width: 1.8, type: 'dashed', color: pal.val },
        itemStyle: { color: pal.val },
      },
    ],
  };
}

/** 3D surface (echarts-gl): z = log10 loss over (α, β), rotatable. Rows in order of β, α ascending in each, as the
 *  surface series expects. The option holds echarts-gl components, so only the 3D view may render it. */
export function buildLandscapeSurfaceOption(
  view: LandscapeView,
  opts: LandscapeFigureOptions & { split?: LandscapeSplit } = {},
): EChartsOption {
  const pal = PAL[opts.theme ?? 'light'];
  const split = opts.split ?? 'train';
  const g = surfaceGrid(view, split);
  const data: [number, number, number | null][] = [];
  g.values.forEach((row, j) => row.forEach((v, i) => data.push([g.xs[i]!, g.ys[j]!, v])));
  const [lo, hi] = finiteRange(data.map((d) => d[2]));
  const [d1, d2] = view.directions;
  const axis3 = (name: string) => ({
    type: 'value',
    name,
    nameTextStyle: { color: pal.text, fontSize: 13 },
    axisLabel: { color: pal.text, formatter: fmt },
    axisLine: { lineStyle: { color: pal.axis } },
    splitLine: { lineStyle: { color: pal.split } },
  });
  const option: Record<string, unknown> = {
    backgroundColor: pal.background,
    animation: false,
    // echarts-gl draws long axis names over each other: the axes say α, β and the title says what they are
    title: {
      text: opts.title ?? '',
      subtext: `α: ${d1 ? directionLabel(d1) : 'δ'}\nβ: ${d2 ? directionLabel(d2) : 'η'}`,
      left: 8,
      top: 4,
      textStyle: { fontSize: 15, color: pal.text },
      subtextStyle: { fontSize: 12, color: pal.text, lineHeight: 16 },
    },
    tooltip: {},
    visualMap: { ...colourBar(lo, hi, mapText(`log10 ${SPLIT_LABEL[split]} loss`, hi, lo), pal), dimension: 2 },
    xAxis3D: axis3('α'),
    yAxis3D: axis3('β'),
    zAxis3D: axis3(`log10 ${SPLIT_LABEL[split]} loss`),
    grid3D: {
      viewControl: { projection: 'perspective', autoRotate: false, distance: 220 },
      boxWidth: 100,
      boxDepth: 100,
      boxHeight: 60,
      light: { main: { intensity: 1.1 }, ambient: { intensity: 0.4 } },
    },
    series: [
      {
        type: 'surface',
        name: `log10 ${SPLIT_LABEL[split]} loss`,
        data,
        shading: 'color',
        wireframe: { show: true, lineStyle: { color: 'rgba(0,0,0,0.25)', width: 0.5 } },
      },
    ],
  };
  return option as EChartsOption;
}
