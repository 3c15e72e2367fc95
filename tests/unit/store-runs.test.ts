import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { openStore } from '../../src/main/store';
import { createBackend } from '../../src/main/services/create-backend';
import { processStartId, startTimeFromStat } from '../../src/main/services/process-identity';
import type { ComputeLauncher } from '../../src/main/host/types';
import { OWNER, smallConfig, tempDir } from './store-helpers';

const tmp = tempDir('store-runs');
afterAll(() => tmp.cleanup());

describe('runs repository', () => {
  it('inserts queued runs and reads them back', () => {
    const store = openStore(tmp.file('runs.db'));
    const config = smallConfig({ seed: 3, steps: 500 });
    const id = store.runs.insert({ name: 'first', config, createdAt: '2025-01-01T00:00:00.000Z', owner: OWNER });
    const row = store.runs.get(id)!;
    expect(row).toMatchObject({
      id,
      name: 'first',
      status: 'queued',
      seed: 3,
      totalSteps: 500,
      step: 0,
      backend: null,
      deletedAt: null,
      owner: OWNER,
    });
    expect(row.config).toEqual(config);
    store.runs.setStatus(id, 'running', { backend: 'wasm', backendNotes: ['tensorflow: not installed'], startedAt: 'later', step: 10 });
    expect(store.runs.get(id)).toMatchObject({
      status: 'running',
      backend: 'wasm',
      backendNotes: ['tensorflow: not installed'],
      startedAt: 'later',
      step: 10,
    });
    expect(store.runs.get(12345)).toBeUndefined();
    store.close();
  });

  it('soft-deletes and restores; a purge cascades to metrics, checkpoints and analyses', () => {
    const store = openStore(tmp.file('delete.db'));
    const a = store.runs.insert({ name: 'a', config: smallConfig(), createdAt: 't', owner: OWNER });
    const b = store.runs.insert({ name: 'b', config: smallConfig(), createdAt: 't', owner: OWNER });
    store.metrics.insertBatch(a, [
      ['train_loss', 0, 1],
      ['train_loss', 10, 0.5],
    ]);
    store.checkpoints.save(
      a,
      { step: 10, params: [{ name: 'w', shape: [2], data: new Float32Array([1, 2]) }], optimizer: [], rng: [1] },
      't',
    );
    store.db
      .prepare("INSERT INTO analyses (run_id, kind, params_json, status, created_at) VALUES (?, 'hessian', '{}', 'queued', 't')")
      .run(a);

    expect(store.runs.softDelete(a, 'when')).toBe(true);
    expect(store.runs.softDelete(a, 'again')).toBe(false);
    expect(store.runs.list().map((r) => r.id)).toEqual([b]);
    expect(store.runs.list({ includeDeleted: true }).map((r) => r.id)).toEqual([b, a]);
    expect(store.metrics.count(a)).toBe(2); // a soft delete keeps the data
    store.runs.restore(a);
    expect(store.runs.list().map((r) => r.id)).toEqual([b, a]);

    store.runs.purge(a);
    expect(store.metrics.count(a)).toBe(0);
    expect(store.checkpoints.list(a)).toEqual([]);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM analyses').get()).toEqual({ n: 0 });
    expect(store.runs.get(b)).toBeDefined();
    store.close();
  });

  it('marks runs left active by a dead process interrupted, and leaves live owners and finished runs alone', () => {
    const store = openStore(tmp.file('interrupted.db'));
    const dead = { host: 'h', pid: 111 };
    const live = { host: 'h', pid: 222 };
    const mk = (owner: typeof dead) => store.runs.insert({ name: 'x', config: smallConfig(), createdAt: 't', owner });
    const running = mk(dead);
    store.runs.setStatus(running, 'running', { step: 1234 });
    const paused = mk(dead);
    store.runs.setStatus(paused, 'paused', { step: 50 });
    const queued = mk(dead);
    const done = mk(dead);
    store.runs.setStatus(done, 'completed');
    const other = mk(live);
    store.runs.setStatus(other, 'running');

    const ids = store.runs.markInterrupted('now', (o) => o.pid === live.pid);
    expect(ids).toEqual([running, paused, queued]);
    expect(store.runs.get(running)).toMatchObject({
      status: 'interrupted',
      finishedAt: 'now',
      error: 'interrupted: Grokscope stopped while the run was running at step 1234',
    });
    expect(store.runs.get(paused)!.error).toBe('interrupted: Grokscope stopped while the run was paused at step 50');
    expect(store.runs.get(queued)!.error).toBe('interrupted: Grokscope stopped while the run was queued');
    expect(store.runs.get(done)!.status).toBe('completed');
    expect(store.runs.get(other)!.status).toBe('running');
    store.close();
  });
});

describe('run owners and cancel requests', () => {
  it('stores the owner start time, and keeps a cancel request only while the run is active', () => {
    const store = openStore(tmp.file('owner-started.db'));
    const owner = { host: 'h', pid: 7, started: 'boot/123' };
    const id = store.runs.insert({ name: 'a', config: smallConfig(), createdAt: 't', owner });
    expect(store.runs.get(id)!.owner).toEqual(owner);
    expect(store.runs.requestCancel(id, 't')).toBe(true);
    store.runs.setStatus(id, 'running', { owner: { host: 'h', pid: 8 } });
    expect(store.runs.get(id)!.owner).toEqual({ host: 'h', pid: 8, started: null });
    store.runs.setStatus(id, 'paused');
    expect(store.runs.cancelRequested([id, id + 1])).toEqual([id]);
    store.runs.setStatus(id, 'cancelled');
    expect(store.runs.cancelRequested([id])).toEqual([]);
    expect(store.runs.requestCancel(id, 't')).toBe(false);
    store.close();
  });

  it("reads a process's start time from /proc/PID/stat, whatever its command name holds", () => {
    const rest = ' S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 987654 20 21';
    expect(startTimeFromStat(`42 (node)${rest}`)).toBe('987654');
    expect(startTimeFromStat(`42 (a) b (c) d)${rest}`)).toBe('987654');
    expect(startTimeFromStat('42 (node) S 1')).toBeNull();
    expect(processStartId(process.pid)).toEqual(process.platform === 'linux' ? expect.stringMatching(/^.+\/\d+$/) : null);
  });
});

describe('createBackend at startup', () => {
  it('turns runs a crashed Grokscope left running into interrupted ones, keeping their data readable', async () => {
    const path = tmp.file('crashed.db');
    // a pid that surely belonged to a process that has exited
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const store = openStore(path);
    const id = store.runs.insert({ name: 'crashed', config: smallConfig(), createdAt: 't', owner: { host: hostname(), pid: deadPid } });
    store.runs.setStatus(id, 'running', { step: 40, startedAt: 't' });
    store.metrics.insertBatch(id, [
      ['train_acc', 0, 0.1],
      ['train_acc', 40, 0.9],
    ]);
    store.close();

    const noCompute: ComputeLauncher = {
      launch: () => {
        throw new Error('nothing here should start a compute process');
      },
    };
    const backend = createBackend({ dbPath: path, launcher: noCompute });
    const run = await backend.handlers['runs.get']({ id });
    expect(run.status).toBe('interrupted');
    expect(run.error).toBe('interrupted: Grokscope stopped while the run was running at step 40');
    const [series] = await backend.handlers['runs.metrics']({ id, names: ['train_acc'], maxPoints: 2000 });
    expect(series).toEqual({ name: 'train_acc', steps: [0, 40], values: [0.1, 0.9], downsampled: false });
    await backend.close();
  });
});
