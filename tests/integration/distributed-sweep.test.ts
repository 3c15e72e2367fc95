// Issue 17, must show: a sweep whose cells are trained by `grokscope worker` processes (each with its own home and
// temporary folder, sharing nothing but a private redis-server) stores in the coordinator's database exactly what the
// local executor stores, bit for bit on one thread (GROKSCOPE_WORKERS=0): every metric row, every final status. Then
// the faults, each ending with every cell complete and the same rows as the uninterrupted sweep, none missing and
// none twice: a worker SIGKILLed mid-cell (BullMQ's stalled-job check hands the cell to the other worker, which
// continues from the last checkpoint it finds), the coordinator SIGKILLed (run again, it catches up and reattaches),
// Redis restarted (AOF on; workers and coordinator reconnect).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from './backend-helpers';
import { startRedis, type TestRedis } from './redis-helpers';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'grokscope.js');
const tmp = tempDir('distributed');
let redis: TestRedis;

// 400 updates of a tiny MLP: long enough to kill a worker between checkpoints, short enough for the suite
const sweepYaml = (lrs: string, wds: string) => `name: grid
base:
  backend: wasm
  task: { kind: modular, op: add, p: 11, trainFraction: 0.6 }
  model: { kind: mlp, embedDim: 8, width: 32, depth: 1 }
  optimizer: { lr: 0.01, weightDecay: 1 }
  training: { steps: 400, evalEvery: 10, checkpointEvery: 50 }
axes:
  - { path: optimizer.lr, ${lrs} }
  - { path: optimizer.weightDecay, values: [${wds}] }
policy: { mode: full, window: 60 }
`;
const GRID = sweepYaml('values: [0.001, 0.003, 0.01]', '0.1, 1, 3');
/** the faults' sweeps: three cells of GRID (its weightDecay = 1 column) */
const COLUMN = sweepYaml('values: [0.001, 0.003, 0.01]', '1');

interface Proc {
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<number | null>;
}

function spawnCli(args: string[], opts: { cwd: string; env?: Record<string, string> }): Proc {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, GROKSCOPE_WORKERS: '0', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (c: string) => (err += c));
  child.stdout!.resume();
  const exit = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  return { child, stderr: () => err, exit };
}

const workers: Proc[] = [];
/** A worker with a home and temporary folder of its own (no file shared with the coordinator or other workers). */
async function startWorker(name: string): Promise<Proc> {
  const dir = tmp.file(`worker-${name}-${workers.length}`);
  for (const d of ['home', 'tmp', 'data']) mkdirSync(join(dir, d), { recursive: true });
  const env = { HOME: join(dir, 'home'), TMPDIR: join(dir, 'tmp'), XDG_DATA_HOME: join(dir, 'data'), GROKSCOPE_WORKER_LOCK_MS: '4000' };
  const w = spawnCli(['worker', '--redis', redis.url, '--concurrency', '1', '--name', name], { cwd: dir, env });
  workers.push(w);
  const deadline = Date.now() + 60_000;
  while (!w.stderr().includes('takes cells from')) {
    if (w.child.exitCode !== null || Date.now() > deadline) throw new Error(`worker ${name} did not start: ${w.stderr()}`);
    await sleep(100);
  }
  return w;
}

