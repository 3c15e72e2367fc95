// npx tsx scripts/bench-distributed.ts --redis URL [--workers 16] [--cells 1000] [--point-cells 200]
//   [--evals 100] [--rows 25] [--json]
// A benchmark, not a test (issue 17): the coordinator's overhead when sweep cells run on `grokscope worker`s.
// The coordinator is the real one (a back end on a temporary database whose sweeps go to the distributed executor,
// in this process); the workers are real CellWorkers (BullMQ, the report stream) in one child process whose compute
// processes are stand-ins: each cell reports 'started', its metric evaluations and 'done' at once, with no training.
// Two measurements:
//   cells/s   a sweep of --cells trivial cells (one evaluation each): queued, taken, reported and stored per second
//   points/s  a sweep of --point-cells cells of --evals evaluations × --rows metrics each: metric points stored in
//             SQLite per second, from the first cell queued to the sweep's completion
// Each prints wall-clock rates and the coordinator's own CPU time (this process): on a shared, loaded machine the
// wall rate also waits for the workers' and Redis's turns on the cores; per CPU second is what the coordinator costs.
// Redis must be running (e.g. `redis-server --port 6399 --save '' --daemonize yes`); the queue is emptied first.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { CellWorker } from '../src/main/distributed/cell-worker';
import { DistributedExecutor } from '../src/main/distributed/executor';
import { CELL_QUEUE } from '../src/main/distributed/protocol';
import { connect, parseRedisUrl, type RedisTarget } from '../src/main/distributed/redis';
import type { ComputeChannel, ComputeExit, ComputeLauncher } from '../src/main/host/types';
import type { ComputeToHost, HostToCompute } from '../src/main/protocol/messages';
import { createBackend, type LocalBackend } from '../src/main/services/create-backend';
import { parseSweepText } from '../src/shared/config/parse';

interface Args {
  redis: string;
  workers: number;
  cells: number;
  pointCells: number;
  evals: number;
  rows: number;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { redis: '', workers: 16, cells: 1000, pointCells: 200, evals: 100, rows: 25, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 2) throw new Error(`${arg} needs an integer of at least 2, got ${argv[i]}`);
      return v;
    };
    if (arg === '--redis') a.redis = argv[++i] ?? '';
    else if (arg === '--workers') a.workers = num();
    else if (arg === '--cells') a.cells = num();
    else if (arg === '--point-cells') a.pointCells = num();
    else if (arg === '--evals') a.evals = num();
    else if (arg === '--rows') a.rows = num();
    else if (arg === '--json') a.json = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!a.redis) throw new Error('--redis URL is required (start one: redis-server --port 6399 --save "" --daemonize yes)');
  return a;
}

/** A compute process stand-in: on 'start' it reports the run's evaluations (steps 10, 20, …) and ends completed. */
function instantLauncher(evals: number, rows: number): ComputeLauncher {
  const names = Array.from({ length: rows }, (_, i) => (i === 0 ? 'val_acc' : i === 1 ? 'train_acc' : `metric_${i}`));
  return {
    launch(): ComputeChannel {
      const listeners: ((m: ComputeToHost) => void)[] = [];
      const exits: ((e: ComputeExit) => void)[] = [];
      const emit = (m: ComputeToHost) => setImmediate(() => listeners.forEach((l) => l(m)));
      return {
        pid: undefined,
        send(msg: HostToCompute) {
          if (msg.type !== 'start') return;
          const runId = msg.runId;
          emit({ type: 'started', runId, backend: 'stand-in', backendNotes: [], paramCount: 0, step: 0 });
          for (let e = 1; e <= evals; e++) {
            const step = e * 10;
            emit({ type: 'metrics', runId, step, rows: names.map((n, i): [string, number, number] => [n, step, (i + 1) / (step + 1)]) });
          }
          emit({ type: 'done', runId, step: evals * 10, reason: 'completed' });
          setImmediate(() => setImmediate(() => exits.forEach((l) => l({ code: 0, signal: null, reason: 'exited' }))));
        },
        onMessage: (l) => void listeners.push(l),
        onExit: (l) => void exits.push(l),
        kill: () => undefined,
      };
    },
  };
}

/** The child process: `workers` CellWorkers of concurrency 1 with the stand-in compute, until it is told to stop. */
async function workerProcess(target: RedisTarget, workers: number, evals: number, rows: number): Promise<void> {
  const all: CellWorker[] = [];
  for (let i = 0; i < workers; i++) {
    const w = new CellWorker({
      target,
      name: `sim-${i + 1}`,
      concurrency: 1,
      launcher: instantLauncher(evals, rows),
      // the per-cell "training from step 0" lines would cost more than the cells
      log: (l) => void (l.includes('training from step') || console.error(l)),
    });
    w.start();
    all.push(w);
  }
  process.send!('ready');
  await new Promise<void>((r) => process.once('message', () => r()));
  await Promise.all(all.map((w) => w.close()));
  process.exit(0);
}

