// The app's life cycle (startApp, all that index.ts calls): single instance, the back end at the right database with
// the utility launcher, a hardened window loading the renderer, IPC bound, the back end closed before quitting, and a
// readable startup failure.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';

vi.mock('electron', () => import('./app-electron-double').then((m) => m.electron));
const createBackend = vi.hoisted(() => vi.fn());
vi.mock('../../src/main/services/create-backend', () => ({ createBackend }));

import {
  app,
  dialog,
  FakeBrowserWindow,
  FakeEvent,
  FakeUtilityProcess,
  ipcMain,
  resetElectronDouble,
  session,
} from './app-electron-double';
import { startApp } from '../../src/main/app/start';
import { IPC_CALL } from '../../src/shared/api/contract';

const mainDir = '/opt/grokscope/resources/app.asar/out/main';
const settle = () => new Promise((r) => setTimeout(r, 0));

function fakeBackend() {
  let closed = 0;
  return {
    backend: {
      handlers: { 'runs.list': async () => [] },
      events: { emit() {}, subscribe: () => () => {} },
      dbPath: '',
      close: async () => void closed++,
    },
    closed: () => closed,
  };
}

async function start(): Promise<void> {
  startApp(mainDir);
  await settle();
}

const savedEnv = { ...process.env };
beforeEach(() => {
  resetElectronDouble();
  createBackend.mockReset();
  delete process.env.GROKSCOPE_DB;
  delete process.env.ELECTRON_RENDERER_URL;
  delete process.env.GROKSCOPE_REDIS;
});
afterEach(() => {
  process.env = { ...savedEnv };
});

describe('app start', () => {
  it('quits at once when another instance holds the lock', async () => {
    app.singleInstanceLock = false;
    await start();
    expect(app.quitCalls).toBe(1);
    expect(createBackend).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toEqual([]);
  });

  it('opens the back end at userData/grokscope.db, a hardened window loading out/renderer/index.html, and binds IPC', async () => {
    createBackend.mockReturnValue(fakeBackend().backend);
    await start();
    expect(createBackend).toHaveBeenCalledTimes(1);
    const opts = createBackend.mock.calls[0]![0];
    expect(opts.dbPath).toBe(join('/fake/userData', 'grokscope.db'));
    expect(opts.mode).toBe('electron');
    expect(typeof opts.launcher.launch).toBe('function');
    expect(session.defaultSession.headersListener).not.toBeNull();
    expect(session.defaultSession.permissionRequestHandler).not.toBeNull();
    const [win] = FakeBrowserWindow.instances;
    expect(win!.options.webPreferences.preload).toBe(join('/opt/grokscope/resources/app.asar/out/preload/index.cjs'));
    expect(win!.options.webPreferences.sandbox).toBe(true);
    expect(win!.options.icon).toBe(join('/fake/app/resources/icon.png'));
    expect(win!.loaded).toEqual({ file: join('/opt/grokscope/resources/app.asar/out/renderer/index.html') });
    // every web contents gets the guards (through app 'web-contents-created')
    expect(win!.webContents.windowOpenHandler).not.toBeNull();
    expect(ipcMain.handlers.has(IPC_CALL)).toBe(true);
  });

  it('forks compute from out/main/compute.js', async () => {
    createBackend.mockReturnValue(fakeBackend().backend);
    await start();
    createBackend.mock.calls[0]![0].launcher.launch();
    expect(FakeUtilityProcess.forks.map((f) => f.modulePath)).toEqual([join(mainDir, 'compute.js')]);
  });

  it('keeps sweeps on this machine by default, and says why when its Redis setting cannot be used', async () => {
    createBackend.mockReturnValue(fakeBackend().backend);
    await start();
    expect(createBackend.mock.calls[0]![0].sweepExecutor).toBeUndefined();
    expect(dialog.messages).toEqual([]);
    resetElectronDouble();
    createBackend.mockReset();
    createBackend.mockReturnValue(fakeBackend().backend);
    process.env.GROKSCOPE_REDIS = 'http://lab:6379';
    await start();
    await settle();
    expect(createBackend.mock.calls[0]![0].sweepExecutor).toBeUndefined();
    expect(dialog.messages).toEqual([
      {
        type: 'warning',
        message: 'Sweeps will run on this machine',
        detail: 'GROKSCOPE_REDIS must be a redis:// or rediss:// (TLS) URL, got http://',
      },
    ]);
  });

  it('honours GROKSCOPE_DB and the dev server URL', async () => {
    process.env.GROKSCOPE_DB = '/data/lab.db';
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173/';
    createBackend.mockReturnValue(fakeBackend().backend);
    await start();
    expect(createBackend.mock.calls[0]![0].dbPath).toBe(join('/data/lab.db'));
    expect(FakeBrowserWindow.instances[0]!.loaded).toEqual({ url: 'http://localhost:5173/' });
  });

  it('never uses a dev server URL when packaged', async () => {
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173/';
    app.isPackaged = true;
    createBackend.mockReturnValue(fakeBackend().backend);
    await start();
    expect(FakeBrowserWindow.instances[0]!.loaded).toEqual({ file: join(mainDir, '..', 'renderer', 'index.html') });
  });

  it('closes the back end once before quitting, then quits', async () => {
    const fake = fakeBackend();
    createBackend.mockReturnValue(fake.backend);
    await start();
    const first = new FakeEvent();
    app.emit('before-quit', first);
    expect(first.defaultPrevented).toBe(true);
    app.emit('before-quit', new FakeEvent());
    await settle();
    expect(fake.closed()).toBe(1);
    expect(ipcMain.handlers.has(IPC_CALL)).toBe(false);
    // the deferred quit, now that the back end is closed, goes through
    expect(app.quitCalls).toBe(1);
    const after = new FakeEvent();
    app.emit('before-quit', after);
    expect(after.defaultPrevented).toBe(false);
  });

  it('quits when the window is closed', async () => {
    createBackend.mockReturnValue(fakeBackend().backend);
    await start();
    FakeBrowserWindow.instances[0]!.emit('closed');
    app.emit('window-all-closed');
    expect(app.quitCalls).toBe(1);
  });

  it('shows why it could not start (no stack trace) and exits 1', async () => {
    createBackend.mockImplementation(() => {
      throw new Error('database /x.db was written by a newer Grokscope (schema 9 > 3)');
    });
    await start();
    expect(dialog.errors).toEqual([['Grokscope could not start', 'database /x.db was written by a newer Grokscope (schema 9 > 3)']]);
    expect(app.exitCode).toBe(1);
    expect(FakeBrowserWindow.instances).toEqual([]);
  });
});
