// Opens the back end on the CLI's database. A path that names no usable database (missing for a command that only
// reads, a folder, another program's file) is the user's input (exit 2); other database problems fail (exit 1).
import { createChildLauncher } from '../host/child-launcher';
import { createBackend, type BackendOptions, type LocalBackend } from '../services/create-backend';
import { DatabaseOpenError, DatabasePathError, DatabaseVersionError } from '../store';
import { CliFailure, UsageError } from './errors';
import { dbPathFrom } from './db-path';

/** Database errors as the CLI reports them; anything else is rethrown as it is. */
export function asCliError(e: unknown): unknown {
  if (e instanceof DatabasePathError) return new UsageError(e.message);
  if (e instanceof DatabaseOpenError || e instanceof DatabaseVersionError) return new CliFailure(e.message);
  return e;
}

/** `workers`: compute processes kept busy (1 for a single run; sweeps and the server use more). */
export function openBackend(
  dbFlag: string | undefined,
  mode: 'electron' | 'browser' = 'browser',
  workers = 1,
  continueSweeps = false,
  sweepExecutor?: BackendOptions['sweepExecutor'],
): LocalBackend {
  return open(dbFlag, { mode, workers, continueSweeps, mustExist: false, ...(sweepExecutor ? { sweepExecutor } : {}) });
}

/** For commands that only read (list, show, export, analyze): a mistyped --db creates no folder and no file. */
export function openExistingBackend(dbFlag: string | undefined): LocalBackend {
  return open(dbFlag, { mode: 'browser', workers: 1, continueSweeps: false, mustExist: true });
}

interface OpenChoices {
  mode: 'electron' | 'browser';
  workers: number;
  continueSweeps: boolean;
  mustExist: boolean;
  /** --redis: sweep cells go to workers on Redis */
  sweepExecutor?: BackendOptions['sweepExecutor'];
}

function open(dbFlag: string | undefined, o: OpenChoices): LocalBackend {
  const dbPath = dbPathFrom(dbFlag);
  try {
    const { mode, continueSweeps, mustExist } = o;
    const remote = o.sweepExecutor ? { sweepExecutor: o.sweepExecutor } : {};
    return createBackend({ dbPath, launcher: createChildLauncher(), maxConcurrent: o.workers, mode, continueSweeps, mustExist, ...remote });
  } catch (e) {
    throw asCliError(e);
  }
}
