import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openDatabase, DatabasePathError, DatabaseVersionError, NotGrokscopeDatabaseError } from '../../src/main/store/db';
import { APPLICATION_ID, migrate, MIGRATIONS, SCHEMA_VERSION, userVersion } from '../../src/main/store/migrations';
import { tempDir } from './store-helpers';

const tmp = tempDir('store-db');
afterAll(() => tmp.cleanup());

describe('openDatabase', () => {
  it('migrates an empty file to the current schema with every table', () => {
    const path = tmp.file('nested/folder/fresh.db');
    const db = openDatabase(path);
    expect(userVersion(db)).toBe(SCHEMA_VERSION);
    const tables = db
      .prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all();
    expect(tables.map((t) => t.name)).toEqual(['analyses', 'checkpoints', 'metric_buckets', 'metrics', 'runs', 'sweeps']);
    expect(tables.find((t) => t.name === 'metrics')!.sql).toMatch(/PRIMARY KEY \(run_id, name, step\)\s*\)\s*WITHOUT ROWID/);
    const runCols = db
      .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('runs')")
      .all()
      .map((c) => c.name);
    for (const c of [
      'id',
      'name',
      'config_json',
      'status',
      'seed',
      'backend',
      'backend_notes_json',
      'step',
      'total_steps',
      'created_at',
      'started_at',
      'finished_at',
      'error',
      'phases_json',
      'final_json',
      'deleted_at',
    ])
      expect(runCols).toContain(c);
    db.close();
  });

  it('turns on WAL, synchronous=NORMAL, foreign keys and a busy timeout', () => {
    const db = openDatabase(tmp.file('pragmas.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  it('reopens an existing database without migrating again and keeps its data', () => {
    const path = tmp.file('reopen.db');
    const a = openDatabase(path);
    a.prepare("INSERT INTO sweeps (name, config_json, status, created_at) VALUES ('s', '{}', 'queued', 'now')").run();
    a.close();
    const b = openDatabase(path);
    expect(userVersion(b)).toBe(SCHEMA_VERSION);
    expect(b.prepare('SELECT COUNT(*) AS n FROM sweeps').get()).toEqual({ n: 1 });
    b.close();
  });

  it('refuses a database written by a newer Grokscope, names it, and leaves it untouched', () => {
    const path = tmp.file('newer.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 7}`);
    raw.pragma(`application_id = ${APPLICATION_ID}`);
    raw.close();
    let err: unknown;
    try {
      openDatabase(path);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatabaseVersionError);
    const msg = (err as Error).message;
    expect(msg).toContain(path);
    expect(msg).toContain(`schema version ${SCHEMA_VERSION + 7}`);
    expect(msg).toMatch(/newer than this Grokscope understands \(\d+\)/);
    const check = new Database(path, { readonly: true });
    expect(userVersion(check)).toBe(SCHEMA_VERSION + 7);
    expect(check.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'runs'").get()).toEqual({ n: 0 });
    check.close();
  });

  it('says clearly when the file is not a database, and leaves it as it was', () => {
    const path = tmp.file('not-a-db.db');
    writeFileSync(path, 'this is a text file, long enough to have a header that is not SQLite format 3 at all'.repeat(20));
    const before = readFileSync(path);
    expect(() => openDatabase(path)).toThrow(NotGrokscopeDatabaseError);
    expect(() => openDatabase(path)).toThrow(/not-a-db\.db is not a Grokscope database \(it is not an SQLite file\)/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("refuses another program's SQLite file before writing a byte, and never calls it a newer Grokscope", () => {
    const cases: [string, (d: Database.Database) => void, RegExp][] = [
      [
        'tables.db',
        (d) => d.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES (1)'),
        /has no Grokscope tables/,
      ],
      ['app-id.db', (d) => d.pragma('application_id = 1234'), /its application id is 0x4d2/],
      ['user-version.db', (d) => d.pragma('user_version = 77'), /has no Grokscope tables/],
      ['wal.db', (d) => (d.pragma('journal_mode = WAL'), d.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY)')), /has no Grokscope tables/],
    ];
    for (const [name, make, why] of cases) {
      const path = tmp.file(name);
      const raw = new Database(path);
      make(raw);
      raw.close();
      const before = readFileSync(path);
      let err: unknown;
      try {
        openDatabase(path);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(NotGrokscopeDatabaseError);
      expect((err as Error).message).toContain(`${path} is not a Grokscope database`);
      expect((err as Error).message).toMatch(why);
      expect((err as Error).message).not.toMatch(/newer/);
      expect(readFileSync(path).equals(before), name).toBe(true);
      expect(existsSync(`${path}-wal`), name).toBe(false);
    }
  });

  it('stamps new databases and those of earlier versions with its application id, and initialises empty files', () => {
    const fresh = openDatabase(tmp.file('stamp-new.db'));
    expect(fresh.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    fresh.close();
    // a database written before the stamp: our tables and user_version, application id 0
    const old = tmp.file('stamp-old.db');
    const a = openDatabase(old);
    a.prepare("INSERT INTO sweeps (name, config_json, status, created_at) VALUES ('kept', '{}', 'done', 'now')").run();
    a.pragma('application_id = 0');
    a.close();
    const b = openDatabase(old);
    expect(b.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(b.prepare('SELECT name FROM sweeps').pluck().all()).toEqual(['kept']);
    b.close();
    for (const name of ['zero-bytes.db', 'empty-sqlite.db']) {
      const path = tmp.file(name);
      if (name === 'zero-bytes.db') writeFileSync(path, '');
      else new Database(path).close();
      const db = openDatabase(path);
      expect(userVersion(db)).toBe(SCHEMA_VERSION);
      db.close();
    }
  });

  it('with mustExist, refuses a missing file creating nothing; a folder is refused in a sentence', () => {
    const missing = tmp.file('typo/nothing-here.db');
    expect(() => openDatabase(missing, { mustExist: true })).toThrow(DatabasePathError);
    expect(() => openDatabase(missing, { mustExist: true })).toThrow(`no database at ${missing}`);
    expect(existsSync(tmp.file('typo'))).toBe(false);
    mkdirSync(tmp.file('a-folder.db'));
    expect(() => openDatabase(tmp.file('a-folder.db'))).toThrow(`${tmp.file('a-folder.db')} is a folder, not a database file`);
  });
});

describe('migrate', () => {
  it('runs each migration in a transaction: a failing one leaves the previous version and no partial tables', () => {
    const db = new Database(':memory:');
    const broken = [
      ...MIGRATIONS,
      {
        version: SCHEMA_VERSION + 1,
        name: 'broken',
        up(d: Database.Database) {
          d.exec('CREATE TABLE half_done (x INTEGER)');
          throw new Error('boom');
        },
      },
    ];
    expect(() => migrate(db, broken)).toThrow('boom');
    expect(userVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'half_done'").get()).toEqual({ n: 0 });
    expect(migrate(db)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    db.close();
  });
});
