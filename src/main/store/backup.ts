// Backup of single runs: export a run (its row and config, every metric, checkpoint and analysis) into one file, and
// import such a file into another database. The file is itself a Grokscope database holding just that run (same
// schema, same user_version), so it is versioned, checksummed page by page, readable with `--db FILE`, and copied
// with SQL instead of a serialisation of our own. Every table with a run_id column travels, so tables that later
// migrations add go along without changes here.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DatabaseOpenError, DatabaseVersionError, NotGrokscopeDatabaseError, openDatabase, readSqliteHeader, type Db } from './db';
import { readJsonColumn } from './json-columns';
import { APPLICATION_ID, SCHEMA_VERSION } from './migrations';

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

const ACTIVE = ['queued', 'running', 'paused'];
/** Columns of a run that name things outside it (its sweep, the process that trained it): not carried over. */
const STANDALONE = ['sweep_id', 'owner_host', 'owner_pid', 'owner_started', 'cancel_requested_at'];

/** The tables (other than runs) whose rows belong to a run, with the columns to copy (an INTEGER PRIMARY KEY id is
 *  left out so the receiving database numbers the rows itself). */
function runTables(db: Db, schema: string): { table: string; columns: string[] }[] {
  const tables = db
    .prepare(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'runs' ORDER BY name`)
    .pluck()
    .all() as string[];
  const out: { table: string; columns: string[] }[] = [];
  for (const table of tables) {
    const cols = db.prepare(`SELECT name, type, pk FROM pragma_table_info(?, ?)`).all(table, schema) as {
      name: string;
      type: string;
      pk: number;
    }[];
    if (!cols.some((c) => c.name === 'run_id')) continue;
    const rowidAlias =
      cols.filter((c) => c.pk > 0).length === 1 ? cols.find((c) => c.pk === 1 && c.type.toUpperCase() === 'INTEGER') : undefined;
    out.push({ table, columns: cols.filter((c) => c !== rowidAlias).map((c) => c.name) });
  }
  return out;
}

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

export interface ExportSummary {
  file: string;
  runId: number;
  rows: Record<string, number>;
  bytes: number;
}

/**
 * Writes run `runId` of `db` to `file` (which must not exist). The file appears only when complete: it is written
 * under a temporary name and renamed at the end.
 */
export function exportRun(db: Db, runId: number, file: string): ExportSummary {
  const run = db.prepare('SELECT status, deleted_at FROM runs WHERE id = ?').get(runId) as { status: string } | undefined;
  if (!run) throw new BackupError(`no run with id ${runId}`);
  if (ACTIVE.includes(run.status))
    throw new BackupError(`run ${runId} is ${run.status}; export it once it has finished, failed, been cancelled or interrupted`);
  if (existsSync(file)) throw new BackupError(`${file} exists already; choose a new file name`);
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  // Create the file with this version's schema, then fill it from the source through ATTACH.
  openDatabase(partial).close();
  const rows: Record<string, number> = {};
  try {
    db.prepare('ATTACH DATABASE ? AS backup').run(partial);
    try {
      db.transaction(() => {
        const runCols = db.prepare(`SELECT name FROM pragma_table_info('runs', 'main')`).pluck().all() as string[];
        // The export stands alone: no sweep, no owning process.
        const select = runCols.map((c) => (STANDALONE.includes(c) ? 'NULL' : q(c))).join(', ');
        db.prepare(`INSERT INTO backup.runs (${runCols.map(q).join(', ')}) SELECT ${select} FROM main.runs WHERE id = ?`).run(runId);
        rows['runs'] = 1;
        for (const { table, columns } of runTables(db, 'main')) {
          const cols = columns.map(q).join(', ');
          rows[table] = db
            .prepare(`INSERT INTO backup.${q(table)} (${cols}) SELECT ${cols} FROM main.${q(table)} WHERE run_id = ?`)
            .run(runId).changes;
        }
      })();
    } finally {
      db.prepare('DETACH DATABASE backup').run();
    }
    // One self-contained file: fold the write-ahead log in and leave no -wal/-shm beside it.
    const out = new Database(partial);
    out.pragma('journal_mode = DELETE');
    out.close();
    renameSync(partial, file);
  } catch (e) {
    rmSync(partial, { force: true });
    rmSync(`${partial}-wal`, { force: true });
    rmSync(`${partial}-shm`, { force: true });
    throw e;
  }
  const bytes = new Database(file, { readonly: true });
  const size = (bytes.pragma('page_count', { simple: true }) as number) * (bytes.pragma('page_size', { simple: true }) as number);
  bytes.close();
  return { file, runId, rows, bytes: size };
}

export interface ImportSummary {
  /** the new ids of the imported runs, in the order of their ids in the file */
  runIds: number[];
  rows: Record<string, number>;
}

/** Refuses, before a byte is copied, what cannot be an export: a folder, device or pipe (reading one would never end
 *  or never stop growing), or a file that does not start with the SQLite header. */
function checkImportFile(file: string): void {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new BackupError(`${file}: no such file`);
    throw new BackupError(`${file}: cannot read it (${(e as Error).message})`);
  }
  if (st.isDirectory()) throw new BackupError(`${file} is a folder; give a run file written by grokscope export-run`);
  if (!st.isFile())
    throw new BackupError(`${file} is not a regular file (a device, pipe or socket); give a run file written by grokscope export-run`);
  let header;
  try {
    header = readSqliteHeader(file);
  } catch (e) {
    throw new BackupError(`${file}: cannot read it (${(e as Error).message})`);
  }
  if (!header.sqlite) throw new BackupError(`${file} is not a Grokscope database: it is not an SQLite file (no "SQLite format 3" header)`);
  if (header.applicationId !== 0 && header.applicationId !== APPLICATION_ID)
    throw new BackupError(
      `${file} is not a Grokscope database: it belongs to another program (application id 0x${header.applicationId.toString(16)})`,
    );
}

/** The first unreadable value of any *_json column of the runs and of every table that travels with them, in words
 *  naming the run and the column; null when all are readable. Shapes are checked where known (json-columns.ts). */
function firstDamagedJson(src: Db): string | null {
  const runColumns = src.prepare(`SELECT name FROM pragma_table_info('runs')`).pluck().all() as string[];
  const tables = [{ table: 'runs', columns: runColumns }, ...runTables(src, 'main')];
  for (const { table, columns } of tables) {
    const runCol = table === 'runs' ? 'id' : 'run_id';
    for (const column of columns.filter((c) => c.endsWith('_json'))) {
      const stmt = src.prepare(`SELECT ${q(runCol)} AS run, ${q(column)} AS value FROM ${q(table)} ORDER BY ${q(runCol)}`);
      for (const row of stmt.iterate() as Iterable<{ run: number; value: unknown }>) {
        const got = readJsonColumn(table, column, row.value);
        if ('problem' in got) return `run ${row.run}: ${table}.${column} ${got.problem}`;
      }
    }
  }
  return null;
}

/**
 * Copies every run in `file` (an export, or any Grokscope database) into `db`, with new run ids. The file is not
 * modified: an older schema is migrated in a temporary copy; a newer one is refused. All or nothing: one transaction.
 */
export function importRuns(db: Db, file: string): ImportSummary {
  checkImportFile(file);
  const copy = join(tmpdir(), `grokscope-import-${process.pid}-${Date.now()}.db`);
  try {
    copyFileSync(file, copy);
    for (const ext of ['-wal']) if (existsSync(file + ext)) copyFileSync(file + ext, copy + ext);
    let src: Db;
    try {
      src = openDatabase(copy); // migrates an older export; refuses a newer one
    } catch (e) {
      if (e instanceof DatabaseVersionError)
        throw new BackupError(
          `${file} was written by a newer Grokscope (schema version ${e.found}, this one reads up to ${SCHEMA_VERSION}); upgrade to import it`,
        );
      if (e instanceof NotGrokscopeDatabaseError) throw new BackupError(`${file} is not a Grokscope database: ${e.why}`);
      if (e instanceof DatabaseOpenError)
        throw new BackupError(`${file} is not a Grokscope export: ${e.message.replace(/^cannot open the database \S+: /, '')}`);
      throw e;
    }
    try {
      const check = src.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new BackupError(`${file} is damaged: ${String(check)}`);
      if ((src.prepare('SELECT COUNT(*) FROM runs').pluck().get() as number) === 0) throw new BackupError(`${file} holds no runs`);
      const damage = firstDamagedJson(src);
      if (damage) throw new BackupError(`${file}: ${damage}; nothing was imported`);
    } finally {
      src.close();
    }
  } catch (e) {
    rmSync(copy, { force: true });
    rmSync(`${copy}-wal`, { force: true });
    rmSync(`${copy}-shm`, { force: true });
    throw e;
  }

  const rows: Record<string, number> = {};
  const runIds: number[] = [];
  try {
    db.prepare('ATTACH DATABASE ? AS import').run(copy);
    try {
      db.transaction(() => {
        const theirs = runTables(db, 'import');
        const ours = new Map(runTables(db, 'main').map((t) => [t.table, t.columns]));
        const runCols = (db.prepare(`SELECT name FROM pragma_table_info('runs', 'main')`).pluck().all() as string[]).filter(
          (c) => c !== 'id',
        );
        const ids = db.prepare('SELECT id FROM import.runs ORDER BY id').pluck().all() as number[];
        const insertRun = db.prepare(
          `INSERT INTO main.runs (${runCols.map(q).join(', ')}) SELECT ${runCols
            .map((c) =>
              STANDALONE.includes(c)
                ? 'NULL'
                : c === 'status'
                  ? `CASE WHEN status IN ('queued', 'running', 'paused') THEN 'interrupted' ELSE status END`
                  : q(c),
            )
            .join(', ')} FROM import.runs WHERE id = ?`,
        );
        for (const old of ids) {
          const id = Number(insertRun.run(old).lastInsertRowid);
          runIds.push(id);
          rows['runs'] = (rows['runs'] ?? 0) + 1;
          for (const { table, columns } of theirs) {
            const mine = ours.get(table);
            if (!mine) continue; // a table this version does not have cannot exist after migrating: defensive only
            const cols = columns.filter((c) => mine.includes(c));
            const select = cols.map((c) => (c === 'run_id' ? '?' : q(c))).join(', ');
            const n = db
              .prepare(`INSERT INTO main.${q(table)} (${cols.map(q).join(', ')}) SELECT ${select} FROM import.${q(table)} WHERE run_id = ?`)
              .run(id, old).changes;
            rows[table] = (rows[table] ?? 0) + n;
          }
        }
      })();
    } finally {
      db.prepare('DETACH DATABASE import').run();
    }
  } finally {
    rmSync(copy, { force: true });
    rmSync(`${copy}-wal`, { force: true });
    rmSync(`${copy}-shm`, { force: true });
  }
  return { runIds, rows };
}

/** A hash of every row of every table and the schema version: equal hashes, equal stored content. */
export function contentHash(db: Db): string {
  const h = createHash('sha256');
  h.update(`user_version=${String(db.pragma('user_version', { simple: true }))}\n`);
  const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
    name: string;
    sql: string;
  }[];
  for (const t of tables) {
    h.update(`${t.sql}\n`);
    for (const row of db
      .prepare(`SELECT * FROM ${q(t.name)}`)
      .raw(true)
      .iterate() as Iterable<unknown[]>)
      h.update(JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)) + '\n');
  }
  return h.digest('hex');
}
