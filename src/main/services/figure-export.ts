// Export a run's curves as SVG / PNG / CSV, headless (CLI, server) or for the app's export menu.
// The chart is the same option the UI draws (shared/figures/curves), rendered by ECharts' server-side
// SVG renderer; PNG is that SVG rasterised by resvg, so the two exports never disagree.
import { existsSync, readdirSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { join } from 'node:path';
import * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';
import { Resvg } from '@resvg/resvg-js';
import type { MetricSeries, Phases } from '../../shared/api/types';
import { buildCurveOption, figureMetrics, FIGURES, isFigureName } from '../../shared/figures/curves';

export const EXPORT_FORMATS = ['svg', 'png', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const DEFAULT_FIGURE_SIZE = { width: 800, height: 500 } as const;
export const DEFAULT_PNG_SCALE = 2;

const MIME: Record<ExportFormat, string> = {
  svg: 'image/svg+xml',
  png: 'image/png',
  csv: 'text/csv',
};

/** Render an ECharts option to an SVG document string, with no DOM. */
export function renderSvg(option: EChartsOption, size: { width: number; height: number }): string {
  checkSize(size.width, 'width');
  checkSize(size.height, 'height');
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    // A tooltip needs a pointer and a DOM; in a file it is only dead weight.
    chart.setOption({ ...option, tooltip: { show: false }, animation: false });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

// ---- fonts for PNG text ------------------------------------------------------------------------
// resvg draws no text without a font. ECharts writes `font-family: sans-serif`, which resvg maps to
// `sansSerifFamily`; we point that at a font known to exist, found once per process.

interface FontChoice {
  family: string;
  files: string[];
}

const KNOWN_FONTS: { family: string; file: string }[] = [
  { family: 'DejaVu Sans', file: 'DejaVuSans.ttf' },
  { family: 'Liberation Sans', file: 'LiberationSans-Regular.ttf' },
  { family: 'Noto Sans', file: 'NotoSans-Regular.ttf' },
  { family: 'Arial', file: 'arial.ttf' },
  { family: 'Arial', file: 'Arial.ttf' },
  { family: 'Helvetica', file: 'Helvetica.ttc' },
];

function fontDirs(): string[] {
  const home = homedir();
  switch (platform()) {
    case 'darwin':
      return ['/System/Library/Fonts', '/Library/Fonts', join(home, 'Library/Fonts')];
    case 'win32':
      return [join(process.env.WINDIR ?? 'C:\\Windows', 'Fonts')];
    default:
      return ['/usr/share/fonts', '/usr/local/share/fonts', join(home, '.local/share/fonts'), join(home, '.fonts')];
  }
}

/** All font files under `dir` (depth-limited: font trees are shallow, and links can loop). */
function listFontFiles(dir: string, depth = 4): string[] {
  if (depth < 0 || !existsSync(dir)) return [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFontFiles(p, depth - 1));
    else if (/\.(ttf|otf|ttc)$/i.test(e.name)) out.push(p);
  }
  return out;
}

let fontChoice: FontChoice | null = null;

function chooseFont(): FontChoice {
  if (fontChoice) return fontChoice;
  const dirs = fontDirs();
  const files = dirs.flatMap((d) => listFontFiles(d));
  for (const known of KNOWN_FONTS) {
    const hit = files.find((f) => f.endsWith(`/${known.file}`) || f.endsWith(`\\${known.file}`));
    if (hit) return (fontChoice = { family: known.family, files: [hit] });
  }
  if (files.length > 0) {
    // No font we know by name: let resvg take the first system font it finds (defaultFontFamily '').
    return (fontChoice = { family: '', files: [] });
  }
  throw new Error(
    `PNG export needs a font to draw its text, and none was found in ${dirs.join(', ')}. ` +
      'Install one (e.g. "apt install fonts-dejavu-core") or export SVG instead.',
  );
}

/** Rasterise an SVG to PNG. `scale` (default 2) multiplies the SVG's pixel size. */
export function svgToPng(svg: string, opts: { scale?: number } = {}): Buffer {
  const scale = opts.scale ?? DEFAULT_PNG_SCALE;
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10) {
    throw new RangeError(`PNG scale must be a number in (0, 10], got ${String(opts.scale)}`);
  }
  const font = chooseFont();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: {
      loadSystemFonts: true,
      fontFiles: font.files,
      defaultFontFamily: font.family,
      ...(font.family ? { sansSerifFamily: font.family } : {}),
    },
    logLevel: 'off',
  });
  return resvg.render().asPng();
}

