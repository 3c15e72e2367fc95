// The IPC binding: calls only from our window's main frame on an app URL, through the shared dispatcher;
// back-end events forwarded to the window.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { pathToFileURL } from 'node:url';

vi.mock('electron', () => import('./app-electron-double').then((m) => m.electron));

import { FakeBrowserWindow, FakeFrame, ipcMain, resetElectronDouble } from './app-electron-double';
import { bindIpc } from '../../src/main/app/ipc';
import { appUrls } from '../../src/main/app/app-url';
import { IPC_CALL, IPC_EVENT, METHOD_NAMES, type ApiHandlers, type EventName, type EventPayloads } from '../../src/shared/api/contract';
import type { Backend, EventBus, EventListener } from '../../src/main/services/backend-api';

const rendererIndexFile = '/opt/grokscope/out/renderer/index.html';
const urls = appUrls({ rendererIndexFile, devServerUrl: null });
const appUrl = pathToFileURL(rendererIndexFile).href;

function fakeBackend() {
  const calls: [string, unknown][] = [];
  const handlers = Object.fromEntries(
    METHOD_NAMES.map((m) => [m, vi.fn(async (input: unknown) => (calls.push([m, input]), { ok: true, echo: input }))]),
  ) as unknown as ApiHandlers;
  const listeners = new Set<EventListener>();
  const events: EventBus = {
    emit: (event, payload) => listeners.forEach((l) => l(event, payload)),
    subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
  };
  const backend: Backend = { handlers, events, dbPath: ':memory:', close: async () => {} };
  return { backend, calls, listeners };
}

function setup() {
  const window = new FakeBrowserWindow({});
  window.webContents.mainFrame.url = appUrl;
  const { backend, calls, listeners } = fakeBackend();
  const unbind = bindIpc({ window: window as never, backend, isAppUrl: urls.isAppUrl });
  const handler = ipcMain.handlers.get(IPC_CALL)!;
  const invoke = (senderFrame: FakeFrame | null, method: unknown, params: unknown, sender: unknown = window.webContents) =>
    handler({ sender, senderFrame }, method, params) as Promise<any>;
  return { window, backend, calls, listeners, unbind, invoke };
}

beforeEach(() => resetElectronDouble());

describe('IPC calls', () => {
  it('dispatches a call from our main frame to the handler with the parsed input', async () => {
    const { window, calls, invoke } = setup();
    const reply = await invoke(window.webContents.mainFrame, 'runs.list', {});
    expect(reply).toEqual({ ok: true, result: { ok: true, echo: { includeDeleted: false } } });
    expect(calls).toEqual([['runs.list', { includeDeleted: false }]]);
  });

  it('refuses a sub-frame, a foreign page, another window and a missing frame, without calling the handler', async () => {
    const { window, calls, invoke } = setup();
    const other = new FakeBrowserWindow({});
    other.webContents.mainFrame.url = appUrl;
    const ours = window.webContents;
    const cases: [string, () => [FakeFrame | null, unknown]][] = [
      ['an iframe showing our page', () => [new FakeFrame(appUrl, ours.mainFrame.processId), ours]],
      ['our main frame navigated to a foreign page', () => ((ours.mainFrame.url = 'https://evil.example/'), [ours.mainFrame, ours])],
      ['our main frame showing another local file', () => ((ours.mainFrame.url = 'file:///tmp/evil.html'), [ours.mainFrame, ours])],
      ['another window', () => [other.webContents.mainFrame, other.webContents]],
      ['a frame that is gone', () => [null, ours]],
    ];
    for (const [label, arrange] of cases) {
      ours.mainFrame.url = appUrl;
      const [frame, sender] = arrange();
      const reply = await invoke(frame, 'runs.list', {}, sender);
      expect(reply.ok, label).toBe(false);
      expect(reply.error.code, label).toBe('unauthorized');
    }
    expect(calls).toEqual([]);
    // and the same call from our main frame on our page goes through
    ours.mainFrame.url = appUrl;
    expect((await invoke(ours.mainFrame, 'runs.list', {})).ok).toBe(true);
  });

  it('answers invalid input with invalid_input naming the field, and unknown methods with unknown_method', async () => {
    const { window, calls, invoke } = setup();
    const bad = await invoke(window.webContents.mainFrame, 'runs.get', { id: -3 });
    expect(bad.ok).toBe(false);
    expect(bad.error.code).toBe('invalid_input');
    expect(bad.error.message).toMatch(/id/);
    const unknown = await invoke(window.webContents.mainFrame, 'fs.readFile', { path: '/etc/passwd' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(calls).toEqual([]);
  });

  it('unbinding removes the handler and stops forwarding events (and can be called twice)', () => {
    const { listeners, unbind } = setup();
    expect(listeners.size).toBe(1);
    unbind();
    unbind();
    expect(ipcMain.handlers.has(IPC_CALL)).toBe(false);
    expect(listeners.size).toBe(0);
  });
});

describe('IPC events', () => {
  it('forwards back-end events to the window as (name, payload) and stops once the window is gone', () => {
    const { window, backend } = setup();
    const payload: EventPayloads['runs.changed'] = { reason: 'created' };
    backend.events.emit('runs.changed' as EventName, payload);
    expect(window.webContents.sent).toEqual([[IPC_EVENT, 'runs.changed', payload]]);
    window.webContents.destroyed = true;
    backend.events.emit('runs.changed', { reason: 'deleted' });
    expect(window.webContents.sent).toHaveLength(1);
  });
});