const sweepOf = (cells: number, steps: number) => {
  const a = Math.ceil(Math.sqrt(cells));
  const b = Math.ceil(cells / a);
  const text = `name: bench
base:
  backend: wasm
  task: { kind: modular, op: add, p: 11, trainFraction: 0.6 }
  model: { kind: mlp, embedDim: 8, width: 32, depth: 1 }
  training: { steps: ${steps}, evalEvery: 10 }
axes:
  - { path: optimizer.lr, linspace: { from: 0.001, to: 0.01, count: ${a} } }
  - { path: optimizer.weightDecay, linspace: { from: 0.1, to: 3, count: ${b} } }
policy: { mode: full, window: 60 }
`;
  const parsed = parseSweepText(text, 'bench.yaml');
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('; '));
  return { config: parsed.config, cells: parsed.cells.slice(0, cells) };
};

/** Wall seconds from the first cell queued to the sweep's completion, and this process's (the coordinator's) CPU. */
async function timeSweep(backend: LocalBackend, cells: number, steps: number): Promise<{ seconds: number; cpu: number; points: number }> {
  const { config, cells: grid } = sweepOf(cells, steps);
  const before = (backend.store.db.prepare('SELECT COUNT(*) AS n FROM metrics').get() as { n: number }).n;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const { id } = backend.sweeps.start(config, grid);
  // the sweep's own row (sweeps.list() would count every sweep's runs at each look)
  while (backend.store.sweeps.get(id)?.status !== 'completed') await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu0);
  const cpu = (used.user + used.system) / 1e6;
  const after = (backend.store.db.prepare('SELECT COUNT(*) AS n FROM metrics').get() as { n: number }).n;
  const failed = backend.store.db.prepare("SELECT COUNT(*) AS n FROM runs WHERE sweep_id = ? AND status != 'completed'").get(id) as {
    n: number;
  };
  if (failed.n > 0) throw new Error(`${failed.n} cells did not complete`);
  return { seconds, cpu, points: after - before };
}

async function startWorkers(a: Args, evals: number, rows: number) {
  const child = fork(fileURLToPath(import.meta.url), ['--child', a.redis, String(a.workers), String(evals), String(rows)], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((r) => child.once('message', () => r()));
  return async () => {
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
  };
}

const c2 = (x: number) => x.toFixed(2);

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    const [, , , url, workers, evals, rows] = process.argv;
    return workerProcess(parseRedisUrl(url!), Number(workers), Number(evals), Number(rows));
  }
  const a = parseArgs(process.argv.slice(2));
  const target = parseRedisUrl(a.redis);
  const conn = connect(target);
  const q = new Queue(CELL_QUEUE, { connection: conn });
  await q.obliterate({ force: true });
  await q.close();
  conn.disconnect();
  const dir = mkdtempSync(join(tmpdir(), 'grokscope-bench-distributed-'));
  const backend = createBackend({
    dbPath: join(dir, 'bench.db'),
    launcher: instantLauncher(1, 1),
    sweepExecutor: (deps) => new DistributedExecutor(deps, { target, coord: 'beec0000000000ff', log: (l) => console.error(l) }),
  });
  const results: Record<string, number> = {};
  try {
    // trivial cells: one evaluation of 2 metrics
    let stop = await startWorkers(a, 1, 2);
    await timeSweep(backend, 32, 10); // warm-up: connections, statements, BullMQ's scripts
    const c = await timeSweep(backend, a.cells, 10);
    results['cells'] = a.cells;
    results['cellsSeconds'] = c.seconds;
    results['cellsPerSecond'] = a.cells / c.seconds;
    results['cellsCpuSeconds'] = c.cpu;
    results['cellsPerCpuSecond'] = a.cells / c.cpu;
    await stop();
    // many points per cell
    stop = await startWorkers(a, a.evals, a.rows);
    const p = await timeSweep(backend, a.pointCells, a.evals * 10);
    results['pointCells'] = a.pointCells;
    results['points'] = p.points;
    results['pointsSeconds'] = p.seconds;
    results['pointsPerSecond'] = p.points / p.seconds;
    results['pointsCpuSeconds'] = p.cpu;
    results['pointsPerCpuSecond'] = p.points / p.cpu;
    await stop();
  } finally {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (a.json) console.log(JSON.stringify({ workers: a.workers, ...results }));
  else {
    const load = loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
    console.log(
      `${a.workers} simulated workers, Redis at ${target.shown}; load average at the end ${load} on ${availableParallelism()} cores`,
    );
    console.log(
      `cells:  ${results['cells']} trivial cells in ${results['cellsSeconds']!.toFixed(2)} s = ${results['cellsPerSecond']!.toFixed(0)} cells/s; coordinator CPU ${c2(results['cellsCpuSeconds']!)} s = ${results['cellsPerCpuSecond']!.toFixed(0)} cells per CPU second`,
    );
    console.log(
      `points: ${results['points']} metric points (${results['pointCells']} cells × ${a.evals} evaluations × ${a.rows} metrics, plus wall_time) in ${results['pointsSeconds']!.toFixed(2)} s = ${results['pointsPerSecond']!.toFixed(0)} points/s; coordinator CPU ${c2(results['pointsCpuSeconds']!)} s = ${results['pointsPerCpuSecond']!.toFixed(0)} points per CPU second`,
    );
  }
}

await main();
