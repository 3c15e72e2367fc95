// grokscope run FILE [--db PATH] [--backend auto|wasm|cpu|tensorflow] [--steps N] [--json]
import { RunConfigSchema, BACKENDS } from '../../shared/config/run-config';
import { problemsFromZod, formatProblem } from '../../shared/config/errors';
import type { RunDetail } from '../../shared/api/types';
import { choiceFlag, intFlag, parseArgs, stringFlag } from './args';
import { loadRunConfig } from './config-file';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './errors';
import { err, json, out } from './io';
import { openBackend } from './open-backend';
import { ProgressReporter } from './progress';
import { startRun } from './run-to-end';
import { fmtNum, fmtPct, fmtPhases } from './format';

/** The --json summary of a finished run. */
export function runSummaryJson(d: RunDetail, wallTimeS: number, dbPath: string) {
  const trainingTimeS =
    d.startedAt && d.finishedAt ? (Date.parse(d.finishedAt) - Date.parse(d.startedAt)) / 1000 : null;
  return {
    runId: d.id,
    name: d.name,
    status: d.status,
    error: d.error,
    backend: d.backend,
    backendNotes: d.backendNotes,
    steps: d.step,
    totalSteps: d.totalSteps,
    final: d.final,
    ...d.phases,
    wallTimeS: Math.round(wallTimeS * 1000) / 1000,
    trainingTimeS,
    db: dbPath,
  };
}

export async function runCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs(
    { name: 'run', positionals: ['FILE'], flags: { db: 'value', backend: 'value', steps: 'value', json: 'boolean' } },
    argv,
  );
  const file = a.positionals['FILE']!;
  let config = loadRunConfig(file);
  const steps = intFlag(a, 'steps', 1, 10_000_000);
  const backendChoice = choiceFlag(a, 'backend', BACKENDS);
  if (steps !== undefined || backendChoice !== undefined) {
    const r = RunConfigSchema.safeParse(
      {
        ...config,
        ...(backendChoice ? { backend: backendChoice } : {}),
        training: { ...config.training, ...(steps !== undefined ? { steps } : {}) },
      },
      { reportInput: true },
    );
    if (!r.success)
      throw new UsageError(
        `${file} with the command-line overrides is not valid`,
        problemsFromZod(r.error).map((p) => formatProblem(p)),
      );
    config = r.data;
  }

  const backend = openBackend(stringFlag(a, 'db'));
  let runId: number | null = null;
  let signals = 0;
  const reporter = new ProgressReporter(process.stderr, 'run');
  const cancel = () => {
    if (runId !== null) backend.handlers['runs.cancel']({ id: runId }).catch(() => undefined);
  };
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      reporter.note(`${sig}: cancelling${runId !== null ? ` run ${runId}` : ''} (again to stop at once)`);
      cancel();
    } else {
      reporter.note(`${sig}: stopping now`);
      void backend.close().finally(() => process.exit(EXIT_FAILURE));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const started = await startRun(backend, config, {
      onProgress: (p) => reporter.update(p.step, p.totalSteps, p.points),
      onStatus: (s) => {
        if (s.status === 'running') {
          const row = backend.store.runs.get(s.runId);
          const notes = row?.backendNotes.length ? ` (${row.backendNotes.join('; ')})` : '';
          reporter.note(`run ${s.runId}: training on ${row?.backend ?? '?'}${notes}`);
        } else if (s.status !== 'queued') reporter.note(`run ${s.runId}: ${s.status}${s.error ? `: ${s.error}` : ''}`);
      },
    });
    runId = started.id;
    reporter.label = `run ${runId}`;
    reporter.note(`run ${runId}: queued in ${backend.dbPath}`);
    if (signals > 0) cancel();
    const { detail, wallTimeS } = await started.finished;
    reporter.finish();
    if (a.flags['json']) json(runSummaryJson(detail, wallTimeS, backend.dbPath));
    else {
      out(`run ${detail.id} ${detail.status}: ${detail.step}/${detail.totalSteps} steps on ${detail.backend ?? '-'} in ${wallTimeS.toFixed(1)} s`);
      out(
        `  final   train loss ${fmtNum(detail.final.trainLoss)}, train acc ${fmtPct(detail.final.trainAcc)}, ` +
          `val loss ${fmtNum(detail.final.valLoss)}, val acc ${fmtPct(detail.final.valAcc)}`,
      );
      out(`  phases  ${fmtPhases(detail.phases)}`);
    }
    if (detail.status !== 'completed' && detail.error && a.flags['json']) err(`run ${detail.id} ${detail.status}: ${detail.error}`);
    return detail.status === 'completed' ? EXIT_OK : EXIT_FAILURE;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await backend.close();
  }
}
