// The back end end to end with REAL compute processes: create → train → stored metrics, phases, checkpoints;
// pause / resume / cancel; a compute process killed mid-run; resume from a checkpoint; soft delete of a live run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { LAYER_NORM_PREFIX, METRICS } from '../../src/shared/api/types';
import { computePhases } from '../../src/shared/analysis/phases';
import type { LocalBackend } from '../../src/main/services/create-backend';
import { alive, nextEvent, realBackend, recordEvents, sleep, statusIs, tempDir, tinyConfig } from './backend-helpers';

const tmp = tempDir('backend-runs');
let backend: LocalBackend;
const dbPath = tmp.file('runs.db');

beforeAll(() => {
  backend = realBackend(dbPath);
});
afterAll(async () => {
  await backend.close();
  tmp.cleanup();
});

/** Final metrics of an uninterrupted run, to compare a resumed one with. */
let straight: { id: number; valLoss: number | null; trainLoss: number | null } | null = null;

describe('a run from create to completed', () => {
  it('trains in a compute process and stores metrics, phases, final metrics and checkpoints', async () => {
    let id: number | null = null;
    const rec = recordEvents(backend, () => id);
    const config = tinyConfig({ steps: 1000, evalEvery: 10, checkpointEvery: 100 });
    const done = nextEvent(backend, 'run.status', (p) => p.runId === id && ['completed', 'failed', 'diverged'].includes(p.status));
    id = (await backend.handlers['runs.create']({ config })).id;
    const end = await done;
    rec.off();
    const run = await backend.handlers['runs.get']({ id });
    expect(run.error).toBeNull();
    expect(end.status).toBe('completed');
    expect(run).toMatchObject({ status: 'completed', step: 1000, totalSteps: 1000, backend: 'wasm' });
    expect(run.startedAt).not.toBeNull();
    expect(run.finishedAt).not.toBeNull();
    expect(rec.statuses).toEqual(['running', 'completed']); // 'queued' was emitted inside create, before id was known

    // one progress event per evaluation: steps 0, 10, ..., 1000
    expect(rec.progress.map((p) => p.step)).toEqual(Array.from({ length: 101 }, (_, i) => i * 10));
    expect(rec.progress[0]!.totalSteps).toBe(1000);

    const series = await backend.handlers['runs.metrics']({ id, maxPoints: 2000 });
    const norms = ['embed.weight', 'hidden.0.weight', 'hidden.0.bias', 'out.weight', 'out.bias'].map((n) => `${LAYER_NORM_PREFIX}${n}`);
    expect(series.map((s) => s.name).sort()).toEqual([...METRICS, ...norms].sort());
    const byName = Object.fromEntries(series.map((s) => [s.name, s]));
    expect(byName['val_acc']!.steps).toEqual(rec.progress.map((p) => p.step));
    expect(byName['train_loss']!.downsampled).toBe(false);
    // stored phases are computePhases over the stored series; final metrics are the last evaluation
    expect(run.phases).toEqual(computePhases(byName['train_acc'], byName['val_acc']));
    expect(run.final.trainLoss).toBe(byName['train_loss']!.values.at(-1));
    expect(run.final.valAcc).toBe(byName['val_acc']!.values.at(-1));
    expect(run.phases.t2).not.toBeNull(); // p=11 at lr 3e-3 memorises within 1000 steps
    expect(run.checkpoints.map((c) => c.step)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);

    // downsampling for the wire keeps first and last
    const thin = await backend.handlers['runs.metrics']({ id, names: ['train_loss'], maxPoints: 10 });
    expect(thin[0]!.downsampled).toBe(true);
    expect(thin[0]!.steps.length).toBeLessThanOrEqual(10);
    expect(thin[0]!.steps[0]).toBe(0);
    expect(thin[0]!.steps.at(-1)).toBe(1000);

    const list = await backend.handlers['runs.list']({ includeDeleted: false });
    expect(list.find((r) => r.id === id)).toMatchObject({ status: 'completed', task: 'a+b mod 11, r=0.5', model: 'mlp 1x32 e8 relu' });
    straight = { id, valLoss: run.final.valLoss, trainLoss: run.final.trainLoss };
  });
});

