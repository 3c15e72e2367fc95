// Opens the Grokscope database: WAL (readers never block the writer), synchronous=NORMAL (durable at checkpoints,
// safe against corruption; a power cut can lose the last few hundred ms of metrics, never the file), foreign keys on,
// and a busy timeout so a second process (CLI beside the app) waits instead of failing.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate, SCHEMA_VERSION, userVersion } from './migrations';

export type Db = Database.Database;

export class DatabaseVersionError extends Error {
  constructor(
    readonly path: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `the database ${path} has schema version ${found}, newer than this Grokscope understands (${supported}); ` +
        `it was written by a newer Grokscope: upgrade, or use another database (--db PATH or GROKSCOPE_DB)`,
    );
    this.name = 'DatabaseVersionError';
  }
}

export class DatabaseOpenError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`cannot open the database ${path}: ${reason}`);
    this.name = 'DatabaseOpenError';
  }
}

export interface OpenOptions {
  /** milliseconds a statement waits for another connection's lock (default 5000) */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

/** Opens (creating folder and file if needed) and migrates the database at `path` (':memory:' works too). */
export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  if (path !== ':memory:' && !opts.readonly) mkdirSync(dirname(path), { recursive: true });
  let db: Db;
  try {
    db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (e) {
    throw new DatabaseOpenError(path, (e as Error).message);
  }
  try {
    db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5000)}`);
    // Check the version before touching anything else: a newer schema must not be modified by older code.
    const found = userVersion(db);
    if (found > SCHEMA_VERSION) throw new DatabaseVersionError(path, found, SCHEMA_VERSION);
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    if (!opts.readonly) migrate(db);
    else if (found < SCHEMA_VERSION) throw new DatabaseOpenError(path, `schema version ${found} needs migrating; open it writable once`);
  } catch (e) {
    db.close();
    if (e instanceof DatabaseVersionError || e instanceof DatabaseOpenError) throw e;
    // e.g. "file is not a database"
    throw new DatabaseOpenError(path, (e as Error).message);
  }
  return db;
}
