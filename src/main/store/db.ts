// Opens the Grokscope database: WAL (readers never block the writer), synchronous=NORMAL (durable at checkpoints,
// safe against corruption; a power cut can lose the last few hundred ms of metrics, never the file), foreign keys on,
// and a busy timeout so a second process (CLI beside the app) waits instead of failing.
// An existing file is checked to be ours before anything is written to it: another program's SQLite file (or any
// other file) named by mistake is refused byte for byte untouched.
import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { APPLICATION_ID, applicationId, migrate, SCHEMA_VERSION, userVersion } from './migrations';

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

/** The path names no usable database (missing where it must exist, a folder, unreadable): the caller's input. */
export class DatabasePathError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'DatabasePathError';
  }
}

/** An existing file that is not a Grokscope database: another program's SQLite file, or not SQLite at all. */
export class NotGrokscopeDatabaseError extends DatabasePathError {
  constructor(
    path: string,
    /** e.g. "it has no Grokscope tables" */
    readonly why: string,
  ) {
    super(path, `${path} is not a Grokscope database (${why}); it was left unchanged: choose another file (--db PATH or GROKSCOPE_DB)`);
    this.name = 'NotGrokscopeDatabaseError';
  }
}

export interface OpenOptions {
  /** milliseconds a statement waits for another connection's lock (default 5000) */
  busyTimeoutMs?: number;
  readonly?: boolean;
  /** refuse (DatabasePathError "no database at PATH") instead of creating a missing file and its folder */
  mustExist?: boolean;
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** The first 100 bytes of an SQLite file hold its header; application_id is the big-endian word at offset 68. */
export function readSqliteHeader(path: string): { sqlite: boolean; applicationId: number } {
  const buf = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, buf, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  const sqlite = n === 100 && buf.subarray(0, 16).equals(SQLITE_MAGIC);
  return { sqlite, applicationId: sqlite ? buf.readUInt32BE(68) : 0 };
}

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

/** Size of the file at `path` (-1: none), refusing what cannot be a database file with a sentence naming it. */
function checkPath(path: string, opts: OpenOptions): number {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new DatabasePathError(path, `${path} is a folder, not a database file: give the file's path (--db PATH)`);
    if (!st.isFile()) throw new DatabasePathError(path, `${path} is not a regular file, so it cannot be a database`);
    size = st.size;
  } catch (e) {
    if (e instanceof DatabasePathError) throw e;
    if (errno(e) === 'ENOENT') size = -1;
    else if (errno(e) === 'ENOTDIR')
      throw new DatabasePathError(path, `no database at ${path}: a part of the path is a file, not a folder`);
    else if (errno(e) === 'EACCES') throw new DatabasePathError(path, `cannot read ${path}: permission denied`);
    else throw new DatabaseOpenError(path, (e as Error).message);
  }
  if (size < 0 && (opts.mustExist || opts.readonly))
    throw new DatabasePathError(path, `no database at ${path} (check --db PATH or GROKSCOPE_DB; commands that store runs create it)`);
  if (size < 0) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      const why = errno(e) === 'EACCES' ? 'permission denied' : (e as Error).message;
      throw new DatabasePathError(path, `cannot create the database ${path}: ${why}`);
    }
  }
  return size;
}

/** The columns every Grokscope runs table has had since the first schema. */
const RUNS_COLUMNS = [
  'id',
  'name',
  'config_json',
  'status',
  'seed',
  'backend_notes_json',
  'total_steps',
  'created_at',
  'phases_json',
  'final_json',
];

/**
 * Decides, reading only, whether an SQLite file whose header does not carry our application id is ours: an empty one
 * (no schema at all) is ours to initialise; one from before databases were stamped has a user_version we know and
 * our runs table. Anything else belongs to another program.
 */
function assertOurs(db: Db, path: string): void {
  const appId = applicationId(db);
  if (appId === APPLICATION_ID) return;
  if (appId !== 0) throw new NotGrokscopeDatabaseError(path, `its application id is 0x${(appId >>> 0).toString(16)}`);
  const found = userVersion(db);
  const objects = db.prepare('SELECT COUNT(*) FROM sqlite_master').pluck().get() as number;
  if (found === 0 && objects === 0) return;
  const runCols = db.prepare("SELECT name FROM pragma_table_info('runs')").pluck().all() as string[];
  const hasRuns = RUNS_COLUMNS.every((c) => runCols.includes(c));
  if (found >= 1 && found <= SCHEMA_VERSION && hasRuns) return;
  const why = hasRuns ? `its schema version ${found} is not one Grokscope wrote` : 'it has no Grokscope tables';
  throw new NotGrokscopeDatabaseError(path, why);
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Switches to WAL. Changing the journal mode needs the file to itself, and SQLite may answer "database is locked" (or
 * keep the old mode) at once instead of waiting out busy_timeout while another process opens the same new file: so
 * this retries until the timeout.
 */
function enableWal(db: Db, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (db.pragma('journal_mode', { simple: true }) === 'wal' || db.pragma('journal_mode = WAL', { simple: true }) === 'wal') return;
    } catch (e) {
      if (!/SQLITE_BUSY|SQLITE_LOCKED/.test(errno(e) ?? '') || Date.now() >= deadline) throw e;
    }
    if (Date.now() >= deadline) throw new Error('could not switch to WAL: another process holds the database');
    sleep(10 + Math.random() * 20);
  }
}

/** Opens (creating folder and file if needed) and migrates the database at `path` (':memory:' works too). */
export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  const busyMs = Math.trunc(opts.busyTimeoutMs ?? 5000);
  const size = path === ':memory:' ? -1 : checkPath(path, opts);
  let stamped = false;
  if (size > 0) {
    let header: { sqlite: boolean; applicationId: number };
    try {
      header = readSqliteHeader(path);
    } catch (e) {
      if (errno(e) === 'EACCES') throw new DatabasePathError(path, `cannot read ${path}: permission denied`);
      throw new DatabaseOpenError(path, (e as Error).message);
    }
    if (!header.sqlite) throw new NotGrokscopeDatabaseError(path, 'it is not an SQLite file');
    if (header.applicationId !== 0 && header.applicationId !== APPLICATION_ID)
      throw new NotGrokscopeDatabaseError(path, `its application id is 0x${header.applicationId.toString(16)}`);
    stamped = header.applicationId === APPLICATION_ID;
  }
  let db: Db;
  try {
    db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (e) {
    throw new DatabaseOpenError(path, (e as Error).message);
  }
  try {
    db.pragma(`busy_timeout = ${busyMs}`);
    // Before anything is written: the file must be ours, and not of a newer schema than this code understands.
    if (size > 0 && !stamped) assertOurs(db, path);
    const found = userVersion(db);
    if (found > SCHEMA_VERSION) throw new DatabaseVersionError(path, found, SCHEMA_VERSION);
    if (!opts.readonly) {
      enableWal(db, busyMs);
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    if (!opts.readonly) migrate(db);
    else if (found < SCHEMA_VERSION) throw new DatabaseOpenError(path, `schema version ${found} needs migrating; open it writable once`);
  } catch (e) {
    db.close();
    if (e instanceof DatabaseVersionError || e instanceof DatabaseOpenError || e instanceof DatabasePathError) throw e;
    // e.g. "file is not a database", "database disk image is malformed"
    throw new DatabaseOpenError(path, (e as Error).message);
  }
  return db;
}