describe('controlling a live run', () => {
  it('pauses (no new points while paused), resumes, and cancels; the process exits and data stays', async () => {
    const { id } = await backend.handlers['runs.create']({ config: tinyConfig({ steps: 1_000_000, evalEvery: 10 }) });
    await nextEvent(backend, 'run.progress', (p) => p.runId === id && p.step >= 50);

    await backend.handlers['runs.pause']({ id });
    const paused = await backend.handlers['runs.get']({ id });
    expect(paused.status).toBe('paused');
    const countAtPause = backend.store.metrics.count(id);
    await sleep(600);
    expect(backend.store.metrics.count(id)).toBe(countAtPause);
    const pid = backend.computePid(id)!;
    expect(alive(pid)).toBe(true); // a paused run keeps its process (its weights live there)

    await backend.handlers['runs.resume']({ id });
    expect((await backend.handlers['runs.get']({ id })).status).toBe('running');
    await nextEvent(backend, 'run.progress', (p) => p.runId === id && p.step >= paused.step + 30);

    await backend.handlers['runs.cancel']({ id });
    const cancelled = await backend.handlers['runs.get']({ id });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.error).toBeNull();
    expect(cancelled.step).toBeGreaterThan(paused.step);
    const [valAcc] = await backend.handlers['runs.metrics']({ id, names: ['val_acc'], maxPoints: 100_000 });
    expect(valAcc!.steps.at(-1)).toBeGreaterThanOrEqual(paused.step + 30);
    for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
    expect(alive(pid)).toBe(false);
    await expect(backend.handlers['runs.pause']({ id })).rejects.toThrow(/run \d+ is cancelled; only a running run can be paused/);
  });

  it('queues runs beyond maxConcurrent and cancels a queued run without starting it', async () => {
    const first = await backend.handlers['runs.create']({ config: tinyConfig({ steps: 1_000_000 }) });
    const second = await backend.handlers['runs.create']({ config: tinyConfig({ steps: 100 }) });
    await nextEvent(backend, 'run.progress', (p) => p.runId === first.id);
    expect((await backend.handlers['runs.get']({ id: second.id })).status).toBe('queued');
    await backend.handlers['runs.cancel']({ id: second.id });
    expect((await backend.handlers['runs.get']({ id: second.id })).status).toBe('cancelled');
    expect(backend.store.metrics.count(second.id)).toBe(0);

    // a soft delete of the running run cancels it; restore brings it back into the list
    await backend.handlers['runs.delete']({ id: first.id });
    const deleted = await backend.handlers['runs.get']({ id: first.id });
    expect(deleted).toMatchObject({ status: 'cancelled', deleted: true });
    expect((await backend.handlers['runs.list']({ includeDeleted: false })).some((r) => r.id === first.id)).toBe(false);
    await backend.handlers['runs.restore']({ id: first.id });
    expect((await backend.handlers['runs.list']({ includeDeleted: false })).some((r) => r.id === first.id)).toBe(true);
  });
});

