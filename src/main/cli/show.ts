// grokscope show RUN [--db PATH] [--json]
import { ApiError } from '../../shared/api/contract';
import type { RunDetail } from '../../shared/api/types';
import type { LocalBackend } from '../services/create-backend';
import { parseArgs, runIdArg, stringFlag } from './args';
import { callApi } from './call-api';
import { EXIT_OK, UsageError } from './errors';
import { json, out } from './io';
import { openExistingBackend } from './open-backend';
import { runDetailText } from './format';

/** A run by id, or invalid input naming the database when there is none. */
export async function getRun(backend: LocalBackend, id: number): Promise<RunDetail> {
  try {
    return await callApi(backend, 'runs.get', { id });
  } catch (e) {
    if (e instanceof ApiError && e.code === 'not_found') throw new UsageError(`no run with id ${id} in ${backend.dbPath}`);
    throw e;
  }
}

export async function showCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs({ name: 'show', positionals: ['RUN'], flags: { db: 'value', json: 'boolean' } }, argv);
  const id = runIdArg(a.positionals['RUN']!);
  const backend = openExistingBackend(stringFlag(a, 'db'));
  try {
    const run = await getRun(backend, id);
    if (a.flags['json']) json(run);
    else out(runDetailText(run));
    return EXIT_OK;
  } finally {
    await backend.close();
  }
}