async function stopWorkers(): Promise<void> {
  for (const w of workers.splice(0)) {
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
    await w.exit;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Cell {
  status: string;
  step: number;
  notes: string[];
  rows: [string, number, number | null][];
}

/** Every run of a database by its cell (lr/wd), with its metric rows in order. */
function cells(db: string): Map<string, Cell> {
  const d = new Database(db, { readonly: true });
  try {
    const runs = d.prepare('SELECT id, config_json, status, step, backend_notes_json FROM runs ORDER BY id').all() as {
      id: number;
      config_json: string;
      status: string;
      step: number;
      backend_notes_json: string;
    }[];
    const rows = d.prepare('SELECT name, step, value FROM metrics WHERE run_id = ? ORDER BY name, step').raw(true);
    const out = new Map<string, Cell>();
    for (const r of runs) {
      const c = JSON.parse(r.config_json) as { optimizer: { lr: number; weightDecay: number } };
      const key = `lr=${c.optimizer.lr} wd=${c.optimizer.weightDecay}`;
      expect(out.has(key), `two runs of ${key}`).toBe(false);
      out.set(key, {
        status: r.status,
        step: r.step,
        notes: JSON.parse(r.backend_notes_json) as string[],
        rows: rows.all(r.id) as Cell['rows'],
      });
    }
    return out;
  } finally {
    d.close();
  }
}

let reference: Map<string, Cell>;

/** Each cell of `db` completed with exactly the reference's rows. */
function expectSameAsLocal(db: string, count: number): Map<string, Cell> {
  const got = cells(db);
  expect(got.size).toBe(count);
  for (const [key, cell] of got) {
    const want = reference.get(key);
    expect(want, key).toBeDefined();
    expect(cell.status, key).toBe('completed');
    expect(cell.step, key).toBe(400);
    expect(cell.rows.length, `${key}: metric rows`).toBe(want!.rows.length);
    // every row bit for bit, but the wall-clock stamps (when each batch arrived): their steps only
    const timed = (rows: Cell['rows']) => rows.map((r) => (r[0] === 'wall_time' ? [r[0], r[1]] : r));
    expect(timed(cell.rows), key).toEqual(timed(want!.rows));
  }
  return got;
}

/** The worker named in the notes of the cell's latest start, and the step it started from. */
const trainedBy = (c: Cell) => {
  const m = /trained by worker (\S+) on \S+ from step (\d+)/.exec(c.notes.join('\n'));
  return m ? { worker: m[1]!, from: Number(m[2]) } : null;
};

/** Polls the coordinator's database (read-only) until `pred` holds for some running run; returns that run. */
async function waitForRun(db: string, pred: (r: { id: number; step: number; notes: string; ckpt: number }) => boolean, ms = 120_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const d = new Database(db, { readonly: true, fileMustExist: true });
      try {
        const rows = d
          .prepare(
            `SELECT r.id, r.step, r.backend_notes_json AS notes, COALESCE(MAX(c.step), 0) AS ckpt FROM runs r
             LEFT JOIN checkpoints c ON c.run_id = r.id WHERE r.status = 'running' GROUP BY r.id`,
          )
          .all() as { id: number; step: number; notes: string; ckpt: number }[];
        const hit = rows.find(pred);
        if (hit) return hit;
      } finally {
        d.close();
      }
    } catch {
      // not created yet
    }
    await sleep(50);
  }
  throw new Error('no run reached the wanted state');
}

beforeAll(async () => {
  redis = await startRedis();
  writeFileSync(tmp.file('grid.yaml'), GRID);
  writeFileSync(tmp.file('column.yaml'), COLUMN);
  // the local executor's sweep, one thread per run: the reference
  const local = spawnCli(['sweep', 'grid.yaml', '--workers', '2', '--db', 'local.db'], { cwd: tmp.dir });
  expect(await local.exit, local.stderr()).toBe(0);
  reference = cells(tmp.file('local.db'));
}, 240_000);

afterAll(async () => {
  await stopWorkers();
  await redis?.cleanup();
  tmp.cleanup();
});

