// Follows one run in the foreground, shared by `grokscope run` and `grokscope resume`: progress on stderr, the summary
// on stdout (or --json), Ctrl-C, and the exit code (0 when the run completes, else 1).
// The first Ctrl-C (or SIGTERM) interrupts the run: its compute process checkpoints the current step and the run is
// stored `interrupted`, so `grokscope resume` continues it without losing a step. A second one stops at once (the run
// is still stored interrupted, from its last periodic checkpoint).
import type { RunDetail } from '../../shared/api/types';
import type { LocalBackend } from '../services/create-backend';
import { EXIT_FAILURE, EXIT_OK } from './errors';
import { fmtNum, fmtPct, fmtPhases } from './format';
import { err, json, out } from './io';
import { ProgressReporter } from './progress';
import type { RunHooks, StartedRun } from './run-to-end';
import { canResume, isTerminal } from '../../shared/api/run-status';

/** The command that continues a run, with --db when the user gave one (else the default database is meant). */
export const resumeCommandFor = (runId: number, dbPath: string, dbGiven: boolean): string =>
  `grokscope resume ${runId}${dbGiven ? ` --db ${/^[\w./-]+$/.test(dbPath) ? dbPath : JSON.stringify(dbPath)}` : ''}`;

/** The --json summary of a finished run. */
export function runSummaryJson(d: RunDetail, wallTimeS: number, dbPath: string, resumeCommand: string | null = null) {
  const trainingTimeS = d.startedAt && d.finishedAt ? (Date.parse(d.finishedAt) - Date.parse(d.startedAt)) / 1000 : null;
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
    ...(resumeCommand ? { resumeCommand } : {}),
  };
}

export interface ForegroundOptions {
  /** queues the run (create or resume) with the given hooks */
  begin(hooks: RunHooks): Promise<StartedRun>;
  /** known before begin() for a resumed run */
  runId?: number;
  json: boolean;
  /** whether --db was given, so the printed resume command names it */
  dbGiven: boolean;
}

export async function followInForeground(backend: LocalBackend, o: ForegroundOptions): Promise<number> {
  let runId: number | null = o.runId ?? null;
  let signal: NodeJS.Signals | null = null;
  let signals = 0;
  const reporter = new ProgressReporter(process.stderr, runId !== null ? `run ${runId}` : 'run');
  const interrupt = () => {
    if (runId !== null && signal !== null) backend.interrupt(runId, `by ${signal}`).catch(() => undefined);
  };
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      signal = sig;
      reporter.note(`${sig}: stopping${runId !== null ? ` run ${runId}` : ''} at its current step, resumable (again to stop at once)`);
      interrupt();
    } else {
      reporter.note(`${sig}: stopping now`);
      void backend.close().finally(() => process.exit(EXIT_FAILURE));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const started = await o.begin({
      onProgress: (p) => reporter.update(p.step, p.totalSteps, p.points),
      onStatus: (s) => {
        if (s.status === 'running') {
          const notes = s.backendNotes?.length ? ` (${s.backendNotes.join('; ')})` : '';
          reporter.note(`run ${s.runId}: training on ${s.backend ?? '?'} from step ${s.step ?? 0}${notes}`);
        } else if (s.status !== 'queued') reporter.note(`run ${s.runId}: ${s.status}${s.error ? `: ${s.error}` : ''}`);
      },
    });
    runId = started.id;
    reporter.label = `run ${runId}`;
    reporter.note(`run ${runId}: queued in ${backend.dbPath}`);
    if (signals > 0) interrupt();
    const { detail, wallTimeS } = await started.finished;
    reporter.finish();
    // checkpoints come in step order, as the run page reads them
    const resumable = isTerminal(detail.status) && canResume(detail.status, detail.checkpoints.at(-1)?.step, detail.totalSteps);
    const resume = resumable ? resumeCommandFor(detail.id, backend.dbPath, o.dbGiven) : null;
    if (o.json) json(runSummaryJson(detail, wallTimeS, backend.dbPath, resume));
    else {
      out(
        `run ${detail.id} ${detail.status}: ${detail.step}/${detail.totalSteps} steps on ${detail.backend ?? '-'} in ${wallTimeS.toFixed(1)} s`,
      );
      out(
        `  final   train loss ${fmtNum(detail.final.trainLoss)}, train acc ${fmtPct(detail.final.trainAcc)}, ` +
          `val loss ${fmtNum(detail.final.valLoss)}, val acc ${fmtPct(detail.final.valAcc)}`,
      );
      out(`  phases  ${fmtPhases(detail.phases)}`);
    }
    if (detail.status !== 'completed' && detail.error && o.json) err(`run ${detail.id} ${detail.status}: ${detail.error}`);
    if (resume) err(`run ${detail.id} can be continued from step ${detail.checkpoints.at(-1)!.step}: ${resume}`);
    return detail.status === 'completed' ? EXIT_OK : EXIT_FAILURE;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await backend.close();
  }
}
