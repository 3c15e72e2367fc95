// The back end's API handlers that need no compute process, called through dispatch() as every transport does.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBackend, type LocalBackend } from '../../src/main/services/create-backend';
import { dispatch } from '../../src/shared/api/dispatch';
import { probeBackends } from '../../src/main/services/app-info';
import { webgpuBackendReport } from '../../src/main/services/gpu-adapters';
import type { ComputeLauncher } from '../../src/main/host/types';
import type { EventName } from '../../src/shared/api/contract';
import { tempDir } from './store-helpers';

const tmp = tempDir('store-handlers');
afterAll(() => tmp.cleanup());

/** Launching fails at once: the run must end 'failed' with the reason, and nothing else may break. */
const brokenLauncher: ComputeLauncher = {
  launch: () => {
    throw new Error('spawn ENOENT');
  },
};

let backend: LocalBackend;
let n = 0;
beforeEach(() => {
  backend = createBackend({ dbPath: tmp.file(`h${n++}.db`), launcher: brokenLauncher, mode: 'electron' });
});
afterEach(async () => {
  await backend.close();
});

const GOOD = JSON.stringify({
  task: { kind: 'modular', op: 'sub', p: 13 },
  model: { kind: 'transformer', layers: 1, dModel: 32, heads: 4, dMlp: 64 },
  training: { steps: 100 },
});