describe('sweeps on Redis with grokscope worker', () => {
  it('a 3×3 sweep over 3 worker processes stores every cell exactly as the local executor does', async () => {
    await Promise.all(['w1', 'w2', 'w3'].map((n) => startWorker(n)));
    const coord = spawnCli(['sweep', 'grid.yaml', '--redis', redis.url, '--db', 'dist.db'], { cwd: tmp.dir });
    expect(await coord.exit, coord.stderr()).toBe(0);
    expect(coord.stderr()).toContain(`on the Redis queue at ${redis.url}`);
    expect(coord.stderr()).toMatch(/3 workers are up: w1 \(.*\), w2 \(.*\), w3 \(/);
    const got = expectSameAsLocal(tmp.file('dist.db'), 9);
    const by = new Set([...got.values()].map((c) => trainedBy(c)?.worker));
    expect(by).toEqual(new Set(['w1', 'w2', 'w3']));
    await stopWorkers();
  }, 240_000);

  it('a worker SIGKILLed mid-cell: another worker continues the cell from its last checkpoint', async () => {
    const a = await startWorker('k1');
    const b = await startWorker('k2');
    const procs: Record<string, Proc> = { k1: a, k2: b };
    const coord = spawnCli(['sweep', 'column.yaml', '--redis', redis.url, '--db', 'kill-worker.db'], { cwd: tmp.dir });
    // a cell past its first checkpoint and at least 200 updates before its end, so the kill finds it training
    const victim = await waitForRun(tmp.file('kill-worker.db'), (r) => r.ckpt >= 50 && r.step < 200);
    const name = /trained by worker (\S+)/.exec(victim.notes)![1]!;
    procs[name]!.child.kill('SIGKILL');
    expect(await coord.exit, coord.stderr()).toBe(0);
    const got = expectSameAsLocal(tmp.file('kill-worker.db'), 3);
    const resumed = [...got.values()].map(trainedBy).find((t) => t && t.from > 0);
    expect(resumed, 'the killed cell continued from a checkpoint').toBeDefined();
    expect(resumed!.worker).not.toBe(name);
    expect(resumed!.from).toBeGreaterThanOrEqual(50);
    await stopWorkers();
  }, 240_000);

  it('the coordinator SIGKILLed: run again, it catches up with its workers and finishes the sweep', async () => {
    await startWorker('c1');
    await startWorker('c2');
    const db = tmp.file('kill-coord.db');
    const first = spawnCli(['sweep', 'column.yaml', '--redis', redis.url, '--db', db], { cwd: tmp.dir });
    await waitForRun(db, (r) => r.step >= 20);
    first.child.kill('SIGKILL');
    await first.exit;
    await sleep(1_500); // the workers go on reporting meanwhile
    const again = spawnCli(['sweep', 'column.yaml', '--redis', redis.url, '--db', db], { cwd: tmp.dir });
    expect(await again.exit, again.stderr()).toBe(0);
    expect(again.stderr()).toContain('resuming sweep 1');
    const got = expectSameAsLocal(db, 3);
    // nothing trained twice from step 0 because the coordinator went away: each cell started once
    for (const [key, c] of got) expect(trainedBy(c)?.from, key).toBe(0);
    await stopWorkers();
  }, 240_000);

  it('predict with window auto: a never-confident cell holds on its worker at each window in turn, then trains to its budget', async () => {
    // the shipped predictor with its band at 0.5: never confident (GROKSCOPE_PREDICTOR, read by the coordinator)
    const shipped = JSON.parse(readFileSync(join(ROOT, 'resources', 'predictor', 'model.json'), 'utf8'));
    writeFileSync(
      tmp.file('unsure.json'),
      JSON.stringify({ ...shipped, models: shipped.models.map((m: object) => ({ ...m, band: 0.5 })) }),
    );
    writeFileSync(
      tmp.file('auto.yaml'),
      sweepYaml('values: [0.003, 0.01]', '1')
        .replace('steps: 400', 'steps: 600')
        .replace('mode: full, window: 60', 'mode: predict, window: auto'),
    );
    await startWorker('a1');
    await startWorker('a2');
    const db = tmp.file('auto.db');
    const coord = spawnCli(['sweep', 'auto.yaml', '--redis', redis.url, '--db', db], {
      cwd: tmp.dir,
      env: { GROKSCOPE_PREDICTOR: tmp.file('unsure.json') },
    });
    expect(await coord.exit, coord.stderr()).toBe(0);
    const d = new Database(db, { readonly: true });
    try {
      const runs = d.prepare('SELECT status, step FROM runs ORDER BY id').all() as { status: string; step: number }[];
      expect(runs.map((x) => [x.status, x.step])).toEqual([
        ['completed', 600],
        ['completed', 600],
      ]);
      // asked at 200, then (held there, released to hold again) at 400, the last window below the budget
      const asked = d
        .prepare(
          "SELECT group_concat(json_extract(result_json, '$.atStep')) AS w FROM (SELECT * FROM analyses WHERE kind = 'prediction' ORDER BY id) GROUP BY run_id ORDER BY run_id",
        )
        .all() as { w: string }[];
      expect(asked.map((x) => x.w)).toEqual(['200,400', '200,400']);
    } finally {
      d.close();
    }
    await stopWorkers();
  }, 240_000);

  it('Redis restarted mid-sweep (AOF): workers and coordinator reconnect and every cell completes', async () => {
    await startWorker('r1');
    await startWorker('r2');
    const db = tmp.file('redis-restart.db');
    const coord = spawnCli(['sweep', 'column.yaml', '--redis', redis.url, '--db', db], { cwd: tmp.dir });
    await waitForRun(db, (r) => r.step >= 20);
    await redis.stop();
    await sleep(1_000);
    await redis.start();
    expect(await coord.exit, coord.stderr()).toBe(0);
    expectSameAsLocal(db, 3);
    await stopWorkers();
  }, 240_000);
});
