// The --db path as users get it wrong: mistyped (read-only commands create nothing), a folder, another program's
// SQLite file, a database with a damaged run, a damaged run file to import, and eight processes opening one new
// database at once.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../src/main/store';
import { contentHash, exportRun } from '../../src/main/store/backup';
import { tempDir, tinyConfig } from './backend-helpers';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'grokscope.js');
const tmp = tempDir('cli-db');
afterAll(() => tmp.cleanup());
const STACK = /\n\s+at .+:\d+:\d+/;

function cli(args: string[]) {
  const env = { ...process.env };
  delete env['GROKSCOPE_DB'];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp.dir, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A database with two finished runs, the second with unreadable final metrics. */
function damagedDb(path: string): { intact: number; damaged: number } {
  const store = openStore(path);
  const owner = { host: 'elsewhere', pid: 1 };
  const [intact, damaged] = ['intact', 'damaged'].map((name) => {
    const id = store.runs.insert({ name, config: tinyConfig({ steps: 10 }), createdAt: 't', owner });
    store.runs.setStatus(id, 'completed', { step: 10 });
    return id;
  }) as [number, number];
  store.db.prepare("UPDATE runs SET final_json = 'x' WHERE id = ?").run(damaged);
  store.close();
  return { intact, damaged };
}

describe('grokscope and its --db', () => {
  it('read-only commands given a missing database say so (exit 2) and create neither file nor folder', () => {
    const missing = tmp.file('typo/no.db');
    for (const args of [
      ['list'],
      ['show', '1'],
      ['export', '1', '--figure', 'loss', '--format', 'csv', '--out', 'x.csv'],
      ['export-run', '1', '--out', 'x.grokscope'],
      ['analyze', 'spectral', '--run', '1'],
    ]) {
      const r = cli([...args, '--db', missing]);
      expect(r.code, args[0] + r.stderr).toBe(2);
      expect(r.stderr, args[0]).toContain(`no database at ${missing}`);
      expect(existsSync(tmp.file('typo')), args[0]).toBe(false);
    }
  });

  it('a folder, or a file of another program, is refused in a sentence and left as it was', () => {
    mkdirSync(tmp.file('folder'));
    const dir = cli(['list', '--db', tmp.file('folder')]);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toContain(`${tmp.file('folder')} is a folder, not a database file`);
    expect(dir.stderr).not.toMatch(/EISDIR|SQLITE_CANTOPEN/);
    expect(dir.stderr).not.toMatch(STACK);
    const other = tmp.file('photos.sqlite');
    const raw = new Database(other);
    raw.exec("CREATE TABLE photo (id INTEGER PRIMARY KEY, path TEXT); INSERT INTO photo (path) VALUES ('a.jpg')");
    raw.close();
    const bytes = readFileSync(other);
    for (const cmd of ['list', 'import-run']) {
      const r = cli(cmd === 'list' ? ['list', '--db', other] : ['import-run', 'nothing', '--db', other]);
      expect(r.code, cmd).toBe(2);
      expect(r.stderr, cmd).toContain(`${other} is not a Grokscope database`);
      expect(r.stderr).not.toMatch(STACK);
    }
    expect(readFileSync(other).equals(bytes)).toBe(true);
    expect(existsSync(`${other}-wal`)).toBe(false);
  });

  it('lists and shows a damaged run as damaged, beside the intact ones', () => {
    const db = tmp.file('damaged.db');
    const { intact, damaged } = damagedDb(db);
    const list = cli(['list', '--db', db]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${damaged}\\s+completed \\(damaged\\)`, 'm'));
    expect(list.stdout).toMatch(new RegExp(`^${intact}\\s+completed\\s`, 'm'));
    expect(list.stderr).toContain(`run ${damaged} is damaged: final_json is not JSON`);
    const json = JSON.parse(cli(['list', '--db', db, '--json']).stdout) as { id: number; damaged: string | null }[];
    expect(json.find((r) => r.id === intact)!.damaged).toBeNull();
    expect(json.find((r) => r.id === damaged)!.damaged).toMatch(/^final_json is not JSON/);
    const show = cli(['show', String(damaged), '--db', db]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/damaged\s+final_json is not JSON .*; the run can only be shown or deleted/);
  });

  it('import-run refuses a run file with a damaged column, or a device, and the database is unchanged', () => {
    const src = tmp.file('export-src.db');
    const { intact } = damagedDb(src);
    const store = openStore(src);
    const file = tmp.file('run.grokscope');
    exportRun(store.db, intact, file);
    store.close();
    const edit = new Database(file);
    edit.prepare('UPDATE runs SET phases_json = \'{"t4": true}\'').run();
    edit.close();
    const target = tmp.file('target.db');
    damagedDb(target);
    const hash = () => {
      const d = new Database(target, { readonly: true });
      const h = contentHash(d);
      d.close();
      return h;
    };
    const before = hash();
    const r = cli(['import-run', file, '--db', target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/run\.grokscope: run \d+: runs\.phases_json has the wrong shape: t1 is missing/);
    const zero = cli(['import-run', '/dev/zero', '--db', target]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('/dev/zero is not a regular file');
    expect(hash()).toBe(before);
  });

  it('eight processes opening one new database at the same moment all succeed, round after round', async () => {
    const rounds = 5;
    const paths = Array.from({ length: rounds }, (_, i) => tmp.file(`race-${i}.db`));
    // every child waits for the same moment, late enough for all of them to have started on a loaded machine
    const start = Date.now() + 8000;
    const child = join(import.meta.dirname, 'open-store-child.ts');
    const results = await Promise.all(
      Array.from(
        { length: 8 },
        () =>
          new Promise<{ code: number | null; stderr: string }>((resolve) => {
            const c = spawn(process.execPath, ['--import', 'tsx', child, String(start), '300', ...paths], { cwd: ROOT });
            let stderr = '';
            c.stderr.on('data', (d) => (stderr += d));
            c.on('close', (code) => resolve({ code, stderr }));
          }),
      ),
    );
    expect(results.map((r) => r.stderr).join('')).toBe('');
    expect(results.map((r) => r.code)).toEqual(Array(8).fill(0));
    for (const p of paths) {
      const d = new Database(p, { readonly: true });
      expect(d.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'runs'").pluck().get()).toBe(1);
      d.close();
    }
  }, 60_000);
});
