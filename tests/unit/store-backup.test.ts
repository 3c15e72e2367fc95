// Backup of a run: export to one file, import into another database, compare everything; and the refusals
// (an active run, an existing file, a newer file, a file that is not an export, a damaged config) leave both sides as
// they were.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openStore, type Store } from '../../src/main/store';
import { BackupError, contentHash, exportRun, importRuns } from '../../src/main/store/backup';
import type { TrainingState } from '../../src/main/protocol/training-state';
import { SCHEMA_VERSION } from '../../src/main/store/migrations';
import { OWNER, smallConfig, tempDir } from './store-helpers';

const tmp = tempDir('backup');
afterAll(() => tmp.cleanup());

const state = (step: number, seed: number): TrainingState => ({
  step,
  params: [
    { name: 'embed.weight', shape: [3, 4], data: Float32Array.from({ length: 12 }, (_, i) => Math.sin(seed + i) * 1e-3) },
    { name: 'out.bias', shape: [2], data: new Float32Array([seed, -0]) },
  ],
  optimizer: [{ name: 'embed.weight/m', shape: [3, 4], data: Float32Array.from({ length: 12 }, (_, i) => i * seed) }],
  rng: [seed, 7, 9],
});

/** A finished run with every kind of stored data: metrics (NaN and infinities too), three checkpoints (the older
 *  thinned to analysis copies), two analyses, phases and final metrics, in a sweep. */
function seedRun(store: Store): number {
  const sweep = store.sweeps.insert('s', { base: {} } as never, '2026-01-01T00:00:00Z');
  const id = store.runs.insert({
    name: 'to back up',
    config: smallConfig({ steps: 300, seed: 4 }),
    createdAt: '2026-01-01T00:00:00Z',
    owner: OWNER,
    sweepId: sweep,
  });
  const rows: [string, number, number][] = [];
  for (let s = 0; s <= 300; s += 10) rows.push(['train_loss', s, 1 / (s + 1)], ['val_acc', s, s / 300]);
  rows.push(['weird', 1, NaN], ['weird', 2, Infinity], ['weird', 3, -Infinity], ['weird', 4, 5e-324]);
  store.metrics.insertBatch(id, rows);
  for (const s of [100, 200, 300]) store.checkpoints.save(id, state(s, s / 100), `2026-01-01T00:0${s / 100}:00Z`);
  store.analyses.save(id, 'spectral', { window: 400 }, { energy: 1.5, hjorth: [1, 2, 3] }, '2026-01-01T00:05:00Z');
  store.analyses.save(id, 'hessian', { steps: [100] }, { points: [{ step: 100, lmax: 3 }] }, '2026-01-01T00:06:00Z');
  store.runs.setProgress(id, 300, { t1: 10, t2: 20, t3: null, t4: null, t2_99: null, t4_99: null } as never, {
    trainLoss: 0.1,
    trainAcc: 1,
    valLoss: 2,
    valAcc: 0.3,
  });
  store.runs.setStatus(id, 'completed', {
    startedAt: '2026-01-01T00:00:01Z',
    finishedAt: '2026-01-01T00:04:00Z',
    backend: 'wasm',
    backendNotes: ['tensorflow: not installed'],
    step: 300,
  });
  return id;
}

/** Everything about a run except its id, owner and sweep. */
function snapshot(store: Store, id: number) {
  const run = store.runs.get(id)!;
  const { id: _id, owner: _o, sweepId: _s, ...rest } = run;
  return {
    run: rest,
    metrics: store.metrics.names(id).map((n) => ({ name: n, ...store.metrics.series(id, n) })),
    checkpoints: store.checkpoints.list(id).map((c) => ({ ...c, state: store.checkpoints.load(id, c.step) })),
    analyses: store.analyses.forRun(id).map(({ id: _a, runId: _r, ...a }) => a),
  };
}

