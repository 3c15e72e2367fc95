// `grokscope serve` keeps serving, and its training run keeps training, when a client sends config text nested
// deep enough to have aborted the process (the YAML composer recursing past the stack's end).
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { tempDir, tinyConfig } from './backend-helpers';
import { startServe } from './serve-process';

const tmp = tempDir('serve-nesting');
afterAll(() => tmp.cleanup());

const PAYLOADS = { 'brackets.yaml': '['.repeat(1000), 'dashes.yaml': '- '.repeat(1000) + 'x' };

describe('grokscope serve and deeply nested config text', () => {
  it('answers every nested payload with the depth problem while a run trains to the end', async () => {
    const serve = startServe(tmp.file('serve.db'), tmp.dir);
    try {
      const url = await serve.url;
      const ws = new WebSocket(`ws://${url.host}/api?token=${url.searchParams.get('token')}`);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const waiting = new Map<number, (reply: Record<string, unknown>) => void>();
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { id?: number };
        if (frame.id === undefined) return;
        waiting.get(frame.id)?.(frame);
        waiting.delete(frame.id);
      });
      let nextId = 1;
      const call = (method: string, params: unknown) =>
        new Promise<Record<string, unknown>>((resolve, reject) => {
          const id = nextId++;
          waiting.set(id, resolve);
          ws.send(JSON.stringify({ id, method, params }));
          setTimeout(() => reject(new Error(`${method}: no answer in 20 s; serve said: ${serve.stderr()}`)), 20_000);
        });

      const created = await call('runs.create', { config: tinyConfig({ steps: 4000, evalEvery: 50 }) });
      expect(created).toMatchObject({ ok: true });
      const runId = (created['result'] as { id: number }).id;
      const statusOf = async () => (await call('runs.get', { id: runId }))['result'] as { status: string; step: number };
      // the payloads must reach a server that is training, not one whose run has not started or has ended
      const startBy = Date.now() + 60_000;
      while ((await statusOf()).status !== 'running' && Date.now() < startBy) await new Promise((r) => setTimeout(r, 100));
      expect((await statusOf()).status).toBe('running');

      for (const [name, text] of Object.entries(PAYLOADS)) {
        const validated = await call('config.validate', { name, text });
        expect(JSON.stringify(validated), name).toMatch(/more than 64 levels deep/);
        expect(validated).toMatchObject({ ok: true, result: { ok: false } });
        for (const method of ['runs.createFromFile', 'sweeps.createFromFile']) {
          const r = await call(method, { name, text });
          expect(r, `${method} ${name}`).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
          expect(JSON.stringify(r), `${method} ${name}`).toMatch(/more than 64 levels deep/);
        }
      }
      expect((await statusOf()).status, 'still training after the payloads').toBe('running');
      const listed = await call('runs.list', {});
      expect(listed).toMatchObject({ ok: true });
      expect((listed['result'] as { id: number }[]).map((r) => r.id)).toEqual([runId]);

      const deadline = Date.now() + 150_000;
      let status = '';
      while (Date.now() < deadline) {
        status = (await statusOf()).status;
        if (!['queued', 'running'].includes(status)) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe('completed');
      ws.close();
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    expect(serve.stderr()).not.toMatch(/FATAL|RangeError/);
  }, 200_000);
});