// ---- CSV ---------------------------------------------------------------------------------------

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Numbers as Python/pandas read them back: shortest round-trip decimal, nan / inf / -inf. */
function csvNumber(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

/** Wide CSV: `step`, then one column per series (in the given order); rows in step order; a cell is
 *  empty where that metric has no value at that step (metrics are logged at different intervals). */
export function seriesToCsv(series: MetricSeries[]): string {
  const stepSet = new Set<number>();
  for (const s of series) for (const step of s.steps) stepSet.add(step);
  const steps = [...stepSet].sort((a, b) => a - b);
  const row = new Map<number, number>(steps.map((s, i) => [s, i]));
  const columns = series.map((s) => {
    const col = new Array<string>(steps.length).fill('');
    const n = Math.min(s.steps.length, s.values.length);
    for (let i = 0; i < n; i++) col[row.get(s.steps[i]!)!] = csvNumber(s.values[i]!);
    return col;
  });
  const lines = [['step', ...series.map((s) => csvCell(s.name))].join(',')];
  for (let r = 0; r < steps.length; r++) {
    lines.push([csvNumber(steps[r]!), ...columns.map((c) => c[r]!)].join(','));
  }
  return lines.join('\n') + '\n';
}

// ---- one call for the CLI, the server and the app ----------------------------------------------

export interface ExportFigureOptions {
  width?: number;
  height?: number;
  title?: string;
  /** PNG only; default 2 (800×500 → 1600×1000 pixels) */
  scale?: number;
  logX?: boolean;
  /** debiased EMA weight in [0, 1) */
  smoothing?: number;
}

function checkSize(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 50 || v > 10000) {
    throw new RangeError(`figure ${what} must be a whole number of pixels between 50 and 10000, got ${String(v)}`);
  }
}

/** Export one figure of a run. CSV holds the figure's metrics as stored (accuracy as a fraction,
 *  no smoothing); SVG and PNG draw what the app draws. */
export async function exportRunFigure(
  series: MetricSeries[],
  phases: Phases,
  figure: string,
  format: 'svg' | 'png' | 'csv',
  opts: ExportFigureOptions = {},
): Promise<{ data: Buffer | string; mime: string }> {
  if (!isFigureName(figure)) {
    throw new Error(`unknown figure "${figure}"; valid figures: ${FIGURES.join(', ')}`);
  }
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new Error(`unknown export format "${String(format)}"; valid formats: ${EXPORT_FORMATS.join(', ')}`);
  }
  if (format === 'csv') {
    const wanted = figureMetrics(
      figure,
      series.map((s) => s.name),
    );
    const picked = wanted.map((name) => series.find((s) => s.name === name)).filter((s): s is MetricSeries => s !== undefined);
    return { data: seriesToCsv(picked), mime: MIME.csv };
  }
  const size = {
    width: opts.width ?? DEFAULT_FIGURE_SIZE.width,
    height: opts.height ?? DEFAULT_FIGURE_SIZE.height,
  };
  const option = buildCurveOption(figure, series, {
    phases,
    logX: opts.logX,
    smoothing: opts.smoothing,
    title: opts.title,
    theme: 'light',
    animation: false,
  });
  const svg = renderSvg(option, size);
  if (format === 'svg') return { data: svg, mime: MIME.svg };
  return { data: svgToPng(svg, { scale: opts.scale }), mime: MIME.png };
}
