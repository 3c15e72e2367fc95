// startApp with the real back end (SQLite in a temp folder) behind the electron double: an IPC call from the window
// reaches the real handlers, user mistakes come back as located problems, and quitting closes the database.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

vi.mock('electron', () => import('./app-electron-double').then((m) => m.electron));

import { app, FakeBrowserWindow, FakeEvent, FakeUtilityProcess, ipcMain, resetElectronDouble } from './app-electron-double';
import { IPC_EVENT } from '../../src/shared/api/contract';
import { startApp } from '../../src/main/app/start';
import { IPC_CALL } from '../../src/shared/api/contract';

const settle = (ms = 0) => new Promise((r) => setTimeout(r, ms));
/** polls (the writer flushes on a timer) instead of guessing a delay on a busy machine */
async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v) || Date.now() > end) return v;
    await settle(20);
  }
}
let dir: string;
const savedDb = process.env.GROKSCOPE_DB;

beforeEach(() => {
  resetElectronDouble();
  dir = mkdtempSync(join(tmpdir(), 'grokscope-app-'));
  process.env.GROKSCOPE_DB = join(dir, 'lab.db');
});
afterEach(() => {
  if (savedDb === undefined) delete process.env.GROKSCOPE_DB;
  else process.env.GROKSCOPE_DB = savedDb;
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, params: unknown): Promise<any> {
  const win = FakeBrowserWindow.instances[0]!;
  return ipcMain.handlers.get(IPC_CALL)!({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, method, params);
}

describe('app with the real back end', () => {
  it('answers IPC calls from its window, with the database at GROKSCOPE_DB, and closes it on quit', async () => {
    startApp('/opt/grokscope/out/main');
    await settle();
    expect(existsSync(join(dir, 'lab.db'))).toBe(true);

    // the first app.info asks a compute process which GPU adapters there are; answer as compute.js would
    const asked = call('app.info', {});
    await until(
      async () => FakeUtilityProcess.forks.length,
      (n) => n > 0,
    );
    const probe = FakeUtilityProcess.forks[0]!.child;
    expect(probe.posted).toEqual([{ type: 'gpu-adapters' }]);
    probe.emit('message', { type: 'gpu-adapters', adapters: [], why: 'no Vulkan driver' });
    const info = await asked;
    expect(info.ok).toBe(true);
    expect(info.result.backends.find((b: { name: string }) => b.name === 'webgpu')).toMatchObject({
      available: false,
      note: 'no adapter: no Vulkan driver',
    });
    expect(info.result.mode).toBe('electron');
    expect(info.result.dbPath).toBe(join(dir, 'lab.db'));
    expect(await call('runs.list', {})).toEqual({ ok: true, result: [] });

    const bad = await call('config.validate', {
      name: 'bad.yaml',
      text: 'task: {kind: modular, op: div, p: 12}\nmodel: {kind: mlp}\ntraining: {steps: 10}\n',
    });
    expect(bad.ok).toBe(true);
    expect(bad.result.ok).toBe(false);
    expect(bad.result.problems).toContainEqual(expect.objectContaining({ path: 'task.p', line: 1 }));

    const missing = await call('runs.get', { id: 99 });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const quit = new FakeEvent();
    app.emit('before-quit', quit);
    expect(quit.defaultPrevented).toBe(true);
    expect(
      await until(
        async () => app.quitCalls,
        (n) => n === 1,
      ),
    ).toBe(1);
    expect(ipcMain.handlers.has(IPC_CALL)).toBe(false);
  });

  it('trains a run in a utility process: start message out, protocol messages in, events to the window', async () => {
    startApp('/opt/grokscope/out/main');
    await settle();
    const config = {
      task: { kind: 'modular', op: 'add', p: 5 },
      model: { kind: 'mlp', width: 8, depth: 1 },
      training: { steps: 20, evalEvery: 10 },
    };
    const created = await call('runs.create', { config });
    expect(created.ok).toBe(true);
    const runId = created.result.id;
    await until(
      async () => FakeUtilityProcess.forks.length,
      (n) => n > 0,
    );

    expect(FakeUtilityProcess.forks.map((f) => [f.modulePath, f.options.serviceName])).toEqual([
      [join('/opt/grokscope/out/main/compute.js'), 'Grokscope compute'],
    ]);
    const child = FakeUtilityProcess.forks[0]!.child;
    expect(child.posted[0]).toMatchObject({ type: 'start', runId, config: { task: { p: 5, trainFraction: 0.5 } } });

    // what compute.js would send back
    child.emit('message', { type: 'started', runId, backend: 'cpu', backendNotes: [], paramCount: 100, step: 0 });
    for (const step of [10, 20])
      child.emit('message', {
        type: 'metrics',
        runId,
        step,
        rows: [
          ['train_acc', step, step / 20],
          ['val_acc', step, step / 40],
        ],
      });
    child.emit('message', { type: 'done', runId, step: 20, reason: 'completed' });
    child.emit('exit', 0);

    const run = await until(
      () => call('runs.get', { id: runId }),
      (r) => r.result?.status === 'completed',
    );
    expect(run.result).toMatchObject({ status: 'completed', step: 20, backend: 'cpu' });
    expect(run.result.phases.t2).toBe(20);
    const metrics = await call('runs.metrics', { id: runId, names: ['train_acc'] });
    expect(metrics.result).toEqual([{ name: 'train_acc', steps: [10, 20], values: [0.5, 1], downsampled: false }]);

    const sent = FakeBrowserWindow.instances[0]!.webContents.sent;
    expect(sent.every(([channel]) => channel === IPC_EVENT)).toBe(true);
    const names = sent.map(([, name]) => name);
    expect(names).toContain('run.progress');
    expect(names).toContain('runs.changed');
    expect(sent.filter(([, name]) => name === 'run.status').map(([, , p]) => (p as { status: string }).status)).toContain('completed');

    app.emit('before-quit', new FakeEvent());
    expect(
      await until(
        async () => app.quitCalls,
        (n) => n === 1,
      ),
    ).toBe(1);
  });
});
