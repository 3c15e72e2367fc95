// grokscope list [--db PATH] [--json]
import { parseArgs, stringFlag } from './args';
import { callApi } from './call-api';
import { EXIT_OK } from './errors';
import { err, json, out } from './io';
import { openExistingBackend } from './open-backend';
import { runsTable } from './format';

export async function listCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs({ name: 'list', positionals: [], flags: { db: 'value', json: 'boolean' } }, argv);
  const backend = openExistingBackend(stringFlag(a, 'db'));
  try {
    const runs = await callApi(backend, 'runs.list', { includeDeleted: false });
    if (a.flags['json']) json(runs);
    else out(runsTable(runs));
    // the table marks them; say what is unreadable, on stderr so the table stays parseable
    for (const r of runs) if (r.damaged) err(`run ${r.id} is damaged: ${r.damaged}; it can only be shown or deleted`);
    return EXIT_OK;
  } finally {
    await backend.close();
  }
}
