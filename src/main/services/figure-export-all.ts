// "Export all figures of this run": every figure the run page can show, written to one folder as SVG and as PNG at
// 2× pixel ratio. The options come from the same shared builders the UI draws (curves as on screen, analysis panels
// with the panel's export title), rendered headless by ECharts' SSR SVG renderer and rasterised by resvg
// (figure-export.ts), so a figure looks the same from the app's menu, from a panel's button and from the CLI.
// Used by the app (File → Export all figures…) and by `grokscope export RUN --all --out DIR`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EChartsOption } from 'echarts';
import type { ApiHandlers } from '../../shared/api/contract';
import type { MetricSeries } from '../../shared/api/types';
import type { ExportFiguresResult } from '../../shared/api/desktop';
import { buildCurveOption, figureMetrics, FIGURES, runFigureTitle } from '../../shared/figures/curves';
import { buildSpectralOption } from '../../shared/figures/spectral';
import { buildTrajectoryOption } from '../../shared/figures/trajectory';
import { buildHessianOption } from '../../shared/figures/hessian';
import { buildIdOption } from '../../shared/figures/intrinsic-dim';
import { DEFAULT_FIGURE_SIZE, DEFAULT_PNG_SCALE, renderSvg, svgToPng } from './figure-export';

/** Points per drawn series: min-max thinning keeps every spike; more than any figure has pixels. */
const FIGURE_POINTS = 4000;

export interface ExportAllOptions {
  /** debiased EMA weight of the curves, as on screen (default none) */
  smoothing?: number;
  logX?: boolean;
  /** PNG pixel ratio (default 2) */
  scale?: number;
}

type Handlers = Pick<ApiHandlers, 'runs.get' | 'runs.metrics' | 'analysis.spectral' | 'analysis.pca' | 'analysis.stored'>;

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Writes `run-<id>-<figure>.svg` and `.png` for every figure with something to draw. */
export async function exportAllRunFigures(
  handlers: Handlers,
  runId: number,
  dir: string,
  opts: ExportAllOptions = {},
): Promise<ExportFiguresResult> {
  const run = await handlers['runs.get']({ id: runId }); // not_found for a missing run, before any folder is made
  const series: MetricSeries[] = await handlers['runs.metrics']({ id: runId, maxPoints: FIGURE_POINTS });
  const options: { figure: string; option: EChartsOption }[] = [];
  const skipped: { figure: string; reason: string }[] = [];

  const available = series.filter((s) => s.steps.length > 0).map((s) => s.name);
  for (const figure of FIGURES) {
    const names = figureMetrics(figure, available);
    const picked = series.filter((s) => names.includes(s.name) && s.steps.length > 0);
    if (picked.length === 0) {
      skipped.push({ figure, reason: 'no points of its metrics' });
      continue;
    }
    // as the run page exports it (CurveChart): titled with the run's id and name, on white
    options.push({
      figure,
      option: buildCurveOption(figure, picked, {
        title: runFigureTitle(runId, run.name, figure),
        phases: run.phases,
        logX: opts.logX,
        smoothing: opts.smoothing,
        theme: 'light',
        animation: false,
      }),
    });
  }

  // the analysis panels: each exported with its panel's title, when the run has what the analysis needs
  try {
    const v = await handlers['analysis.spectral']({ id: runId });
    options.push({
      figure: 'spectral',
      option: buildSpectralOption(v, { theme: 'light', title: `Run ${runId}: spectral signature of updates 1–${v.signature.window}` }),
    });
  } catch (e) {
    skipped.push({ figure: 'spectral', reason: reasonOf(e) });
  }
  try {
    const v = await handlers['analysis.pca']({ id: runId });
    options.push({
      figure: 'trajectory',
      option: buildTrajectoryOption(v, { theme: 'light', title: `Run ${runId}: trajectory PCA of ${v.steps.length} checkpoints` }),
    });
  } catch (e) {
    skipped.push({ figure: 'trajectory', reason: reasonOf(e) });
  }
  const stored = await handlers['analysis.stored']({ id: runId });
  if (stored.hessian)
    options.push({
      figure: 'hessian',
      option: buildHessianOption(stored.hessian, { theme: 'light', title: `Run ${runId}: Hessian eigenvalues of the training loss` }),
    });
  else skipped.push({ figure: 'hessian', reason: 'not computed yet (run page → Hessian)' });
  if (stored.id)
    options.push({
      figure: 'intrinsic-dim',
      option: buildIdOption(stored.id, { theme: 'light', title: `Run ${runId}: intrinsic dimension per layer` }),
    });
  else skipped.push({ figure: 'intrinsic-dim', reason: 'not computed yet (run page → intrinsic dimension)' });

  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const { figure, option } of options) {
    const svg = renderSvg(option, DEFAULT_FIGURE_SIZE);
    const base = join(dir, `run-${runId}-${figure}`);
    await writeFile(`${base}.svg`, svg);
    await writeFile(`${base}.png`, svgToPng(svg, { scale: opts.scale ?? DEFAULT_PNG_SCALE }));
    files.push(`${base}.svg`, `${base}.png`);
  }
  return { dir, files, skipped };
}