describe('a compute process killed mid-run', () => {
  it('marks the run failed with the reason, keeps the database intact and the stored metrics readable', async () => {
    const config = tinyConfig({ steps: 1000, evalEvery: 10, checkpointEvery: 100 });
    const { id } = await backend.handlers['runs.create']({ config });
    // wait until points have arrived (past the first checkpoint), then kill the process hard
    await nextEvent(backend, 'run.progress', (p) => p.runId === id && p.step >= 130);
    const failed = nextEvent(backend, 'run.status', statusIs(id, 'failed', 'completed'));
    process.kill(backend.computePid(id)!, 'SIGKILL');
    expect((await failed).status).toBe('failed');

    const run = await backend.handlers['runs.get']({ id });
    expect(run.error).toMatch(/^compute process killed by SIGKILL at step \d+$/);
    const killedAt = Number(/at step (\d+)/.exec(run.error!)![1]);
    expect(killedAt).toBeGreaterThanOrEqual(130);
    expect(run.step).toBe(killedAt);

    const check = new Database(dbPath, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
    const [trainAcc] = await backend.handlers['runs.metrics']({ id, names: ['train_acc'], maxPoints: 2000 });
    expect(trainAcc!.steps.length).toBeGreaterThanOrEqual(14);
    expect(trainAcc!.steps.at(-1)).toBe(killedAt);

    // it resumes from its last checkpoint and finishes as the uninterrupted run did
    const ckpts = run.checkpoints.map((c) => c.step);
    expect(ckpts.length).toBeGreaterThanOrEqual(1);
    expect(ckpts.every((s) => s % 100 === 0 && s <= killedAt)).toBe(true);
    const completed = nextEvent(backend, 'run.status', statusIs(id, 'completed', 'failed', 'diverged'));
    await backend.handlers['runs.resume']({ id });
    expect((await completed).status).toBe('completed');
    const resumed = await backend.handlers['runs.get']({ id });
    expect(resumed).toMatchObject({ status: 'completed', step: 1000, error: null });
    const [again] = await backend.handlers['runs.metrics']({ id, names: ['train_acc'], maxPoints: 2000 });
    expect(again!.steps).toEqual(Array.from({ length: 101 }, (_, i) => i * 10));
    expect(straight).not.toBeNull();
    expect(resumed.final.trainLoss).toBeCloseTo(straight!.trainLoss!, 5);
    expect(resumed.final.valLoss).toBeCloseTo(straight!.valLoss!, 5);
  });
});

describe('resuming a minibatch run with noise and a non-Adam optimiser', () => {
  it('gives every metric of the uninterrupted run, bit for bit, after a kill and a resume', async () => {
    const config = tinyConfig(
      { steps: 600, evalEvery: 10, checkpointEvery: 100, checkpointPowersOfTwo: true, batchSize: 16 },
      {
        seed: 5,
        optimizer: {
          kind: 'sgd',
          lr: 0.05,
          momentum: 0.9,
          nesterov: true,
          weightDecay: 0.01,
          clipGradNorm: 5,
          updateNoise: 0.1,
          weightNoise: 0.01,
          warmupSteps: 5,
        },
      },
    );
    const all = async (id: number) =>
      (await backend.handlers['runs.metrics']({ id, maxPoints: 100_000 })).sort((a, b) => a.name.localeCompare(b.name));

    const a = await backend.handlers['runs.create']({ config });
    const aDone = nextEvent(backend, 'run.status', statusIs(a.id, 'completed', 'failed', 'diverged'));
    expect((await aDone).status).toBe('completed');
    const aRun = await backend.handlers['runs.get']({ id: a.id });
    expect(aRun.checkpoints.map((c) => c.step)).toEqual([1, 2, 4, 8, 16, 32, 64, 100, 200, 300, 400, 500, 600]);

    const b = await backend.handlers['runs.create']({ config });
    await nextEvent(backend, 'run.progress', (p) => p.runId === b.id && p.step >= 230);
    const failed = nextEvent(backend, 'run.status', statusIs(b.id, 'failed', 'completed'));
    process.kill(backend.computePid(b.id)!, 'SIGKILL');
    expect((await failed).status).toBe('failed');
    const killed = await backend.handlers['runs.get']({ id: b.id });
    expect(killed.step).toBeLessThan(600);
    expect(killed.checkpoints.at(-1)!.step).toBeGreaterThanOrEqual(200);

    const bDone = nextEvent(backend, 'run.status', statusIs(b.id, 'completed', 'failed', 'diverged'));
    await backend.handlers['runs.resume']({ id: b.id });
    expect((await bDone).status).toBe('completed');
    const straightSeries = await all(a.id);
    const resumedSeries = await all(b.id);
    expect(straightSeries.map((s) => s.name)).toContain('cos_step');
    expect(resumedSeries).toEqual(straightSeries);
  }, 120_000);
});

describe('closing the back end', () => {
  it('stops its compute processes, marks their runs interrupted, and a new back end can resume them', async () => {
    const path = tmp.file('close.db');
    const first = realBackend(path);
    const { id } = await first.handlers['runs.create']({ config: tinyConfig({ steps: 1000, checkpointEvery: 100 }) });
    const queued = await first.handlers['runs.create']({ config: tinyConfig({ steps: 100 }) });
    await nextEvent(first, 'run.progress', (p) => p.runId === id && p.step >= 150);
    const pid = first.computePid(id)!;
    await first.close();
    expect(alive(pid)).toBe(false);

    const second = realBackend(path);
    try {
      const run = await second.handlers['runs.get']({ id });
      expect(run.status).toBe('interrupted');
      expect(run.error).toMatch(/^interrupted: Grokscope closed while the run was running at step \d+$/);
      expect((await second.handlers['runs.get']({ id: queued.id })).error).toBe('interrupted: Grokscope closed before the run started');
      expect(run.checkpoints.length).toBeGreaterThanOrEqual(1);

      const done = nextEvent(second, 'run.status', statusIs(id, 'completed', 'failed', 'diverged'));
      await second.handlers['runs.resume']({ id });
      expect((await done).status).toBe('completed');
      expect(straight).not.toBeNull();
      expect((await second.handlers['runs.get']({ id })).final.valLoss).toBeCloseTo(straight!.valLoss!, 5);
    } finally {
      await second.close();
    }
  });
});
