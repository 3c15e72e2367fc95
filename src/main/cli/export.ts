// grokscope export RUN --figure NAME --format svg|png|csv --out FILE [--force] [--db PATH]
// grokscope export RUN --all --out DIR [--smoothing W] [--log-x] [--force] [--db PATH]   (every figure, SVG + PNG at 2×)
// A figure is cheap to redo, the file it would replace may not be: nothing is overwritten without --force.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { FIGURES, figureMetrics, type FigureName } from '../../shared/figures/curves';
import { downsampleMinMax } from '../../shared/analysis/downsample';
import type { MetricSeries } from '../../shared/api/types';
import { choiceFlag, parseArgs, runIdArg, stringFlag } from './args';
import { EXIT_OK, UsageError, CliFailure } from './errors';
import { err } from './io';
import { openExistingBackend } from './open-backend';
import { getRun } from './show';
import { callApi, viaDispatch } from './call-api';

const FORMATS = ['svg', 'png', 'csv'] as const;
/** Points per series in a drawn figure: min-max thinning keeps every spike, and 4000 is beyond any figure's pixels. */
const FIGURE_POINTS = 4000;

export async function exportCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs(
    {
      name: 'export',
      positionals: ['RUN'],
      flags: {
        figure: 'value',
        format: 'value',
        out: 'value',
        db: 'value',
        all: 'boolean',
        smoothing: 'value',
        'log-x': 'boolean',
        force: 'boolean',
      },
    },
    argv,
  );
  const id = runIdArg(a.positionals['RUN']!);
  if (a.flags['all'] === true) return exportAll(id, a);
  if (a.flags['smoothing'] !== undefined || a.flags['log-x'] !== undefined) throw new UsageError('--smoothing and --log-x go with --all');
  const figure = choiceFlag(a, 'figure', FIGURES);
  const format = choiceFlag(a, 'format', FORMATS);
  const outFile = stringFlag(a, 'out');
  const missing = [!figure && '--figure NAME', !format && '--format svg|png|csv', !outFile && '--out FILE'].filter(Boolean);
  if (missing.length) throw new UsageError(`"grokscope export" needs ${missing.join(', ')}; see "grokscope export --help"`);
  const path = resolve(outFile!);
  checkOutFile(path, format!, a.flags['force'] === true);

  const backend = openExistingBackend(stringFlag(a, 'db'));
  try {
    const run = await getRun(backend, id);
    // the run's metric names (a few points each), then the figure's series at full resolution: a CSV holds every
    // point, and a drawn figure is thinned here exactly as the app's export thins it
    const available = (await callApi(backend, 'runs.metrics', { id, maxPoints: 10 })).map((m) => m.name);
    const names = figureMetrics(figure as FigureName, available);
    const stored: MetricSeries[] = [];
    for (let i = 0; i < names.length; i += 64)
      // the API takes up to 64 names a call (a deep model's per-layer norms)
      stored.push(...(await callApi(backend, 'runs.metrics', { id, names: names.slice(i, i + 64), full: true })));
    const series: MetricSeries[] = stored.map((s) =>
      format === 'csv' ? s : { name: s.name, ...downsampleMinMax(s.steps, s.values, FIGURE_POINTS) },
    );
    if (series.every((s) => s.steps.length === 0))
      throw new CliFailure(`run ${id} has no ${names.join(' or ') || `${figure} metrics`} points yet (status ${run.status})`);
    // Loaded on demand: echarts and resvg are heavy and only this command needs them.
    const { exportRunFigure } = await import('../services/figure-export');
    const { data } = await exportRunFigure(series, run.phases, figure!, format!, { title: `run ${id} · ${run.task} · ${run.model}` });
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
    err(`wrote ${path} (${figure} of run ${id}, ${format}, ${Buffer.byteLength(data)} bytes)`);
    return EXIT_OK;
  } finally {
    await backend.close();
  }
}

/** Every figure of the run into one folder, as the app's "Export all figures of this run" writes them. */
async function exportAll(id: number, a: ReturnType<typeof parseArgs>): Promise<number> {
  const outDir = stringFlag(a, 'out');
  if (!outDir) throw new UsageError('"grokscope export RUN --all" needs --out DIR (the folder to write the figures to)');
  if (a.flags['figure'] !== undefined || a.flags['format'] !== undefined)
    throw new UsageError('--all writes every figure as SVG and PNG: leave out --figure and --format');
  const smoothingText = stringFlag(a, 'smoothing');
  const smoothing = smoothingText === undefined ? undefined : Number(smoothingText);
  if (smoothing !== undefined && !(Number.isFinite(smoothing) && smoothing >= 0 && smoothing < 1))
    throw new UsageError(`--smoothing must be a number in [0, 1), got "${smoothingText}"`);
  checkOutDir(resolve(outDir), id, a.flags['force'] === true);
  const backend = openExistingBackend(stringFlag(a, 'db'));
  try {
    await getRun(backend, id); // a missing run is the usual one-line failure
    const { exportAllRunFigures } = await import('../services/figure-export-all');
    const r = await exportAllRunFigures(
      viaDispatch(backend, ['runs.get', 'runs.metrics', 'analysis.spectral', 'analysis.pca', 'analysis.stored']),
      id,
      resolve(outDir),
      { smoothing, logX: a.flags['log-x'] === true },
    );
    if (r.files.length === 0)
      throw new CliFailure(`run ${id} has no figure to draw yet: ${r.skipped.map((s) => `${s.figure} (${s.reason})`).join('; ')}`);
    for (const f of r.files) err(`wrote ${f}`);
    for (const s of r.skipped) err(`skipped ${s.figure}: ${s.reason}`);
    return EXIT_OK;
  } finally {
    await backend.close();
  }
}

/** File name extensions that name a format: one of them on --out must agree with --format. */
const FORMAT_EXTENSIONS = new Set(['svg', 'png', 'csv', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'tif', 'tiff', 'pdf', 'json', 'tsv']);

function checkOutFile(path: string, format: string, force: boolean): void {
  const ext = extname(path).slice(1).toLowerCase();
  if (FORMAT_EXTENSIONS.has(ext) && ext !== format) {
    const fits = (FORMATS as readonly string[]).includes(ext) ? `--format ${ext}` : `a .${format} name`;
    throw new UsageError(`--format ${format} contradicts --out ${path}, whose name ends in .${ext}: use ${fits}`);
  }
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory())
    throw new UsageError(`--out ${path} is a folder; give a file name (or use --all --out DIR for every figure)`);
  if (!force) throw new UsageError(`--out ${path} already exists; add --force to overwrite it, or choose another name`);
}

/** `--all` writes run-<id>-<figure>.svg and .png; refuses when any such file is already in DIR. */
function checkOutDir(dir: string, id: number, force: boolean): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UsageError(`--out ${dir} is a file; --all needs a folder to write the figures to`);
  if (force) return;
  const prefix = `run-${id}-`;
  const clash = readdirSync(dir).filter((f) => f.startsWith(prefix) && /\.(svg|png)$/i.test(f));
  if (clash.length === 0) return;
  const shown =
    clash
      .slice(0, 3)
      .map((f) => join(dir, f))
      .join(', ') + (clash.length > 3 ? ', …' : '');
  const n = clash.length === 1 ? 'one figure file' : `${clash.length} figure files`;
  throw new UsageError(`${n} of run ${id} already exist in ${dir} (${shown}); add --force to overwrite them`);
}
