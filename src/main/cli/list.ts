// grokscope list [--db PATH] [--json]
import { parseArgs, stringFlag } from './args';
import { EXIT_OK } from './errors';
import { json, out } from './io';
import { openBackend } from './open-backend';
import { runsTable } from './format';

export async function listCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs({ name: 'list', positionals: [], flags: { db: 'value', json: 'boolean' } }, argv);
  const backend = openBackend(stringFlag(a, 'db'));
  try {
    const runs = await backend.handlers['runs.list']({ includeDeleted: false });
    if (a.flags['json']) json(runs);
    else out(runsTable(runs));
    return EXIT_OK;
  } finally {
    await backend.close();
  }
}
