// Opens the back end on the CLI's database; database problems become a clear one-line failure (exit 1).
import { createChildLauncher } from '../host/child-launcher';
import { createBackend, type LocalBackend } from '../services/create-backend';
import { DatabaseOpenError, DatabaseVersionError } from '../store';
import { CliFailure } from './errors';
import { dbPathFrom } from './db-path';

/** `workers`: compute processes kept busy (1 for a single run; sweeps and the server use more). */
export function openBackend(dbFlag: string | undefined, mode: 'electron' | 'browser' = 'browser', workers = 1, continueSweeps = false): LocalBackend {
  const dbPath = dbPathFrom(dbFlag);
  try {
    return createBackend({ dbPath, launcher: createChildLauncher(), maxConcurrent: workers, mode, continueSweeps });
  } catch (e) {
    if (e instanceof DatabaseOpenError || e instanceof DatabaseVersionError) throw new CliFailure(e.message);
    throw e;
  }
}