const fileHash = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('export and import of a run', () => {
  it('round-trips config, metrics, checkpoints and analyses into another database, with a new id', () => {
    const a = openStore(tmp.file('a.db'));
    const b = openStore(tmp.file('b.db'));
    try {
      const id = seedRun(a);
      // b already has runs, so the imported run gets another id
      for (let i = 0; i < 3; i++)
        b.runs.insert({ name: `other ${i}`, config: smallConfig(), createdAt: '2026-02-01T00:00:00Z', owner: OWNER });
      const before = contentHash(a.db);
      const file = tmp.file('run.grokscope');
      const ex = exportRun(a.db, id, file);
      expect(ex.rows).toEqual({ runs: 1, metrics: 66, metric_buckets: 11, checkpoints: 3, analyses: 2 });
      expect(existsSync(file)).toBe(true);
      for (const ext of ['-wal', '-shm', '.partial']) expect(existsSync(file + ext)).toBe(false); // one file
      expect(contentHash(a.db)).toBe(before); // the source is only read

      const fileBefore = fileHash(file);
      const im = importRuns(b.db, file);
      expect(im.runIds).toEqual([4]);
      expect(im.rows).toEqual({ runs: 1, metrics: 66, metric_buckets: 11, checkpoints: 3, analyses: 2 });
      expect(fileHash(file)).toBe(fileBefore); // importing does not touch the file
      const got = snapshot(b, 4);
      expect(got).toEqual(snapshot(a, id));
      expect(got.checkpoints[2]!.state!.optimizer).toHaveLength(1); // the latest keeps its optimiser slots (resumable)
      expect(got.checkpoints[0]!.state!.optimizer).toHaveLength(0);
      expect(Object.is(got.metrics.find((m) => m.name === 'weird')!.values[0], NaN)).toBe(true);
      expect(b.runs.get(4)!.sweepId).toBeNull();
      expect(b.runs.get(4)!.owner).toBeNull();

      // and back again: export from b, import into a fresh database, still equal
      const file2 = tmp.file('run2.grokscope');
      exportRun(b.db, 4, file2);
      const c = openStore(tmp.file('c.db'));
      try {
        expect(importRuns(c.db, file2).runIds).toEqual([1]);
        expect(snapshot(c, 1)).toEqual(snapshot(a, id));
        expect(c.db.pragma('integrity_check', { simple: true })).toBe('ok');
        // importing the same file twice gives two runs
        expect(importRuns(c.db, file2).runIds).toEqual([2]);
      } finally {
        c.close();
      }
      // the export file opens as a Grokscope database of its own
      const alone = openStore(file);
      expect(alone.runs.list().map((r) => r.name)).toEqual(['to back up']);
      alone.close();
    } finally {
      a.close();
      b.close();
    }
  });

  it('refuses an active run, an existing file, a newer or foreign file and a damaged config, changing nothing', () => {
    const a = openStore(tmp.file('r.db'));
    try {
      const id = seedRun(a);
      const live = a.runs.insert({ name: 'live', config: smallConfig(), createdAt: '2026-01-01T00:00:00Z', owner: OWNER });
      expect(() => exportRun(a.db, live, tmp.file('live.grokscope'))).toThrow(/run \d+ is queued; export it once it has finished/);
      expect(() => exportRun(a.db, 999, tmp.file('none.grokscope'))).toThrow(/no run with id 999/);
      writeFileSync(tmp.file('taken'), 'x');
      expect(() => exportRun(a.db, id, tmp.file('taken'))).toThrow(/exists already/);
      expect(existsSync(tmp.file('live.grokscope'))).toBe(false);

      const file = tmp.file('newer.grokscope');
      exportRun(a.db, id, file);
      const raw = new Database(file);
      raw.pragma('user_version = 99');
      raw.close();
      const hash = fileHash(file);
      const before = contentHash(a.db);
      expect(() => importRuns(a.db, file)).toThrow(BackupError);
      expect(() => importRuns(a.db, file)).toThrow(
        `written by a newer Grokscope (schema version 99, this one reads up to ${SCHEMA_VERSION})`,
      );
      expect(fileHash(file)).toBe(hash);

      writeFileSync(tmp.file('notes.txt'), 'these are not the runs you are looking for'.repeat(100));
      expect(() => importRuns(a.db, tmp.file('notes.txt'))).toThrow(/notes\.txt is not a Grokscope database: it is not an SQLite file/);
      expect(() => importRuns(a.db, tmp.file('missing'))).toThrow(/no such file/);

      const bad = tmp.file('bad.grokscope');
      exportRun(a.db, id, bad);
      const edit = new Database(bad);
      edit.prepare("UPDATE runs SET config_json = json_set(config_json, '$.optimizer.lr', -1)").run();
      edit.close();
      expect(() => importRuns(a.db, bad)).toThrow(
        /run \d+: runs\.config_json has the wrong shape: not a valid run config \(optimizer\.lr: /,
      );
      expect(contentHash(a.db)).toBe(before);
    } finally {
      a.close();
    }
  });

  it('refuses a file with unreadable JSON in any column, naming the run and the column, importing nothing', () => {
    const a = openStore(tmp.file('json-src.db'));
    const b = openStore(tmp.file('json-dst.db'));
    try {
      const file = tmp.file('json.grokscope');
      exportRun(a.db, seedRun(a), file);
      const before = contentHash(b.db);
      const cases: [string, string, string, RegExp][] = [
        ['runs', 'final_json', 'x', /runs\.final_json is not JSON/],
        [
          'runs',
          'phases_json',
          '{"t1": "soon", "t2": 1, "t3": 1, "t4": 1, "t2_99": 1, "t4_99": 1}',
          /runs\.phases_json has the wrong shape: t1 is not a number or null/,
        ],
        ['runs', 'final_json', '{"trainLoss": 1}', /runs\.final_json has the wrong shape: trainAcc is missing/],
        ['runs', 'backend_notes_json', '[1]', /runs\.backend_notes_json has the wrong shape: expected an array of strings/],
        ['runs', 'config_json', '{"seed": 1', /runs\.config_json is not JSON/],
        ['analyses', 'params_json', '', /analyses\.params_json is not JSON/],
        ['analyses', 'result_json', '[1e999]', /analyses\.result_json holds a number too large/],
      ];
      for (const [table, column, value, problem] of cases) {
        const copy = tmp.file(`json-${table}-${column}.grokscope`);
        writeFileSync(copy, readFileSync(file));
        const edit = new Database(copy);
        edit.prepare(`UPDATE ${table} SET ${column} = ?`).run(value);
        edit.close();
        expect(() => importRuns(b.db, copy), column).toThrow(BackupError);
        const named = new RegExp(`json-${table}-${column}\\.grokscope: run \\d+: ${problem.source}`);
        expect(() => importRuns(b.db, copy), column).toThrow(named);
        expect(contentHash(b.db)).toBe(before);
      }
    } finally {
      a.close();
      b.close();
    }
  });

  it('refuses a folder, a device, a pipe and a large file that is not SQLite, without reading them through', () => {
    const b = openStore(tmp.file('odd-dst.db'));
    try {
      const big = tmp.file('big.bin');
      writeFileSync(big, Buffer.alloc(64 * 1024 * 1024, 7));
      const fifo = tmp.file('pipe');
      spawnSync('mkfifo', [fifo]);
      const cases: [string, RegExp][] = [
        [tmp.dir, /is a folder/],
        ['/dev/zero', /is not a regular file/],
        [fifo, /is not a regular file/],
        [big, /big\.bin is not a Grokscope database: it is not an SQLite file/],
      ];
      const before = contentHash(b.db);
      for (const [file, problem] of cases) {
        const t = Date.now();
        expect(() => importRuns(b.db, file), file).toThrow(problem);
        expect(Date.now() - t, file).toBeLessThan(1000);
      }
      expect(contentHash(b.db)).toBe(before);
    } finally {
      b.close();
    }
  });
});
