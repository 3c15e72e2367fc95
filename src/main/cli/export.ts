// grokscope export RUN --figure NAME --format svg|png|csv --out FILE [--db PATH]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FIGURES, figureMetrics, type FigureName } from '../../shared/figures/curves';
import { downsampleMinMax } from '../../shared/analysis/downsample';
import type { MetricSeries } from '../../shared/api/types';
import { choiceFlag, parseArgs, runIdArg, stringFlag } from './args';
import { EXIT_OK, UsageError, CliFailure } from './errors';
import { err } from './io';
import { openBackend } from './open-backend';
import { getRun } from './show';

const FORMATS = ['svg', 'png', 'csv'] as const;
/** Points per series in a drawn figure: min-max thinning keeps every spike, and 4000 is beyond any figure's pixels. */
const FIGURE_POINTS = 4000;

export async function exportCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs(
    { name: 'export', positionals: ['RUN'], flags: { figure: 'value', format: 'value', out: 'value', db: 'value' } },
    argv,
  );
  const id = runIdArg(a.positionals['RUN']!);
  const figure = choiceFlag(a, 'figure', FIGURES);
  const format = choiceFlag(a, 'format', FORMATS);
  const outFile = stringFlag(a, 'out');
  const missing = [!figure && '--figure NAME', !format && '--format svg|png|csv', !outFile && '--out FILE'].filter(Boolean);
  if (missing.length) throw new UsageError(`"grokscope export" needs ${missing.join(', ')}; see "grokscope export --help"`);

  const backend = openBackend(stringFlag(a, 'db'));
  try {
    const run = await getRun(backend, id);
    const names = figureMetrics(figure as FigureName, backend.store.metrics.names(id));
    const series: MetricSeries[] = names.map((name) => {
      const s = backend.store.metrics.series(id, name);
      if (format === 'csv') return { name, steps: s.steps, values: s.values, downsampled: false };
      const d = downsampleMinMax(s.steps, s.values, FIGURE_POINTS);
      return { name, ...d };
    });
    if (series.every((s) => s.steps.length === 0))
      throw new CliFailure(`run ${id} has no ${names.join(' or ') || `${figure} metrics`} points yet (status ${run.status})`);
    // Loaded on demand: echarts and resvg are heavy and only this command needs them.
    const { exportRunFigure } = await import('../services/figure-export');
    const { data } = await exportRunFigure(series, run.phases, figure!, format!, { title: `run ${id} · ${run.task} · ${run.model}` });
    const path = resolve(outFile!);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
    err(`wrote ${path} (${figure} of run ${id}, ${format}, ${Buffer.byteLength(data)} bytes)`);
    return EXIT_OK;
  } finally {
    await backend.close();
  }
}
