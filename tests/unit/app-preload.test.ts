// The preload exposes exactly `call`, `on` and the desktop extras as window.grokscope, refuses names outside the
// contract, hands the page payloads only (never the IpcRendererEvent or ipcRenderer), and turns dropped File objects
// into paths with webUtils.getPathForFile (a File the page made up has no path).
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./app-electron-double').then((m) => m.electron));

import { contextBridge, ipcRenderer, resetElectronDouble, webUtils } from './app-electron-double';
import { EVENT_NAMES, IPC_CALL, IPC_EVENT, type PreloadBridge } from '../../src/shared/api/contract';
import { IPC_DESKTOP } from '../../src/shared/api/desktop';

let bridge: PreloadBridge;

beforeAll(async () => {
  resetElectronDouble();
  await import('../../src/preload/index');
  bridge = contextBridge.exposed.get('grokscope') as PreloadBridge;
});
beforeEach(() => {
  ipcRenderer.invoked.length = 0;
  ipcRenderer.listeners.clear();
});

describe('preload bridge', () => {
  it('exposes one key, grokscope, with exactly call, on and the desktop functions', () => {
    expect([...contextBridge.exposed.keys()]).toEqual(['grokscope']);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'desktop', 'on']);
    expect(Object.keys(bridge.desktop!).sort()).toEqual(['dropFiles', 'exportRunFigures', 'onCommand', 'setTheme', 'takeOpenedConfigs']);
    const fns = [bridge.call, bridge.on, ...Object.values(bridge.desktop!)];
    expect(fns.every((v) => typeof v === 'function')).toBe(true);
    expect(fns).not.toContain(ipcRenderer);
  });

  it('sends the paths of dropped files (webUtils.getPathForFile), never their contents', async () => {
    const real = new File(['{}'], 'a.grok.json');
    const madeUp = new File(['{}'], 'b.json');
    webUtils.paths.set(real, '/home/me/a.grok.json');
    ipcRenderer.reply = [];
    await bridge.desktop!.dropFiles([real, madeUp]);
    expect(ipcRenderer.invoked).toEqual([[IPC_DESKTOP.drop, ['/home/me/a.grok.json', '']]]);
    // a path made up by the page never reaches main as a path
    await bridge.desktop!.dropFiles(['/etc/passwd.json', { path: '/etc/passwd.json' }, null]);
    expect(ipcRenderer.invoked[1]).toEqual([IPC_DESKTOP.drop, ['', '', '']]);
  });

  it('asks for opened configs and figure export on their channels, and forwards menu commands only', async () => {
    await bridge.desktop!.takeOpenedConfigs();
    await bridge.desktop!.exportRunFigures(7, { smoothing: 0.5 });
    await bridge.desktop!.setTheme('dark');
    expect(ipcRenderer.invoked).toEqual([
      [IPC_DESKTOP.takeOpened],
      [IPC_DESKTOP.exportFigures, 7, { smoothing: 0.5 }],
      [IPC_DESKTOP.theme, 'dark'],
    ]);
    const got: unknown[][] = [];
    const off = bridge.desktop!.onCommand((...args: unknown[]) => got.push(args));
    ipcRenderer.emit(IPC_DESKTOP.command, { sender: ipcRenderer }, { kind: 'navigate', path: '/runs/3' });
    expect(got).toEqual([[{ kind: 'navigate', path: '/runs/3' }]]);
    off();
    expect(ipcRenderer.listenerCount(IPC_DESKTOP.command)).toBe(0);
  });

  it('invokes the call channel for contract methods and returns the envelope', async () => {
    ipcRenderer.reply = { ok: true, result: [{ id: 1 }] };
    await expect(bridge.call('runs.list', { includeDeleted: true })).resolves.toEqual({ ok: true, result: [{ id: 1 }] });
    expect(ipcRenderer.invoked).toEqual([[IPC_CALL, 'runs.list', { includeDeleted: true }]]);
  });

  it('refuses method names outside the contract without touching IPC', async () => {
    for (const name of ['runs.drop', 'constructor', '__proto__', 'toString', '', 42 as unknown as string]) {
      const reply = await bridge.call(name, {});
      expect(reply.ok, String(name)).toBe(false);
      if (!reply.ok) expect(reply.error.code).toBe('unknown_method');
    }
    expect(ipcRenderer.invoked).toEqual([]);
  });

  it('refuses event names outside the contract', () => {
    expect(() => bridge.on('run.secret', () => {})).toThrow(/unknown event "run\.secret"/);
    expect(() => bridge.on('__proto__', () => {})).toThrow(/unknown event/);
    expect(ipcRenderer.listenerCount(IPC_EVENT)).toBe(0);
  });

  it('passes only the payload of the named event, never the IpcRendererEvent, and unsubscribes', () => {
    const got: unknown[][] = [];
    const off = bridge.on('run.progress', (...args: unknown[]) => got.push(args));
    const ipcEvent = { sender: ipcRenderer, senderId: 0, ports: [] };
    const progress = { runId: 1, step: 10, totalSteps: 100, points: [{ name: 'train_acc', step: 10, value: 0.5 }] };
    ipcRenderer.emit(IPC_EVENT, ipcEvent, 'run.progress', progress);
    ipcRenderer.emit(IPC_EVENT, ipcEvent, 'runs.changed', { reason: 'created' });
    expect(got).toEqual([[progress]]);
    off();
    ipcRenderer.emit(IPC_EVENT, ipcEvent, 'run.progress', progress);
    expect(got).toHaveLength(1);
    expect(ipcRenderer.listenerCount(IPC_EVENT)).toBe(0);
  });

  it('accepts every contract event', () => {
    for (const name of EVENT_NAMES) bridge.on(name, () => {})();
    expect(ipcRenderer.listenerCount(IPC_EVENT)).toBe(0);
  });
});
