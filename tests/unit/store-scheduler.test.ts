// How the scheduler maps compute-process messages and exits to stored statuses, driven by a scripted channel that
// speaks the protocol (the real compute process is exercised in tests/integration/backend-runs.test.ts; outcomes that
// a tiny real run cannot be made to produce on demand, like divergence or a hung process, are checked here).
import { afterAll, describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import { openStore } from '../../src/main/store';
import { processStartId } from '../../src/main/services/process-identity';
import { createBackend } from '../../src/main/services/create-backend';
import { describeExit } from '../../src/main/host/child-launcher';
import type { ComputeChannel, ComputeExit, ComputeLauncher } from '../../src/main/host/types';
import type { ComputeToHost, HostToCompute } from '../../src/main/protocol/messages';
import { smallConfig, tempDir } from './store-helpers';
import { expandSweep, SweepConfigSchema } from '../../src/shared/config/sweep-config';
import { STEP_LOSS_METRIC } from '../../src/shared/analysis/predictor';

const tmp = tempDir('store-sched');
afterAll(() => tmp.cleanup());

class ScriptedChannel implements ComputeChannel {
  readonly pid = 4242;
  sent: HostToCompute[] = [];
  killed = false;
  private onMsg: ((m: ComputeToHost) => void)[] = [];
  private onEx: ((e: ComputeExit) => void)[] = [];
  send(m: HostToCompute) {
    this.sent.push(m);
  }
  onMessage(l: (m: ComputeToHost) => void) {
    this.onMsg.push(l);
  }
  onExit(l: (e: ComputeExit) => void) {
    this.onEx.push(l);
  }
  kill() {
    this.killed = true;
    this.exit({ code: null, signal: 'SIGKILL', reason: 'compute process killed by SIGKILL' });
  }
  emit(m: ComputeToHost) {
    for (const l of this.onMsg) l(m);
  }
  exit(e: ComputeExit) {
    for (const l of this.onEx) l(e);
  }
}

function setup(name: string) {
  const channels: ScriptedChannel[] = [];
  const launcher: ComputeLauncher = {
    launch: () => {
      const c = new ScriptedChannel();
      channels.push(c);
      return c;
    },
  };
  const backend = createBackend({ dbPath: tmp.file(`${name}.db`), launcher });
  return { backend, channels };
}

const rows = (step: number, acc: number): [string, number, number][] => [
  ['train_acc', step, acc],
  ['val_acc', step, acc / 2],
  ['train_loss', step, 1 - acc],
];

describe('threads per run', () => {
  it('gives a lone run every core and runs started together an equal share, unless GROKSCOPE_WORKERS is set', async () => {
    const channels: ScriptedChannel[] = [];
    const launcher: ComputeLauncher = {
      launch: () => {
        const ch = new ScriptedChannel();
        channels.push(ch);
        return ch;
      },
    };
    type Start = Extract<HostToCompute, { type: 'start' }>;
    const execution = (ch: ScriptedChannel | undefined) => (ch?.sent[0] as Start | undefined)?.execution;
    const before = process.env.GROKSCOPE_WORKERS; // vitest.config.ts sets 0
    delete process.env.GROKSCOPE_WORKERS;
    const backend = createBackend({ dbPath: tmp.file('threads.db'), launcher, maxConcurrent: 3, cores: 8 });
    try {
      await backend.handlers['runs.create']({ config: smallConfig() }); // alone: all 8 cores
      await backend.handlers['runs.create']({ config: smallConfig() }); // a second while the first trains: 8 / 2
      await backend.handlers['runs.create']({ config: smallConfig() }); // a third: 8 / 3
      await backend.handlers['runs.create']({ config: smallConfig() }); // queued behind maxConcurrent: not launched
      expect(channels.map(execution)).toEqual([8, 4, 2].map((cores) => ({ threads: { cores }, mlpKernel: true })));
      process.env.GROKSCOPE_WORKERS = '1';
      const other = createBackend({ dbPath: tmp.file('threads2.db'), launcher, maxConcurrent: 3, cores: 8 });
      await other.handlers['runs.create']({ config: smallConfig() });
      expect(execution(channels[3])).toEqual({ threads: { workers: 1 }, mlpKernel: true }); // the user's choice, read on the host
      await other.close();
    } finally {
      if (before === undefined) delete process.env.GROKSCOPE_WORKERS;
      else process.env.GROKSCOPE_WORKERS = before;
      await backend.close();
    }
  });
});

describe("a predict sweep's hold", () => {
  it('starts each run with holdAt = the window; a run whose window gives no prediction is released, even before it gets there', async () => {
    const { backend, channels } = setup('hold');
    const sweep = SweepConfigSchema.parse({
      name: 'g',
      base: smallConfig({ steps: 500 }),
      axes: [{ path: 'optimizer.lr', values: [1e-3, 1e-2] }],
      policy: { mode: 'predict', window: 60 },
    });
    const grid = expandSweep(sweep);
    if (!grid.ok) throw new Error(JSON.stringify(grid.problems));
    const { runIds } = backend.sweeps.start(sweep, grid.cells);
    try {
      expect(channels[0]!.sent[0]).toMatchObject({ type: 'start', runId: runIds[0], holdAt: 60 });
      const ch = channels[0]!;
      const id = runIds[0]!;
      ch.emit({ type: 'started', runId: id, backend: 'wasm', backendNotes: [], paramCount: 10, step: 0 });
      // a window of constant losses: no spectral signature to predict from, so the sweep lets the run go on; that
      // decision lands before the process reports its pause, and the scheduler resumes it when the pause arrives
      ch.emit({
        type: 'metrics',
        runId: id,
        step: 60,
        rows: Array.from({ length: 60 }, (_, i): [string, number, number] => [STEP_LOSS_METRIC, i + 1, 1]),
      });
      await backend.handlers['runs.get']({ id }); // lets the writer's progress reach the sweep
      await new Promise((r) => setTimeout(r, 400)); // the writer flushes every 250 ms
      expect(ch.sent.filter((m) => m.type === 'resume')).toHaveLength(0);
      ch.emit({ type: 'paused', runId: id, step: 60 });
      expect(ch.sent.at(-1)).toEqual({ type: 'resume' });
    } finally {
      await backend.close();
    }
  });
});

describe('scheduler outcomes', () => {
  it('sends start with the config, then maps started, metrics and done(diverged) to stored state', async () => {
    const { backend, channels } = setup('diverged');
    const { id } = await backend.handlers['runs.create']({ config: smallConfig({ steps: 100 }) });
    const ch = channels[0]!;
    expect(ch.sent[0]).toMatchObject({ type: 'start', runId: id, config: { training: { steps: 100 } } });
    ch.emit({ type: 'started', runId: id, backend: 'cpu', backendNotes: ['wasm: failed to load'], paramCount: 10, step: 0 });
    ch.emit({ type: 'metrics', runId: id, step: 0, rows: rows(0, 0.5) });
    ch.emit({ type: 'metrics', runId: id, step: 10, rows: [['train_loss', 10, NaN]] });
    ch.emit({ type: 'done', runId: id, step: 10, reason: 'diverged', message: 'train_loss is NaN at step 10' });
    const run = await backend.handlers['runs.get']({ id });
    expect(run).toMatchObject({
      status: 'diverged',
      error: 'train_loss is NaN at step 10',
      step: 10,
      backend: 'cpu',
      backendNotes: ['wasm: failed to load'],
    });
    expect(run.final.trainLoss).toBeNull(); // NaN is no final value
    expect(run.phases.t1).toBe(0);
    const [loss] = await backend.handlers['runs.metrics']({ id, names: ['train_loss'], maxPoints: 100 });
    expect(loss!.steps).toEqual([0, 10]);
    expect(Number.isNaN(loss!.values[1])).toBe(true);
    ch.exit({ code: 0, signal: null, reason: 'x' }); // a normal exit after done changes nothing
    expect((await backend.handlers['runs.get']({ id })).status).toBe('diverged');
    await backend.close();
  });

  it("an 'error' message fails the run with its message and step; a crash names the exit and the step", async () => {
    const { backend, channels } = setup('errors');
    const a = await backend.handlers['runs.create']({ config: smallConfig() });
    channels[0]!.emit({ type: 'started', runId: a.id, backend: 'wasm', backendNotes: [], paramCount: 1, step: 0 });
    channels[0]!.emit({ type: 'error', runId: a.id, message: 'out of memory', step: 30 });
    expect((await backend.handlers['runs.get']({ id: a.id })).error).toBe('out of memory (at step 30)');

    const b = await backend.handlers['runs.create']({ config: smallConfig() });
    const ch = channels[1]!;
    ch.emit({ type: 'started', runId: b.id, backend: 'wasm', backendNotes: [], paramCount: 1, step: 0 });
    ch.emit({ type: 'metrics', runId: b.id, step: 40, rows: rows(40, 0.1) });
    ch.exit({ code: 1, signal: null, reason: describeExit(1, null, 'warning\nRangeError: Maximum call stack size exceeded\n') });
    const run = await backend.handlers['runs.get']({ id: b.id });
    expect(run.status).toBe('failed');
    expect(run.error).toBe('compute process exited with code 1: RangeError: Maximum call stack size exceeded at step 40');
    // buffered points were flushed before the failure was stored: the batch's 3 rows and its wall-clock stamp
    expect(backend.store.metrics.count(b.id)).toBe(4);

    // a process that dies before saying anything
    const c = await backend.handlers['runs.create']({ config: smallConfig() });
    channels[2]!.exit({ code: null, signal: 'SIGSEGV', reason: describeExit(null, 'SIGSEGV', '') });
    expect((await backend.handlers['runs.get']({ id: c.id })).error).toBe('compute process killed by SIGSEGV before training started');
    await backend.close();
  });

  it('kills a process that ignores cancel after the grace period and records the run cancelled', async () => {
    const channels: ScriptedChannel[] = [];
    const backend = createBackend({
      dbPath: tmp.file('hung.db'),
      launcher: { launch: () => (channels.push(new ScriptedChannel()), channels.at(-1)!) },
      graceMs: 300,
    });
    const { id } = await backend.handlers['runs.create']({ config: smallConfig() });
    const ch = channels[0]!;
    ch.emit({ type: 'started', runId: id, backend: 'wasm', backendNotes: [], paramCount: 1, step: 0 });
    const t0 = Date.now();
    const cancelling = backend.handlers['runs.cancel']({ id });
    expect(ch.sent.at(-1)).toEqual({ type: 'cancel' });
    await cancelling;
    expect(ch.killed).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(await backend.handlers['runs.get']({ id })).toMatchObject({ status: 'cancelled', error: null });
    await backend.close();
  });

  it('pause and resume wait for the compute process to confirm', async () => {
    const { backend, channels } = setup('pause');
    const { id } = await backend.handlers['runs.create']({ config: smallConfig() });
    const ch = channels[0]!;
    ch.emit({ type: 'started', runId: id, backend: 'wasm', backendNotes: [], paramCount: 1, step: 0 });
    let paused = false;
    const p = backend.handlers['runs.pause']({ id }).then(() => (paused = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(ch.sent.at(-1)).toEqual({ type: 'pause' });
    expect(paused).toBe(false);
    ch.emit({ type: 'paused', runId: id, step: 20 });
    await p;
    expect(await backend.handlers['runs.get']({ id })).toMatchObject({ status: 'paused', step: 20 });
    const r = backend.handlers['runs.resume']({ id });
    ch.emit({ type: 'resumed', runId: id, step: 20 });
    await r;
    expect((await backend.handlers['runs.get']({ id })).status).toBe('running');
    await backend.close();
    expect(backend.store.db.open).toBe(false);
  });
});

describe('describeExit', () => {
  it('names the signal, or the exit code with the last stderr line', () => {
    expect(describeExit(null, 'SIGKILL', 'x')).toBe('compute process killed by SIGKILL');
    expect(describeExit(3, null, 'a\n  b: failed  \n\n')).toBe('compute process exited with code 3: b: failed');
    expect(describeExit(0, null, '')).toBe('compute process exited before reporting a result');
  });
});

describe('runs owned by other processes', () => {
  // The test runner's parent is alive and is not this process: it stands in for "another Grokscope" on this host.
  const other = (started: string | null) => ({ host: hostname(), pid: process.ppid, started });
  const state = (step: number) => ({ step, params: [{ name: 'w', shape: [2], data: new Float32Array([1, 2]) }], optimizer: [], rng: [1] });

  /** A database holding one run per owner, each `running` at step 30 with a checkpoint at step 20. */
  function seed(name: string, owners: ReturnType<typeof other>[]): string {
    const path = tmp.file(`${name}.db`);
    const store = openStore(path);
    for (const owner of owners) {
      const id = store.runs.insert({ name: 'r', config: smallConfig(), createdAt: 't', owner });
      store.checkpoints.save(id, state(20), 't');
      store.runs.setStatus(id, 'running', { step: 30 });
    }
    store.close();
    return path;
  }

  it('a run whose owner pid now belongs to a process started at another time is interrupted, then resumes and cancels', async () => {
    const real = processStartId(process.ppid);
    expect(real).toMatch(/^[0-9a-f-]+\/\d+$/);
    const path = seed('reused', [other('not-the-owner/1'), other(real), other(null)]);
    const channels: ScriptedChannel[] = [];
    const backend = createBackend({ dbPath: path, launcher: { launch: () => (channels.push(new ScriptedChannel()), channels.at(-1)!) } });
    expect(backend.store.runs.get(1)).toMatchObject({
      status: 'interrupted',
      error: 'interrupted: Grokscope stopped while the run was running at step 30',
    });
    // the live owner, and an owner stored without a start time (older versions: the pid alone decides), keep theirs
    expect(backend.store.runs.get(2)!.status).toBe('running');
    expect(backend.store.runs.get(3)!.status).toBe('running');

    await backend.handlers['runs.resume']({ id: 1 });
    expect(channels[0]!.sent[0]).toMatchObject({ type: 'start', runId: 1, resume: { step: 20 } });
    expect(backend.store.runs.get(1)!.owner).toEqual({ host: hostname(), pid: process.pid, started: processStartId(process.pid) });
    const cancelling = backend.handlers['runs.cancel']({ id: 1 });
    expect(channels[0]!.sent.at(-1)).toEqual({ type: 'cancel' });
    channels[0]!.emit({ type: 'done', runId: 1, step: 25, reason: 'cancelled' });
    await cancelling;
    expect(backend.store.runs.get(1)).toMatchObject({ status: 'cancelled', step: 25 });

    // the live owner's run: refused with who trains it, not "only a running run can be paused"
    await expect(backend.handlers['runs.pause']({ id: 2 })).rejects.toThrow(
      `run 2 is trained by another Grokscope process (pid ${process.ppid} on ${hostname()}); pause it there`,
    );
    await expect(backend.handlers['runs.resume']({ id: 2 })).rejects.toThrow(
      `run 2 is running in another Grokscope process (pid ${process.ppid}`,
    );
    await backend.close();
  });

  it('an interrupted or failed run is cancelled at once and keeps its checkpoints; a finished one is refused', async () => {
    const path = seed('cancel-stopped', [other('gone/1'), other('gone/2')]);
    const backend = createBackend({ dbPath: path, launcher: { launch: () => new ScriptedChannel() } });
    backend.store.runs.setStatus(2, 'failed', { error: 'compute process killed by SIGKILL at step 30' });
    await backend.handlers['runs.cancel']({ id: 1 });
    await backend.handlers['runs.cancel']({ id: 2 });
    expect(backend.store.runs.get(1)).toMatchObject({
      status: 'cancelled',
      error: expect.stringMatching(/^cancelled; it was interrupted \(interrupted: /),
    });
    expect(backend.store.runs.get(2)).toMatchObject({
      status: 'cancelled',
      error: 'cancelled; it was failed (compute process killed by SIGKILL at step 30)',
    });
    expect(backend.store.checkpoints.list(1).map((c) => c.step)).toEqual([20]);
    await expect(backend.handlers['runs.cancel']({ id: 1 })).rejects.toThrow('run 1 is already cancelled');
    await backend.close();
  });

  it('cancels a run it trains when another process asks through the database, within about a second', async () => {
    const { backend, channels } = setup('cancel-request');
    const { id } = await backend.handlers['runs.create']({ config: smallConfig() });
    const ch = channels[0]!;
    ch.emit({ type: 'started', runId: id, backend: 'wasm', backendNotes: [], paramCount: 1, step: 0 });
    const asker = openStore(tmp.file('cancel-request.db'));
    expect(asker.runs.requestCancel(id, 't')).toBe(true);
    asker.close();
    const t0 = Date.now();
    while (!ch.sent.some((m) => m.type === 'cancel') && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
    expect(ch.sent.at(-1)).toEqual({ type: 'cancel' });
    expect(Date.now() - t0).toBeLessThan(1500);
    ch.emit({ type: 'done', runId: id, step: 40, reason: 'cancelled' });
    expect(backend.store.runs.get(id)).toMatchObject({ status: 'cancelled', step: 40 });
    // the request ends with the run: resumed, it is not cancelled again
    expect(backend.store.runs.cancelRequested([id])).toEqual([]);
    await backend.close();
  });

  it('an interrupt stores the run interrupted at the step its process stopped (and checkpointed) at', async () => {
    const { backend, channels } = setup('interrupt');
    const { id } = await backend.handlers['runs.create']({ config: smallConfig() });
    const ch = channels[0]!;
    ch.emit({ type: 'started', runId: id, backend: 'wasm', backendNotes: [], paramCount: 1, step: 0 });
    const stopping = backend.interrupt(id, 'by SIGINT');
    expect(ch.sent.at(-1)).toEqual({ type: 'cancel' });
    ch.emit({ type: 'checkpoint', runId: id, state: state(37) });
    ch.emit({ type: 'done', runId: id, step: 37, reason: 'cancelled' });
    await stopping;
    expect(backend.store.runs.get(id)).toMatchObject({ status: 'interrupted', step: 37, error: 'interrupted by SIGINT at step 37' });
    await backend.close();
  });
});
