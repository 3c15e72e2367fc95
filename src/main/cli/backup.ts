// grokscope export-run RUN --out FILE [--db PATH] [--json]
// grokscope import-run FILE [--db PATH] [--json]
// A run (config, metrics, checkpoints, analyses) to one file and back, into any database (see store/backup.ts).
import { resolve } from 'node:path';
import { openStore, type Store } from '../store';
import { BackupError, exportRun, importRuns } from '../store/backup';
import { parseArgs, runIdArg, stringFlag } from './args';
import { dbPathFrom } from './db-path';
import { EXIT_OK, UsageError } from './errors';
import { asCliError } from './open-backend';
import { err, json } from './io';

/** export-run only reads (`mustExist`: a mistyped --db creates nothing); import-run creates the database it fills. */
function open(dbFlag: string | undefined, mustExist: boolean): Store {
  try {
    return openStore(dbPathFrom(dbFlag), { mustExist });
  } catch (e) {
    throw asCliError(e);
  }
}

/** Problems with the run or the file named are the user's input (exit 2). */
const asUsage = <T>(f: () => T): T => {
  try {
    return f();
  } catch (e) {
    if (e instanceof BackupError) throw new UsageError(e.message);
    throw e;
  }
};

export async function exportRunCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs({ name: 'export-run', positionals: ['RUN'], flags: { db: 'value', out: 'value', json: 'boolean' } }, argv);
  const id = runIdArg(a.positionals['RUN']!);
  const out = stringFlag(a, 'out');
  if (!out) throw new UsageError('--out FILE is required: the file to write the run to');
  const store = open(stringFlag(a, 'db'), true);
  try {
    const s = asUsage(() => exportRun(store.db, id, resolve(out)));
    if (a.flags['json']) json(s);
    else
      err(
        `run ${id} → ${s.file} (${(s.bytes / 1024).toFixed(0)} KiB: ${Object.entries(s.rows)
          .map(([t, n]) => `${n} ${t}`)
          .join(', ')})`,
      );
    return EXIT_OK;
  } finally {
    store.close();
  }
}

export async function importRunCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs({ name: 'import-run', positionals: ['FILE'], flags: { db: 'value', json: 'boolean' } }, argv);
  const store = open(stringFlag(a, 'db'), false);
  try {
    const s = asUsage(() => importRuns(store.db, resolve(a.positionals['FILE']!)));
    if (a.flags['json']) json(s);
    else
      err(
        `imported into ${store.path} as run${s.runIds.length > 1 ? 's' : ''} ${s.runIds.join(', ')} (${Object.entries(s.rows)
          .map(([t, n]) => `${n} ${t}`)
          .join(', ')})`,
      );
    return EXIT_OK;
  } finally {
    store.close();
  }
}