describe('API handlers', () => {
  it('app.info reports version, database, mode and which TF.js backends are installed', async () => {
    const r = await dispatch(backend.handlers, 'app.info', {});
    expect(r.ok).toBe(true);
    const info = (
      r as { result: { version: string; dbPath: string; mode: string; backends: { name: string; available: boolean; note: string }[] } }
    ).result;
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.dbPath).toBe(backend.dbPath);
    expect(info.mode).toBe('electron');
    expect(info.backends.map((b) => [b.name, b.available])).toEqual([
      ['tensorflow', false], // neither tfjs-node package can be installed here
      ['webgpu', false], // this back end's compute processes cannot start, so no adapter could be listed
      ['wasm', true],
      ['cpu', true],
    ]);
    expect(info.backends[1]!.note).toMatch(/^no adapter: looking for a GPU failed: /);
    const withGpu = probeBackends((pkg) => pkg !== '@tensorflow/tfjs-node');
    expect(withGpu[0]).toMatchObject({ name: 'tensorflow', available: true });
    expect(withGpu[0]!.note).toContain('tfjs-node-gpu');
  });

  it("webgpu's line: auto's hardware adapter, a software adapter only by name, or why there is none", () => {
    const gpu = (description: string, software: boolean) => ({ vendor: 'v', architecture: 'a', description, software });
    expect(webgpuBackendReport({ adapters: [gpu('RTX 4090', false), gpu('SwiftShader', true)], why: null })).toMatchObject({
      available: true,
      note: 'RTX 4090: auto trains on it',
    });
    expect(webgpuBackendReport({ adapters: [gpu('llvmpipe', true)], why: null }).note).toBe(
      'only a software adapter (llvmpipe): correct but slow; auto skips it, backend webgpu uses it',
    );
    expect(webgpuBackendReport({ adapters: [], why: 'libvulkan.so.1 is not installed' })).toEqual({
      name: 'webgpu',
      available: false,
      note: 'no adapter: libvulkan.so.1 is not installed',
      adapters: [],
    });
  });

  it('config.validate returns located problems or the parsed config', async () => {
    const bad = await backend.handlers['config.validate']({
      name: 'x.yaml',
      text: 'task:\n  kind: modular\n  op: div\n  p: 12\nmodel: {kind: mlp}\ntraining: {steps: 1}\n',
    });
    expect(bad.ok).toBe(false);
    expect(bad.problems).toEqual([{ path: 'task.p', message: 'must be prime for op "div", got 12', line: 4 }]);
    const good = await backend.handlers['config.validate']({ name: 'x.json', text: GOOD });
    expect(good).toMatchObject({ ok: true, kind: 'run', problems: [] });
    expect(good.config!.optimizer.weightDecay).toBe(1); // defaults filled in
  });

  it('runs.createFromFile refuses an invalid file with invalid_input and the problems', async () => {
    const r = await dispatch(backend.handlers, 'runs.createFromFile', { name: 'bad.json', text: '{"task": 1}' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_input');
    expect(r.error.message).toContain('bad.json:1: task:');
    expect(r.error.problems!.map((p) => p.path)).toEqual(['task', 'model', 'training']);
    expect(await backend.handlers['runs.list']({ includeDeleted: true })).toEqual([]);
  });

  it('a run whose compute process cannot start ends failed with the reason, and events say so', async () => {
    const events: [EventName, unknown][] = [];
    backend.events.subscribe((e, p) => events.push([e, p]));
    const r = await dispatch(backend.handlers, 'runs.createFromFile', { name: 'good.json', text: GOOD });
    expect(r.ok).toBe(true);
    const id = (r as { result: { id: number } }).result.id;
    const run = await backend.handlers['runs.get']({ id });
    expect(run).toMatchObject({ status: 'failed', error: 'could not start a compute process: spawn ENOENT', deleted: false });
    expect(run.name).toBe('a-b mod 13, r=0.5 · transformer 1L d32 h4 · seed 0');
    expect(events.map(([e, p]) => (e === 'run.status' ? `${e}:${(p as { status: string }).status}` : e))).toEqual([
      'runs.changed',
      'run.status:queued',
      'run.status:failed',
    ]);
    // failed without a checkpoint: resume explains what would make it resumable
    await expect(backend.handlers['runs.resume']({ id })).rejects.toThrow(/no checkpoint to continue from; set training.checkpointEvery/);
    await expect(backend.handlers['runs.cancel']({ id })).rejects.toThrow(`run ${id} is already failed`);
  });

  it('unknown run ids are not_found; soft delete and restore change the list and emit runs.changed', async () => {
    const missing = await dispatch(backend.handlers, 'runs.get', { id: 42 });
    expect(missing).toEqual({ ok: false, error: { code: 'not_found', message: 'no run with id 42' } });
    const { id } = await backend.handlers['runs.createFromFile']({ name: 'good.json', text: GOOD });
    const changes: string[] = [];
    backend.events.subscribe((e, p) => e === 'runs.changed' && changes.push((p as { reason: string }).reason));
    await backend.handlers['runs.delete']({ id });
    expect(await backend.handlers['runs.list']({ includeDeleted: false })).toEqual([]);
    expect((await backend.handlers['runs.list']({ includeDeleted: true }))[0]).toMatchObject({ id, deleted: true });
    await backend.handlers['runs.restore']({ id });
    expect((await backend.handlers['runs.list']({ includeDeleted: false }))[0]).toMatchObject({ id, deleted: false });
    expect(changes).toEqual(['deleted', 'restored']);
  });

  it('runs.metrics returns an empty series for a metric with no points', async () => {
    const { id } = await backend.handlers['runs.createFromFile']({ name: 'good.json', text: GOOD });
    expect(await backend.handlers['runs.metrics']({ id, names: ['val_acc'], maxPoints: 100 })).toEqual([
      { name: 'val_acc', steps: [], values: [], downsampled: false },
    ]);
    expect(await backend.handlers['runs.metrics']({ id, maxPoints: 100 })).toEqual([]);
  });

  it('runs.metrics with full returns every stored point, where maxPoints thins the series', async () => {
    const { id } = await backend.handlers['runs.createFromFile']({ name: 'good.json', text: GOOD });
    const steps = Array.from({ length: 500 }, (_, i) => i);
    backend.store.metrics.insertBatch(
      id,
      steps.map((s) => ['train_loss', s, Math.sin(s)] as [string, number, number]),
    );
    const [thin] = await backend.handlers['runs.metrics']({ id, names: ['train_loss'], maxPoints: 50 });
    expect(thin!.downsampled).toBe(true);
    expect(thin!.steps.length).toBeLessThanOrEqual(50);
    const [all] = await backend.handlers['runs.metrics']({ id, names: ['train_loss'], maxPoints: 50, full: true });
    expect(all).toEqual({ name: 'train_loss', steps, values: steps.map((s) => Math.sin(s)), downsampled: false });
  });
});
