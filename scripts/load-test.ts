// Load test (a benchmark, not a CI test): `grokscope serve` with N runs streaming at once (N compute
// processes), a UI client subscribed to every event, a Hessian probe (a compute process of its own) and spectral
// analyses running, while a second client calls the API as the UI does (runs.list, runs.get, runs.metrics of a live
// run, app.info) every few milliseconds and times each answer. At the end every run must have completed with every
// evaluation stored (no lost metrics), the UI client must have received every point, and the server's log must show
// no SQLITE_BUSY / "database is locked".
//
//   npx tsx scripts/load-test.ts [--runs 8] [--steps 3000] [--interval-ms 20] [--json]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { scriptOption } from './script-options';

const args = process.argv.slice(2);
const option = scriptOption(args);
const RUNS = Number(option('runs', '8'));
const STEPS = Number(option('steps', '3000'));
const EVAL_EVERY = 10;
const INTERVAL_MS = Number(option('interval-ms', '20'));
const JSON_OUT = args.includes('--json');
const log = (s: string) => process.stderr.write(`${s}\n`);

const ROOT = path.join(import.meta.dirname, '..');
const dir = mkdtempSync(path.join(tmpdir(), 'grokscope-load-'));
const dbPath = path.join(dir, 'load.db');

const config = (seed: number, steps: number) => ({
  name: `load ${seed}`,
  seed,
  backend: 'wasm',
  task: { kind: 'modular', op: 'add', p: 23, trainFraction: 0.5 },
  model: { kind: 'mlp', embedDim: 16, width: 64, depth: 1 },
  optimizer: { lr: 0.003, weightDecay: 1 },
  training: { steps, evalEvery: EVAL_EVERY, checkpointEvery: 500 },
});

