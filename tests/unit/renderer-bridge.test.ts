// The renderer's bridge in Electron mode: window.grokscope answers with dispatch envelopes (as the preload does over
// IPC); the bridge unwraps results, throws ApiError with the code and located problems, and passes events through.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type PreloadBridge } from '../../src/shared/api/contract';
import { dispatch } from '../../src/shared/api/dispatch';
import { createBridge } from '../../src/renderer/src/lib/bridge';
import { createBackend, type LocalBackend } from '../../src/main/services/create-backend';
import { createChildLauncher } from '../../src/main/host/child-launcher';

let dir: string;
let backend: LocalBackend;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'grokscope-bridge-'));
  backend = createBackend({ dbPath: path.join(dir, 'runs.db'), launcher: createChildLauncher() });
});
afterAll(async () => {
  await backend.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What main/app + preload do: every call through dispatch, every event to the listener of its name. */
function preloadOver(b: LocalBackend): PreloadBridge {
  return {
    call: (method, input) => dispatch(b.handlers, method, input),
    on: (event, listener) => b.events.subscribe((e, payload) => e === event && listener(payload)),
  };
}

const bridgeFor = () => createBridge({ grokscope: preloadOver(backend) } as unknown as Window & { grokscope: PreloadBridge });

describe('bridge over window.grokscope', () => {
  it('is in electron mode and unwraps results', async () => {
    const bridge = bridgeFor();
    expect(bridge.mode).toBe('electron');
    expect(await bridge.call('runs.list', { includeDeleted: false })).toEqual([]);
    const v = await bridge.call('config.validate', {
      name: 'c.yaml',
      text: 'task: {kind: modular, op: add, p: 23}\nmodel: {kind: mlp}\ntraining: {steps: 10}\n',
    });
    expect(v.ok).toBe(true);
    expect(v.config?.task).toMatchObject({ p: 23 });
  });

  it('throws ApiError with the code and the located problems', async () => {
    const bridge = bridgeFor();
    const text = 'task:\n  kind: modular\n  op: add\n  p: 23\nmodel: {kind: mlp}\ntraining:\n  steps: 0\n';
    const e = await bridge.call('runs.createFromFile', { name: 'bad.yaml', text }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('invalid_input');
    expect((e as ApiError).problems).toEqual([expect.objectContaining({ path: 'training.steps', line: 7 })]);
    const missing = await bridge.call('runs.get', { id: 12345 }).catch((x: unknown) => x);
    expect((missing as ApiError).code).toBe('not_found');
  });

  it('delivers events of the subscribed name only, until unsubscribed', () => {
    const bridge = bridgeFor();
    const got: unknown[] = [];
    const off = bridge.on('runs.changed', (p) => got.push(p));
    backend.events.emit('run.status', { runId: 1, status: 'running', error: null, phases: null });
    backend.events.emit('runs.changed', { reason: 'created' });
    off();
    backend.events.emit('runs.changed', { reason: 'deleted' });
    expect(got).toEqual([{ reason: 'created' }]);
  });
});
