// grokscope resume RUN [--db PATH] [--json]: continues an interrupted, failed or cancelled run (a sweep cell the
// policy held is cancelled with a checkpoint) from its last checkpoint, in the foreground, as `grokscope run` does.
import { ApiError } from '../../shared/api/contract';
import { parseArgs, runIdArg, stringFlag } from './args';
import { UsageError } from './errors';
import { followInForeground } from './foreground';
import { openBackend } from './open-backend';
import { resumeRun } from './run-to-end';
import { getRun } from './show';

export async function resumeCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs({ name: 'resume', positionals: ['RUN'], flags: { db: 'value', json: 'boolean' } }, argv);
  const id = runIdArg(a.positionals['RUN']!);
  const backend = openBackend(stringFlag(a, 'db'));
  let following = false;
  try {
    const run = await getRun(backend, id);
    if (run.status === 'completed' || run.status === 'diverged')
      throw new UsageError(`run ${id} in ${backend.dbPath} is ${run.status}; there is nothing to resume`);
    following = true;
    return await followInForeground(backend, {
      runId: id,
      begin: async (hooks) => {
        try {
          return await resumeRun(backend, id, hooks);
        } catch (e) {
          // the scheduler's refusals (no checkpoint, another process trains it, deleted) are the caller's input
          if (e instanceof ApiError && (e.code === 'conflict' || e.code === 'not_found'))
            throw new UsageError(`${e.message} (${backend.dbPath})`);
          throw e;
        }
      },
      json: a.flags['json'] === true,
      dbGiven: stringFlag(a, 'db') !== undefined,
    });
  } finally {
    if (!following) await backend.close();
  }
}
