// Databases and run files that are not what they claim, generated: other programs' SQLite files (random tables,
// application ids, user versions, journal modes) and random bytes must be refused as "not a Grokscope database" and
// stay byte for byte as they were; exported run files with one JSON column damaged (truncated, wrong shape, `x`,
// empty, numbers past a double) must be refused naming the run and the column, leaving the target's content unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { seededRandom, type SeededRandom } from '../../src/shared/analysis/rng';
import { openDatabase, NotGrokscopeDatabaseError } from '../../src/main/store/db';
import { APPLICATION_ID } from '../../src/main/store/migrations';
import { openStore, type Store } from '../../src/main/store';
import { BackupError, contentHash, exportRun, importRuns } from '../../src/main/store/backup';
import { OWNER, smallConfig, tempDir } from './store-helpers';

const tmp = tempDir('fuzz-db');
afterAll(() => tmp.cleanup());

const pick = <T>(rng: SeededRandom, xs: readonly T[]): T => xs[rng.int(xs.length)]!;
const NAMES = ['runs', 'sweeps', 'notes', 'photo', 'metrics', 'cache', 'kv', 'user'];
const word = (rng: SeededRandom) => pick(rng, NAMES) + (rng.next() < 0.5 ? '' : String(rng.int(100)));

/** Another program's SQLite file: 0-4 random tables with rows; a random application id (never ours) and
 *  user_version; WAL or a rollback journal. A file with neither tables nor marks would be an empty database, ours to
 *  initialise, so it always carries one or the other. */
function foreignSqlite(rng: SeededRandom, path: string): void {
  const db = new Database(path);
  if (rng.next() < 0.5) db.pragma('journal_mode = WAL');
  const tables = new Set(Array.from({ length: rng.int(5) }, () => word(rng)));
  for (const t of tables) {
    const cols = Array.from({ length: 1 + rng.int(4) }, (_, i) => `${pick(rng, ['id', 'name', 'config_json', 'value', 'status'])}_${i}`);
    db.exec(`CREATE TABLE "${t}" (${cols.map((c) => `"${c}" ${pick(rng, ['TEXT', 'INTEGER', 'BLOB', 'REAL', ''])}`).join(', ')})`);
    const ins = db.prepare(`INSERT INTO "${t}" VALUES (${cols.map(() => '?').join(', ')})`);
    for (let r = rng.int(20); r > 0; r--) ins.run(...cols.map(() => pick(rng, [rng.int(1e6), `v${rng.next()}`, null, rng.next()])));
  }
  let appId = rng.next() < 0.5 ? 0 : 1 + rng.int(0x7fffffff);
  if (appId === APPLICATION_ID) appId++;
  let version = pick(rng, [0, 0, 1, 2, 3, 7, 99, 1 + rng.int(1 << 30)]);
  if (tables.size === 0 && appId === 0 && version === 0) version = 1 + rng.int(50);
  db.pragma(`application_id = ${appId}`);
  db.pragma(`user_version = ${version}`);
  db.close();
}

/** Bytes that are not SQLite: random, text, or a cut-short SQLite header. */
function notSqlite(rng: SeededRandom, path: string): void {
  const n = 1 + rng.int(8192);
  const bytes = Buffer.from(Array.from({ length: n }, () => rng.int(256)));
  const kind = rng.int(3);
  if (kind === 1) bytes.fill('grokscope runs\n');
  if (kind === 2) Buffer.from('SQLite format 3\0').copy(bytes, 0, 0, Math.min(n, 1 + rng.int(15)));
  writeFileSync(path, bytes);
}

describe('foreign files given as the database', () => {
  it('are refused as not a Grokscope database and left byte for byte as they were', () => {
    const rng = seededRandom(20260107);
    for (let i = 0; i < 120; i++) {
      const path = tmp.file(`foreign-${i}.db`);
      if (i % 3 === 2) notSqlite(rng, path);
      else foreignSqlite(rng, path);
      const bytes = readFileSync(path);
      let err: unknown;
      try {
        openDatabase(path).close();
      } catch (e) {
        err = e;
      }
      expect(err, `file ${i}`).toBeInstanceOf(NotGrokscopeDatabaseError);
      expect((err as Error).message).toContain(`${path} is not a Grokscope database`);
      expect((err as Error).message).not.toMatch(/newer/);
      expect(readFileSync(path).equals(bytes), `file ${i} changed`).toBe(true);
      expect(existsSync(`${path}-wal`), `file ${i} got a -wal`).toBe(false);
    }
  });
});

