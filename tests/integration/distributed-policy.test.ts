// Issue 17, the sweep policies and the guards across machines, with the coordinator (a back end whose sweeps go to
// the distributed executor) and the workers in this process, training in real compute processes: a predict sweep's
// cells hold at their window on their worker, the coordinator decides and stops them there (resumable), and
// continuing them later trains them to their budget on a worker from the stored checkpoint; a worker of another
// Grokscope version refuses the cells with a message the coordinator shows; a hostile job (a config the schema
// refuses) is failed without starting a compute process.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { isHeldBySweep } from '../../src/shared/api/run-status';
import { parseSweepText } from '../../src/shared/config/parse';
import { CellWorker } from '../../src/main/distributed/cell-worker';
import { DistributedExecutor } from '../../src/main/distributed/executor';
import { CELL_QUEUE, GROKSCOPE_VERSION, envelopeFields, keys, type Report } from '../../src/main/distributed/protocol';
import { connect, parseRedisUrl, type RedisTarget } from '../../src/main/distributed/redis';
import { createChildLauncher } from '../../src/main/host/child-launcher';
import type { ComputeLauncher } from '../../src/main/host/types';
import { createBackend, type LocalBackend } from '../../src/main/services/create-backend';
import { sleep, tempDir } from './backend-helpers';
import { startRedis, type TestRedis } from './redis-helpers';

const tmp = tempDir('distributed-policy');
let redis: TestRedis;
let target: RedisTarget;
const open: { close(): Promise<void> }[] = [];
const savedWorkers = process.env['GROKSCOPE_WORKERS'];

const sweepText = (mode: string) => `name: hold
base:
  backend: wasm
  task: { kind: modular, op: add, p: 11, trainFraction: 0.6 }
  model: { kind: mlp, embedDim: 8, width: 32, depth: 1 }
  optimizer: { lr: 0.01, weightDecay: 1 }
  training: { steps: 200, evalEvery: 10, checkpointEvery: 50 }
axes:
  - { path: optimizer.lr, values: [0.003, 0.01] }
policy: { mode: ${mode}, window: 60 }
`;

function coordinator(db: string, version?: string) {
  const logs: string[] = [];
  let executor!: DistributedExecutor;
  const backend = createBackend({
    dbPath: tmp.file(db),
    launcher: createChildLauncher(),
    flushMs: 100,
    sweepExecutor: (deps) =>
      (executor = new DistributedExecutor(deps, { target, log: (l) => logs.push(l), ...(version ? { version } : {}) })),
  });
  open.push(backend);
  return { backend, logs, executor };
}

function worker(name: string, o: { version?: string; launcher?: ComputeLauncher } = {}) {
  const logs: string[] = [];
  const w = new CellWorker({
    target,
    name,
    concurrency: 2,
    launcher: o.launcher ?? createChildLauncher(),
    log: (l) => logs.push(l),
    lockMs: 4_000,
    ...(o.version ? { version: o.version } : {}),
  });
  w.start();
  open.push(w);
  return { w, logs };
}

async function until(pred: () => boolean, ms = 120_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const sweepDone = (b: LocalBackend, id: number) => () => b.sweeps.list().find((s) => s.id === id)?.status === 'completed';

beforeAll(async () => {
  process.env['GROKSCOPE_WORKERS'] = '0';
  redis = await startRedis({ password: 'test secret/with:odd@chars' });
  target = parseRedisUrl(redis.url);
}, 60_000);

afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  const q = new Queue(CELL_QUEUE, { connection: { host: '127.0.0.1', port: redis.port, password: 'test secret/with:odd@chars' } });
  await q.obliterate({ force: true });
  await q.close();
});

afterAll(async () => {
  if (savedWorkers === undefined) delete process.env['GROKSCOPE_WORKERS'];
  else process.env['GROKSCOPE_WORKERS'] = savedWorkers;
  await redis?.cleanup();
  tmp.cleanup();
});

