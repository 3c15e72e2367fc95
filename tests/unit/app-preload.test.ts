// The preload exposes exactly `call` and `on` as window.grokscope, refuses names outside the contract,
// and hands the page payloads only (never the IpcRendererEvent or ipcRenderer).
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./app-electron-double').then((m) => m.electron));

import { contextBridge, ipcRenderer, resetElectronDouble } from './app-electron-double';
import { EVENT_NAMES, IPC_CALL, IPC_EVENT, type PreloadBridge } from '../../src/shared/api/contract';

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
  it('exposes one key, grokscope, with exactly call and on', () => {
    expect([...contextBridge.exposed.keys()]).toEqual(['grokscope']);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'on']);
    expect(Object.values(bridge).every((v) => typeof v === 'function')).toBe(true);
    expect(Object.values(bridge)).not.toContain(ipcRenderer);
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
