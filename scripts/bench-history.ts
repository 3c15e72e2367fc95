// Big histories (a benchmark, not a test): a run with 1,000,000 steps of metrics (train/val loss and
// accuracy at every step, 4,000,000 rows, beside other runs), loaded as the UI loads a run page: runs.metrics of the
// four curves with maxPoints 5000 (server-side min-max downsampling: store/metrics-repo.ts downsampled()). Also the raw read
// of a 100,000-point series from SQLite. Medians of 5 after one warm-up (the page cache warm, as in a running app).
//
// Wall time depends on what else the machine runs; CPU time (user + system of this process) is reported beside it.
// --db PATH keeps the database (and reuses it when it already holds the runs), so reruns skip the 4.5M-row write.
//
//   npx tsx scripts/bench-history.ts [--steps 1000000] [--db PATH] [--json]
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createBackend } from '../src/main/services/create-backend';
import type { ComputeLauncher } from '../src/main/host/types';
import { RunConfigSchema } from '../src/shared/config/run-config';

const args = process.argv.slice(2);
const stepsArg = args.indexOf('--steps');
const STEPS = stepsArg >= 0 ? Number(args[stepsArg + 1]) : 1_000_000;
const dbArg = args.indexOf('--db');
const keepDb = dbArg >= 0 ? path.resolve(args[dbArg + 1]!) : null;
const dir = mkdtempSync(path.join(tmpdir(), 'grokscope-history-'));
const reuse = keepDb !== null && existsSync(keepDb);
const noCompute: ComputeLauncher = {
  launch: () => {
    throw new Error('no training in this benchmark');
  },
};
const backend = createBackend({ dbPath: keepDb ?? path.join(dir, 'history.db'), launcher: noCompute });
const { store } = backend;
const log = (s: string) => process.stderr.write(`${s}\n`);

const config = RunConfigSchema.parse({
  task: { kind: 'modular', op: 'add', p: 97 },
  model: { kind: 'mlp' },
  training: { steps: STEPS, evalEvery: 1 },
});
const newRun = () => store.runs.insert({ name: 'big', config, createdAt: new Date().toISOString(), owner: { host: 'x', pid: 1 } });
const insert = (run: number, n: number, names: string[]) =>
  store.db.transaction(() => {
    for (let s = 0; s < n; s++) {
      // a grokking-like curve with a one-step spike at 60% (a slingshot), which the downsampled curve must keep
      const spike = s === Math.floor(n * 0.6) ? 50 : 0;
      store.metrics.insert(
        run,
        names.map((name, k) => [name, s, k < 2 ? Math.exp(-s / n) + spike + 0.01 * Math.sin(s) : Math.min(1, s / n)]),
      );
    }
  })();
let big = 1;
let mid = 3;
if (!reuse) {
  const t = performance.now();
  big = newRun();
  const other = newRun();
  mid = newRun();
  insert(big, STEPS, ['train_loss', 'val_loss', 'train_acc', 'val_acc']);
  insert(other, 200_000, ['train_loss', 'val_loss']);
  insert(mid, 100_000, ['train_loss']);
  store.runs.setStatus(big, 'completed', { step: STEPS });
  log(
    `wrote ${store.metrics.count(big) + store.metrics.count(other) + store.metrics.count(mid)} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
}

/** Median wall and CPU milliseconds of 5 calls after a warm-up. */
const median = async (f: () => unknown) => {
  await f();
  const runs: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await f();
    const c = process.cpuUsage(c0);
    runs.push({ wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 });
  }
  const mid = (xs: number[]) => +xs.sort((a, b) => a - b)[2]!.toFixed(1);
  return { wallMs: mid(runs.map((r) => r.wall)), cpuMs: mid(runs.map((r) => r.cpu)) };
};

// exactly the run page's calls (src/renderer/src/components/runs/RunPage.svelte): runs.get and every series at 5000 points
const load = () => backend.handlers['runs.metrics']({ id: big, maxPoints: 5000 });
const page = await median(async () => {
  await backend.handlers['runs.get']({ id: big });
  await load();
});
const shown = await load();
const loss = shown.find((x) => x.name === 'train_loss')!;
const spikeKept = Math.max(...loss.values) > 40; // the one-step spike of +50 at 60% survives the thinning
const oneSeries = await median(() => store.metrics.series(big, 'train_loss'));
const read100k = await median(() => store.metrics.series(mid, 'train_loss'));
const result = {
  steps: STEPS,
  pageLoad: page,
  pointsSent: shown.reduce((a, s) => a + s.steps.length, 0),
  spikeKept,
  oneMillionPointSeriesRead: oneSeries,
  hundredThousandPointSeriesRead: read100k,
};
if (args.includes('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  const f = (m: { wallMs: number; cpuMs: number }) => `${m.wallMs} ms wall, ${m.cpuMs} ms CPU`;
  log(
    `run page of a ${STEPS}-step run (runs.get + runs.metrics of its 4 curves, maxPoints 5000, as RunPage.svelte asks): ${f(page)}; ${result.pointsSent} points sent, spike kept: ${spikeKept}`,
  );
  log(`one ${STEPS}-point series read whole from SQLite (MetricsRepo.series): ${f(oneSeries)}`);
  log(`one 100,000-point series read whole from SQLite: ${f(read100k)}`);
}
await backend.close();
rmSync(dir, { recursive: true, force: true });