describe('distributed sweep policy and guards', () => {
  it('predict: cells hold at their window on the worker, the coordinator stops them; continuing trains them to the budget', async () => {
    const { backend } = coordinator('predict.db');
    worker('p1');
    const parsed = parseSweepText(sweepText('predict'), 'hold.yaml');
    if (!parsed.ok) throw new Error('bad sweep');
    const { id, runIds } = backend.sweeps.start(parsed.config, parsed.cells);
    await until(sweepDone(backend, id), 120_000, 'the predict sweep');
    for (const r of runIds) {
      const row = backend.store.runs.get(r)!;
      expect(row.status, `run ${r}: ${row.error}`).toBe('cancelled');
      expect(row.step).toBe(60);
      expect(isHeldBySweep(row.status, row.error)).toBe(true);
      expect(backend.store.analyses.latest(r, 'prediction')).toBeDefined();
      expect(backend.store.checkpoints.list(r).at(-1)?.step).toBe(60);
      expect(row.backendNotes.join('\n')).toContain('trained by worker p1');
    }
    // confirm: the stopped cells go on to their budget on a worker, from their checkpoint at the window
    await backend.sweeps.continueCells(id, runIds);
    await until(sweepDone(backend, id), 120_000, 'the continued cells');
    for (const r of runIds) {
      const row = backend.store.runs.get(r)!;
      expect(row.status, `run ${r}: ${row.error}`).toBe('completed');
      expect(row.step).toBe(200);
      expect(row.backendNotes.join('\n')).toContain('from step 60');
      // one point per evaluation: nothing between 60 and 200 twice, nothing missing
      const s = backend.store.metrics.series(r, 'val_acc');
      expect(s.steps).toEqual(Array.from({ length: 21 }, (_, i) => i * 10));
    }
  }, 240_000);

  it('a worker shutting down (what Ctrl-C and SIGTERM do) hands its cells back from their checkpoint, and another worker finishes them', async () => {
    const { backend, logs } = coordinator('release.db');
    const a = worker('a');
    const parsed = parseSweepText(sweepText('full').replace('steps: 200', 'steps: 600'), 'hold.yaml');
    if (!parsed.ok) throw new Error('bad sweep');
    const { id, runIds } = backend.sweeps.start(parsed.config, parsed.cells);
    const past = (r: number) => (backend.store.checkpoints.list(r).at(-1)?.step ?? 0) >= 50 && backend.store.runs.get(r)!.step < 500;
    await until(() => runIds.some(past), 120_000, 'a cell past its first checkpoint');
    await a.w.close();
    open.splice(open.indexOf(a.w), 1);
    expect(logs.join('\n')).toMatch(/worker a shut down at step \d+; the cell waits for another worker/);
    worker('b');
    await until(sweepDone(backend, id), 120_000, 'the sweep on worker b');
    const notes = runIds.map((r) => backend.store.runs.get(r)!.backendNotes.join('\n'));
    expect(notes.some((n) => /trained by worker b on \S+ from step [1-9]\d*/.test(n))).toBe(true);
    for (const r of runIds) {
      const row = backend.store.runs.get(r)!;
      expect(row.status, `run ${r}: ${row.error}`).toBe('completed');
      expect(backend.store.metrics.series(r, 'val_acc').steps).toEqual(Array.from({ length: 61 }, (_, i) => i * 10));
    }
  }, 240_000);

  it('a cell cancelled through the API stops on its worker and stays cancelled', async () => {
    const { backend } = coordinator('cancel.db');
    const { logs } = worker('c');
    const parsed = parseSweepText(sweepText('full').replace('steps: 200', 'steps: 3000'), 'hold.yaml');
    if (!parsed.ok) throw new Error('bad sweep');
    const { id, runIds } = backend.sweeps.start(parsed.config, parsed.cells);
    const [first, second] = runIds as [number, number];
    await until(() => backend.store.runs.get(first)!.step >= 20, 120_000, 'the first cell training');
    await backend.handlers['runs.cancel']({ id: first });
    await backend.handlers['runs.cancel']({ id: second });
    // the worker is told through the cell's decision log: its compute processes stop (each logs its end) and the
    // sweep is over, long before 3,000 updates
    await until(sweepDone(backend, id), 60_000, 'the cancelled sweep');
    await sleep(1_500); // late reports from the worker, if any, would land here
    for (const r of runIds) {
      const row = backend.store.runs.get(r)!;
      expect(row.status, `run ${r}`).toBe('cancelled');
      expect(row.step).toBeLessThan(3000);
    }
    expect(logs.filter((l) => l.includes('training from step')).length).toBeLessThanOrEqual(2);
    // and the worker let go of the cells: no job of theirs is still active on the queue
    const q = new Queue(CELL_QUEUE, { connection: { host: '127.0.0.1', port: redis.port, password: 'test secret/with:odd@chars' } });
    let active = -1;
    for (let i = 0; i < 100 && active !== 0; i++, await sleep(100)) active = await q.getActiveCount();
    await q.close();
    expect(active).toBe(0);
  }, 240_000);

  it('a cell a person cancelled and resumed from its run page goes back to a worker, from its checkpoint', async () => {
    // GROKSCOPE_WORKERS=0: this back end's own pool trains nothing, so only a worker can finish the cell
    const { backend } = coordinator('resume.db');
    worker('r');
    const parsed = parseSweepText(sweepText('full').replace('steps: 200', 'steps: 2000'), 'hold.yaml');
    if (!parsed.ok) throw new Error('bad sweep');
    const id = backend.sweeps.start(parsed.config, parsed.cells.slice(0, 1)).runIds[0]!;
    await until(() => backend.store.runs.get(id)!.step >= 120, 120_000, 'the cell training past update 120');
    await backend.handlers['runs.cancel']({ id });
    await until(() => backend.store.runs.get(id)!.status === 'cancelled', 60_000, 'the cancel');
    await until(() => backend.store.checkpoints.list(id).length > 0, 10_000, 'its checkpoints');
    const from = backend.store.checkpoints.list(id).at(-1)!.step;
    expect(from).toBeLessThan(2000);
    await backend.handlers['runs.resume']({ id });
    await until(() => backend.store.runs.get(id)!.status === 'completed', 120_000, 'the resumed cell on the worker');
    const row = backend.store.runs.get(id)!;
    expect(row.step).toBe(2000);
    expect(row.worker?.name).toBe('r');
    // one evaluation per 10 updates, none twice: the updates after the checkpoint were dropped and trained again
    expect(backend.store.metrics.series(id, 'val_acc').steps).toEqual(Array.from({ length: 201 }, (_, i) => i * 10));
  }, 240_000);

  it('a re-sent report is stored once, a stale attempt not at all, and a takeover drops what follows its checkpoint', async () => {
    const { backend, executor } = coordinator('idempotent.db'); // no worker: the test writes the reports itself
    const parsed = parseSweepText(sweepText('full'), 'hold.yaml');
    if (!parsed.ok) throw new Error('bad sweep');
    const runId = backend.sweeps.start(parsed.config, parsed.cells.slice(0, 1)).runIds[0]!;
    await executor.ready;
    const conn = connect(target);
    const send = (token: string, seq: number, report: Report) =>
      conn.xadd(keys(executor.coord).results, '*', ...envelopeFields({ runId, token, seq, report }));
    const metrics = (...points: [number, number][]): Report => ({
      type: 'metrics',
      evals: points.map(([step, v]) => [step, [['val_acc', step, v]]]),
    });
    const started = (step: number): Report => ({ type: 'started', step, backend: 'wasm', backendNotes: [], worker: 'x', host: 'h' });
    const stored = () => {
      const s = backend.store.metrics.series(runId, 'val_acc');
      return s.steps.map((st, i) => [st, s.values[i]]);
    };
    await send('A', 1, started(0));
    await send('A', 2, metrics([10, 0.5]));
    await send('A', 2, metrics([10, 0.9], [20, 0.9])); // the same batch number again: dropped whatever it holds
    await send('B', 1, metrics([30, 0.7])); // another attempt that never started here: dropped
    await send('A', 3, metrics([20, 0.6]));
    await until(() => stored().length === 2, 10_000, 'the first batches');
    await sleep(300);
    expect(stored()).toEqual([
      [10, 0.5],
      [20, 0.6],
    ]);
    // attempt C takes the cell over from its checkpoint at step 10: what A stored after it goes, A is stale now
    await send('C', 1, started(10));
    await send('A', 4, metrics([30, 0.8]));
    await send('C', 2, metrics([20, 0.65], [30, 0.75]));
    await until(() => stored().length === 3 && stored()[2]![1] === 0.75, 10_000, 'the takeover');
    expect(stored()).toEqual([
      [10, 0.5],
      [20, 0.65],
      [30, 0.75],
    ]);
    expect(backend.store.runs.get(runId)!.status).toBe('running');
    conn.disconnect();
  }, 60_000);

  it('a worker of another version refuses the cells, and the coordinator says so', async () => {
    const { backend, logs } = coordinator('version.db', '0.0.0-elsewhere');
    const { logs: workerLogs } = worker('old');
    const parsed = parseSweepText(sweepText('full'), 'hold.yaml');
    if (!parsed.ok) throw new Error('bad sweep');
    const { runIds } = backend.sweeps.start(parsed.config, parsed.cells);
    await until(() => logs.some((l) => l.includes('refuses cells')), 30_000, "the coordinator's notice");
    expect(logs.find((l) => l.includes('refuses cells'))).toMatch(
      new RegExp(`worker old on \\S+ runs Grokscope ${GROKSCOPE_VERSION.replace(/\./g, '\\.')} and refuses cells of 0\\.0\\.0-elsewhere`),
    );
    expect(workerLogs.join('\n')).toContain(`it was queued by Grokscope 0.0.0-elsewhere, this worker is Grokscope ${GROKSCOPE_VERSION}`);
    for (const r of runIds) expect(backend.store.runs.get(r)!.status).toBe('queued');
  }, 60_000);

  it('a hostile job is refused before any compute process starts', async () => {
    let launched = 0;
    const real = createChildLauncher();
    const counting: ComputeLauncher = {
      launch: (o) => {
        launched++;
        return real.launch(o);
      },
    };
    const { logs } = worker('guard', { launcher: counting });
    const q = new Queue(CELL_QUEUE, { connection: { host: '127.0.0.1', port: redis.port, password: 'test secret/with:odd@chars' } });
    const base = { v: GROKSCOPE_VERSION, coord: '0123456789abcdef', runId: 7 };
    const bad = [
      { ...base, config: { task: { kind: 'modular', op: 'add', p: 11 }, model: { kind: 'mlp' }, training: { steps: -5 } } },
      { ...base, config: { task: { kind: 'shell', command: 'rm -rf /' } } },
      { ...base, config: {}, extra: 'not in the schema' },
    ];
    const jobs = await q.addBulk(bad.map((data, i) => ({ name: 'cell', data, opts: { jobId: `hostile-${i}` } })));
    await until(() => logs.filter((l) => l.includes('refused an invalid cell job')).length === bad.length, 30_000, 'the refusals');
    for (const j of jobs) {
      let state = '';
      for (let i = 0; i < 50 && state !== 'failed'; i++, await sleep(100)) state = await q.getJobState(j.id!);
      expect(state).toBe('failed');
      expect((await q.getJob(j.id!))!.failedReason).toContain('refused an invalid cell job');
    }
    expect(launched).toBe(0);
    await q.close();
  }, 60_000);
});