describe('run files with a damaged JSON column', () => {
  let source: Store;
  let target: Store;
  let file: string;
  beforeAll(() => {
    source = openStore(tmp.file('source.db'));
    const id = source.runs.insert({ name: 'exported', config: smallConfig(), createdAt: 't', owner: OWNER });
    source.metrics.insertBatch(id, [
      ['val_acc', 0, 0.1],
      ['val_acc', 10, 0.9],
    ]);
    source.analyses.save(id, 'spectral', { window: 64 }, { energy: 1.5, hjorth: [1, 2, 3] }, 't');
    const phases = { t1: 1, t2: 2, t3: null, t4: null, t2_99: null, t4_99: null };
    source.runs.setProgress(id, 10, phases, { trainLoss: 0.1, trainAcc: 1, valLoss: 2, valAcc: 0.3 });
    source.runs.setStatus(id, 'completed', { step: 10, backend: 'wasm', backendNotes: ['one thread'] });
    file = tmp.file('run.grokscope');
    exportRun(source.db, id, file);
    target = openStore(tmp.file('target.db'));
    target.runs.insert({ name: 'already here', config: smallConfig(), createdAt: 't', owner: OWNER });
  });
  afterAll(() => {
    source.close();
    target.close();
  });

  /** Damage for a column: anything that is not JSON or holds a number past a double, and, where the column's shape
   *  is known, valid JSON of another shape. */
  const damage = (rng: SeededRandom, column: string, original: string): string => {
    const shaped: Record<string, string[]> = {
      'runs.config_json': ['{}', '[]', '1', '"x"', original.replace(/"p":\s*\d+/, '"p": -3'), original.replace(/"task":/, '"tusk":')],
      'runs.backend_notes_json': ['{}', '"note"', '[1, 2]', '[null]', '[["a"]]'],
      'runs.phases_json': ['[]', '5', '"x"', '{"t1": "soon"}', '{"t4": true}', '{"t2": [1]}'],
      'runs.final_json': ['[]', 'true', '{"valAcc": "high"}', '{"trainLoss": {}}'],
      'runs.tags_json': ['{}', '"tag"', '[1]', '[null]', '[["a"]]'],
      'analyses.params_json': ['[]', '3', '"x"', 'null'],
    };
    const generic = [
      'x',
      '',
      ' ',
      original.slice(0, 1 + rng.int(Math.max(1, original.length - 1))),
      `${original}}`,
      '1e999',
      '[1e400]',
      `{"huge": -1e309}`,
      /\d/.test(original) ? original.replace(/\d+(\.\d+)?/, '1e999') : `[${original}, 1e999]`,
      '{"a":',
      'undefined',
      'NaN',
      "{'a': 1}",
    ];
    return rng.next() < 0.5 && shaped[column] ? pick(rng, shaped[column]!) : pick(rng, generic);
  };

  it('are refused naming the run and the column, and the target keeps its content', () => {
    const probe = new Database(file, { readonly: true });
    const tables = probe.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    const columns = tables.flatMap((t) =>
      (probe.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(t) as string[])
        .filter((c) => c.endsWith('_json'))
        .map((c) => ({ table: t, column: c })),
    );
    const travels = columns.filter(({ table }) => (probe.prepare(`SELECT COUNT(*) FROM "${table}"`).pluck().get() as number) > 0);
    probe.close();
    expect(travels.map((c) => `${c.table}.${c.column}`).sort()).toEqual([
      'analyses.params_json',
      'analyses.result_json',
      'runs.backend_notes_json',
      'runs.config_json',
      'runs.final_json',
      'runs.phases_json',
      'runs.tags_json',
    ]);
    const rng = seededRandom(7);
    const before = contentHash(target.db);
    let n = 0;
    for (const { table, column } of travels) {
      for (let k = 0; k < 14; k++) {
        const copy = tmp.file(`damaged-${n++}.grokscope`);
        writeFileSync(copy, readFileSync(file));
        const edit = new Database(copy);
        const original = edit.prepare(`SELECT "${column}" FROM "${table}"`).pluck().get() as string;
        const bad = damage(rng, `${table}.${column}`, original);
        edit.prepare(`UPDATE "${table}" SET "${column}" = ?`).run(bad);
        edit.close();
        let err: unknown;
        try {
          importRuns(target.db, copy);
        } catch (e) {
          err = e;
        }
        const what = `${table}.${column} = ${JSON.stringify(bad).slice(0, 80)}`;
        expect(err, what).toBeInstanceOf(BackupError);
        const named = new RegExp(`: run \\d+: ${table}\\.${column} (is not JSON|has the wrong shape|holds a number too large)`);
        expect((err as Error).message, what).toMatch(named);
        expect(contentHash(target.db), what).toBe(before);
      }
    }
  });
});
