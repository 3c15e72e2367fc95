// npm run demo: the headless must-show. Trains examples/grok-fast.json (a config that groks in well under two minutes
// on a laptop CPU) in a compute process, stores it in the default database, writes its loss and accuracy curves as
// SVG and PNG into ./demo-output/, and prints the phase steps t2 (train accuracy reaches 100%) and t4 (validation
// accuracy reaches 100%): grokking is t4 far beyond t2.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadRunConfig } from '../src/main/cli/config-file';
import { openBackend } from '../src/main/cli/open-backend';
import { ProgressReporter } from '../src/main/cli/progress';
import { startRun } from '../src/main/cli/run-to-end';
import { UsageError, CliFailure } from '../src/main/cli/errors';
import { exportRunFigure } from '../src/main/services/figure-export';
import { figureMetrics } from '../src/shared/figures/curves';
import { downsampleMinMax } from '../src/shared/analysis/downsample';

const CONFIG = 'examples/grok-fast.json';
const OUT_DIR = resolve('demo-output');

async function demo(): Promise<number> {
  const config = loadRunConfig(CONFIG);
  const backend = openBackend(undefined);
  const reporter = new ProgressReporter(process.stderr, 'demo');
  let runId: number | null = null;
  const onSignal = () => {
    reporter.note('cancelling the demo run');
    if (runId !== null) backend.handlers['runs.cancel']({ id: runId }).catch(() => undefined);
  };
  process.once('SIGINT', onSignal);
  try {
    console.error(`training ${CONFIG} (database ${backend.dbPath})`);
    const started = await startRun(backend, config, {
      onProgress: (p) => reporter.update(p.step, p.totalSteps, p.points),
      onStatus: (s) => {
        if (s.status === 'running') reporter.note(`run ${s.runId}: training on ${backend.store.runs.get(s.runId)?.backend ?? '?'}`);
      },
    });
    runId = started.id;
    reporter.label = `run ${runId}`;
    const { detail, wallTimeS } = await started.finished;
    reporter.finish();
    if (detail.status !== 'completed') {
      console.error(`run ${detail.id} ${detail.status}${detail.error ? `: ${detail.error}` : ''}`);
      return 1;
    }

    mkdirSync(OUT_DIR, { recursive: true });
    const written: string[] = [];
    for (const figure of ['loss', 'accuracy'] as const) {
      const series = figureMetrics(figure).map((name) => {
        const s = backend.store.metrics.series(detail.id, name);
        return { name, ...downsampleMinMax(s.steps, s.values, 4000) };
      });
      for (const format of ['svg', 'png'] as const) {
        const { data } = await exportRunFigure(series, detail.phases, figure, format, {
          title: `run ${detail.id} · ${detail.task} · ${detail.model}`,
        });
        const file = join(OUT_DIR, `${figure}.${format}`);
        writeFileSync(file, data);
        written.push(file);
      }
    }

    const p = detail.phases;
    console.log(`run ${detail.id} completed on ${detail.backend} in ${wallTimeS.toFixed(1)} s (${detail.step} steps)`);
    console.log(`t2 = ${p.t2 ?? 'never'}  (train accuracy first 100%; 99% at ${p.t2_99 ?? 'never'})`);
    console.log(`t4 = ${p.t4 ?? 'never'}  (validation accuracy first 100%; 99% at ${p.t4_99 ?? 'never'})`);
    if (p.t2 !== null && p.t4 !== null)
      console.log(`t4 / t2 = ${(p.t4 / Math.max(1, p.t2)).toFixed(1)}: generalisation came long after memorisation`);
    console.log(`figures: ${written.join(', ')}`);
    return p.t4_99 === null ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    await backend.close();
  }
}

demo().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      console.error(e.message);
      for (const d of e.details) console.error(`  ${d}`);
      process.exitCode = 2;
    } else {
      console.error(`demo failed: ${e instanceof CliFailure || e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    }
  },
);
