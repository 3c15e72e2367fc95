// grokscope cancel RUN [--db PATH] [--json]: ends a run as cancelled. A run another Grokscope process trains right
// now (another terminal's `grokscope run`, `serve`, the app) is cancelled by that process, asked through the
// database; this command waits until it has. A cancelled run keeps its checkpoints: it can still be resumed.
import { ApiError } from '../../shared/api/contract';
import { parseArgs, runIdArg, stringFlag } from './args';
import { callApi } from './call-api';
import { CliFailure, EXIT_OK, UsageError } from './errors';
import { resumeCommandFor } from './foreground';
import { err, json, out } from './io';
import { openBackend } from './open-backend';
import { getRun } from './show';
import { canResume } from '../../shared/api/run-status';

export async function cancelCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs({ name: 'cancel', positionals: ['RUN'], flags: { db: 'value', json: 'boolean' } }, argv);
  const id = runIdArg(a.positionals['RUN']!);
  const dbFlag = stringFlag(a, 'db');
  const backend = openBackend(dbFlag);
  try {
    const before = await getRun(backend, id);
    try {
      await callApi(backend, 'runs.cancel', { id });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'conflict') throw new UsageError(`${e.message} (${backend.dbPath})`);
      if (e instanceof ApiError) throw new CliFailure(e.message);
      throw e;
    }
    const run = await getRun(backend, id);
    if (run.status !== 'cancelled') throw new CliFailure(`run ${id} ended ${run.status} before it could be cancelled`);
    const last = run.checkpoints.at(-1)?.step;
    const resumable = canResume(run.status, last, run.totalSteps);
    const resume = resumable ? resumeCommandFor(id, backend.dbPath, dbFlag !== undefined) : null;
    if (a.flags['json'])
      json({
        runId: id,
        status: run.status,
        was: before.status,
        step: run.step,
        totalSteps: run.totalSteps,
        resumeCommand: resume,
        db: backend.dbPath,
      });
    else out(`run ${id} cancelled at step ${run.step}/${run.totalSteps} (it was ${before.status})`);
    err(
      resume
        ? `run ${id} can still be resumed from step ${last}: ${resume}`
        : `run ${id} has no checkpoint before its last step, so it cannot be resumed`,
    );
    return EXIT_OK;
  } finally {
    await backend.close();
  }
}