// ------------------------------------------------------------------ the server
const server = spawn(
  process.execPath,
  [path.join(ROOT, 'bin', 'grokscope.js'), 'serve', '--db', dbPath, '--port', '0', '--workers', String(RUNS)],
  {
    env: { ...process.env, GROKSCOPE_DB: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  },
);
let serverLog = '';
server.stderr.setEncoding('utf8');
server.stderr.on('data', (d: string) => (serverLog += d));
const url = await new Promise<URL>((resolve, reject) => {
  const t = setTimeout(() => reject(new Error(`serve printed no address in 60 s:\n${serverLog}`)), 60_000);
  server.stderr.on('data', () => {
    const m = /open (http:\/\/\S+)/.exec(serverLog);
    if (m) {
      clearTimeout(t);
      resolve(new URL(m[1]!));
    }
  });
});
const wsUrl = `ws://${url.host}/api?token=${url.searchParams.get('token')}`;

interface Client {
  call(method: string, params: unknown): Promise<{ ms: number; result: unknown }>;
  onEvent(f: (event: string, payload: unknown) => void): void;
  close(): void;
}
async function connect(): Promise<Client> {
  const ws = new WebSocket(wsUrl);
  await new Promise((res, rej) => ws.once('open', res).once('error', rej));
  let next = 1;
  const pending = new Map<number, { t0: number; resolve: (v: { ms: number; result: unknown }) => void; reject: (e: Error) => void }>();
  const listeners: ((e: string, p: unknown) => void)[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as {
      id?: number;
      ok?: boolean;
      result?: unknown;
      error?: { message: string };
      event?: string;
      payload?: unknown;
    };
    if (m.event) return listeners.forEach((l) => l(m.event!, m.payload));
    const p = pending.get(m.id!);
    if (!p) return;
    pending.delete(m.id!);
    if (m.ok) p.resolve({ ms: performance.now() - p.t0, result: m.result });
    else p.reject(new Error(m.error?.message ?? 'error'));
  });
  return {
    call: (method, params) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { t0: performance.now(), resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    onEvent: (f) => listeners.push(f),
    close: () => ws.close(),
  };
}

const ui = await connect();
const api = await connect();
const errors: string[] = [];
try {
  // A finished run to analyse while the others train (Hessian probes need checkpoints, spectral the early losses).
  const pre = (await api.call('runs.create', { config: config(100, 500) })).result as { id: number };
  for (;;) {
    const r = (await api.call('runs.get', { id: pre.id })).result as { status: string };
    if (r.status === 'completed') break;
    if (['failed', 'diverged', 'cancelled'].includes(r.status)) throw new Error(`the run to analyse ended ${r.status}`);
    await new Promise((res) => setTimeout(res, 200));
  }

  // ---------------------------------------------------------------- the load
  const streamed = new Map<number, number>(); // run id → points received by the UI client
  const finished = new Map<number, string>();
  ui.onEvent((event, payload) => {
    if (event === 'run.progress') {
      const p = payload as { runId: number; points: unknown[] };
      streamed.set(p.runId, (streamed.get(p.runId) ?? 0) + p.points.length);
    } else if (event === 'run.status') {
      const p = payload as { runId: number; status: string; error: string | null };
      if (['completed', 'failed', 'diverged', 'cancelled', 'interrupted'].includes(p.status)) finished.set(p.runId, p.status);
      if (p.error) errors.push(`run ${p.runId}: ${p.error}`);
    }
  });
  const t0 = performance.now();
  const ids: number[] = [];
  for (let i = 0; i < RUNS; i++) ids.push(((await api.call('runs.create', { config: config(i + 1, STEPS) })).result as { id: number }).id);
  log(`${RUNS} runs of ${STEPS} steps started (ids ${ids.join(', ')}); a Hessian probe and spectral analyses on run ${pre.id}`);

  // the analysis load: one Hessian probe at a time, spectral signatures in between
  let analyses = 0;
  let probes = 0;
  const analysing = (async () => {
    while (finished.size < RUNS) {
      const h = api.call('analysis.hessian', { id: pre.id, maxCheckpoints: 2, maxIter: 20 }).then(
        () => probes++,
        (e: Error) => errors.push(`hessian: ${e.message}`),
      );
      for (let k = 0; k < 10 && finished.size < RUNS; k++) {
        await api.call('analysis.spectral', { id: pre.id, window: 400 }).then(
          () => analyses++,
          (e: Error) => errors.push(`spectral: ${e.message}`),
        );
        await new Promise((res) => setTimeout(res, 100));
      }
      await h;
    }
  })();

  // the UI's calls, timed
  const lat = new Map<string, number[]>();
  const calls: [string, () => unknown][] = [
    ['runs.list', () => ({})],
    ['runs.get', () => ({ id: ids[Math.floor(Math.random() * ids.length)] })],
    [
      'runs.metrics',
      () => ({
        id: ids[Math.floor(Math.random() * ids.length)],
        names: ['train_loss', 'val_loss', 'train_acc', 'val_acc'],
        maxPoints: 2000,
      }),
    ],
    ['app.info', () => ({})],
  ];
  let n = 0;
  let lastReport = performance.now();
  while (finished.size < RUNS) {
    const [method, params] = calls[n++ % calls.length]!;
    try {
      const { ms } = await api.call(method, params());
      if (!lat.has(method)) lat.set(method, []);
      lat.get(method)!.push(ms);
    } catch (e) {
      errors.push(`${method}: ${(e as Error).message}`);
    }
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      const st = (await api.call('runs.list', {})).result as { id: number; step: number }[];
      log(
        `  ${((performance.now() - t0) / 1000).toFixed(0)} s: steps ${ids.map((id) => st.find((r) => r.id === id)?.step ?? '?').join(' ')}; ${n} calls`,
      );
    }
    await new Promise((res) => setTimeout(res, INTERVAL_MS));
  }
  await analysing;
  const wallS = (performance.now() - t0) / 1000;

  // ---------------------------------------------------------------- checks
  const evals = STEPS / EVAL_EVERY + 1;
  const perRun: { id: number; status: string; storedEvals: number; storedPoints: number; streamedPoints: number }[] = [];
  for (const id of ids) {
    const series = (await api.call('runs.metrics', { id, maxPoints: 100_000 })).result as { name: string; steps: number[] }[];
    const valAcc = series.find((s) => s.name === 'val_acc')!;
    const expected = Array.from({ length: evals }, (_, i) => i * EVAL_EVERY);
    if (JSON.stringify(valAcc.steps) !== JSON.stringify(expected))
      errors.push(`run ${id}: val_acc has ${valAcc.steps.length} of ${evals} evaluations`);
    const storedPoints = series.reduce((a, s) => a + s.steps.length, 0);
    const streamedPoints = streamed.get(id) ?? 0;
    if (streamedPoints !== storedPoints) errors.push(`run ${id}: ${streamedPoints} points streamed to the UI, ${storedPoints} stored`);
    perRun.push({ id, status: finished.get(id)!, storedEvals: valAcc.steps.length, storedPoints, streamedPoints });
    if (finished.get(id) !== 'completed') errors.push(`run ${id} ended ${finished.get(id)}`);
  }
  const busy = /SQLITE_BUSY|database is locked/i.test(serverLog);
  if (busy) errors.push('the server log mentions SQLITE_BUSY / database is locked');

  const pct = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
  };
  const all = [...lat.values()].flat();
  const latency = Object.fromEntries(
    [...lat, ['all', all] as [string, number[]]].map(([m, xs]) => [
      m,
      {
        n: xs.length,
        p50: +pct(xs, 50).toFixed(1),
        p95: +pct(xs, 95).toFixed(1),
        p99: +pct(xs, 99).toFixed(1),
        max: +Math.max(...xs).toFixed(1),
      },
    ]),
  );
  const summary = {
    runs: RUNS,
    steps: STEPS,
    evalEvery: EVAL_EVERY,
    wallS: +wallS.toFixed(1),
    pointsStored: perRun.reduce((a, r) => a + r.storedPoints, 0),
    hessianProbes: probes,
    spectralAnalyses: analyses,
    latencyMs: latency,
    sqliteBusy: busy,
    errors,
    perRun,
  };
  if (JSON_OUT) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    log(
      `\n${RUNS} runs × ${STEPS} steps in ${summary.wallS} s, ${summary.pointsStored} points stored, ${probes} Hessian probes, ${analyses} spectral analyses`,
    );
    for (const [m, l] of Object.entries(latency))
      log(`  ${m.padEnd(14)} n=${String(l.n).padStart(5)}  p50 ${l.p50} ms  p95 ${l.p95} ms  p99 ${l.p99} ms  max ${l.max} ms`);
    log(
      `  lost metrics: ${perRun.every((r) => r.storedEvals === evals && r.streamedPoints === r.storedPoints) ? 'none' : 'SOME'}; SQLITE_BUSY: ${busy ? 'yes' : 'none'}`,
    );
    log(errors.length ? `  errors:\n    ${errors.join('\n    ')}` : '  errors: none');
  }
  process.exitCode = errors.length ? 1 : 0;
} finally {
  ui.close();
  api.close();
  server.kill('SIGTERM');
  await new Promise((res) => server.once('close', res));
  rmSync(dir, { recursive: true, force: true });
}
