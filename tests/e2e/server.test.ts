// Browser-mode server over real sockets: static files with security headers and no traversal, the token and Origin
// checks on the WebSocket, the envelope protocol through the shared dispatcher, event forwarding, and bad input.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../src/main/server';
import { resolveInside } from '../../src/main/server/static';
import { tokenMatches } from '../../src/main/server/token';
import { originAllowed } from '../../src/main/server/origin';
import { createBackend, type LocalBackend } from '../../src/main/services/create-backend';
import { createChildLauncher } from '../../src/main/host/child-launcher';

let dir: string;
let staticDir: string;
let backend: LocalBackend;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'grokscope-server-'));
  staticDir = path.join(dir, 'www');
  mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>test page</title>');
  writeFileSync(path.join(staticDir, 'assets', 'app-1234.js'), 'console.log(1)');
  // A file beside the served folder that no request may reach.
  writeFileSync(path.join(dir, 'secret.txt'), 'TOP SECRET');
  backend = createBackend({ dbPath: path.join(dir, 'runs.db'), launcher: createChildLauncher() });
  server = await startServer({ backend, port: 0, staticDir });
});

afterAll(async () => {
  await server?.close();
  await backend?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw GET, so that paths like /../x reach the server unnormalised. */
function get(rawPath: string, headers: Record<string, string> = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: rawPath, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

const apiUrl = (token: string | null): string =>
  `ws://127.0.0.1:${server.port}/api${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;

/** Sends one frame and waits for the reply with that id (or the first reply without an id). */
function roundTrip(ws: WebSocket, frame: string, id: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const msg = JSON.parse(data.toString()) as Record<string, unknown>;
      if ('event' in msg) return;
      if (msg['id'] === id || (id === undefined && msg['id'] === null)) {
        ws.off('message', onMessage);
        resolve(msg);
      }
    };
    ws.on('message', onMessage);
    ws.send(frame);
  });
}

describe('static files', () => {
  it('serves the page with a CSP and the other security headers', async () => {
    const r = await get('/?token=abc');
    expect(r.status).toBe(200);
    expect(r.body).toContain('test page');
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    const js = await get('/assets/app-1234.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('never serves a file outside the folder', async () => {
    for (const p of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/%00index.html',
      '//etc/passwd',
    ]) {
      const r = await get(p);
      expect(r.status, p).not.toBe(200);
      expect(r.body, p).not.toContain('TOP SECRET');
    }
    expect(resolveInside('/srv/www', '/../x')).toBeNull();
    expect(resolveInside('/srv/www', '/%2e%2e/x')).toBeNull();
    expect(resolveInside('/srv/www', '/a/b.js')).toBe(path.resolve('/srv/www/a/b.js'));
  });

  it('answers 404 for a missing file and 405 for other methods', async () => {
    expect((await get('/nope.js')).status).toBe(404);
    const status = await new Promise<number>((resolve) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/', method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.end();
    });
    expect(status).toBe(405);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await get('/', { Host: 'evil.example:7878' });
    expect(r.status).toBe(421);
  });

  it('explains with a 503 page when the renderer has not been built', async () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    const s = await startServer({ backend, port: 0, staticDir: empty });
    try {
      const r = await new Promise<HttpReply>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: s.port, path: '/', method: 'GET' }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(r.status).toBe(503);
      expect(r.body).toContain('has not been built');
      expect(r.body).toContain('vite build -c src/renderer/vite.config.ts');
    } finally {
      await s.close();
    }
  });
});

describe('WebSocket access', () => {
  it('rejects a connection without the token, with a wrong one, or from a foreign origin', async () => {
    await expect(open(apiUrl(null))).rejects.toThrow('HTTP 401');
    await expect(open(apiUrl('wrong-token'))).rejects.toThrow('HTTP 401');
    await expect(open(apiUrl(server.token), { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(open(`ws://127.0.0.1:${server.port}/other?token=${server.token}`)).rejects.toThrow('HTTP 404');
  });

  it('accepts the token from its own page origin and from non-browser clients', async () => {
    const a = await open(apiUrl(server.token), { Origin: `http://127.0.0.1:${server.port}` });
    const b = await open(apiUrl(server.token));
    a.close();
    b.close();
  });

  it('compares tokens and origins strictly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', '')).toBe(false);
    expect(tokenMatches('abc', null)).toBe(false);
    expect(originAllowed('http://localhost:9000', 'localhost:9000')).toBe(true);
    expect(originAllowed('http://evil.example:9000', 'evil.example:9000')).toBe(false);
    expect(originAllowed('http://localhost:9001', 'localhost:9000')).toBe(false);
    expect(originAllowed('null', '127.0.0.1:9000')).toBe(false);
  });

  it('refuses to listen on a non-loopback address', async () => {
    await expect(startServer({ backend, host: '0.0.0.0', port: 0, staticDir })).rejects.toThrow(/loopback only/);
  });
});

describe('API over the WebSocket', () => {
  let ws: WebSocket;
  beforeAll(async () => {
    ws = await open(apiUrl(server.token));
  });
  afterAll(() => ws?.close());

  it('answers a call through the dispatcher', async () => {
    const r = await roundTrip(ws, JSON.stringify({ id: 1, method: 'runs.list', params: {} }), 1);
    expect(r).toEqual({ id: 1, ok: true, result: [] });
    const info = await roundTrip(ws, JSON.stringify({ id: 'info', method: 'app.info', params: {} }), 'info');
    expect(info['ok']).toBe(true);
    expect((info['result'] as { dbPath: string }).dbPath).toBe(backend.dbPath);
  });

  it('returns located problems for an invalid config file', async () => {
    const text =
      '{\n  "task": { "kind": "modular", "op": "add", "p": 23 },\n  "model": { "kind": "mlp" },\n  "optimizer": { "lr": -1 },\n  "training": { "steps": 10 }\n}\n';
    const r = await roundTrip(ws, JSON.stringify({ id: 2, method: 'config.validate', params: { name: 'bad.json', text } }), 2);
    expect(r['ok']).toBe(true);
    const result = r['result'] as { ok: boolean; problems: { path: string; line?: number; message: string }[] };
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ path: 'optimizer.lr', line: 4 })]);
  });

  it('turns unknown methods, bad params and malformed frames into error replies without dropping the socket', async () => {
    const unknown = await roundTrip(ws, JSON.stringify({ id: 3, method: 'runs.explode', params: {} }), 3);
    expect(unknown).toMatchObject({ id: 3, ok: false, error: { code: 'unknown_method' } });
    const bad = await roundTrip(ws, JSON.stringify({ id: 4, method: 'runs.get', params: { id: 'x' } }), 4);
    expect(bad).toMatchObject({ id: 4, ok: false, error: { code: 'invalid_input' } });
    expect((bad['error'] as { problems: { path: string }[] }).problems[0]!.path).toBe('id');
    const missing = await roundTrip(ws, JSON.stringify({ id: 5, method: 'runs.get', params: { id: 999 } }), 5);
    expect(missing).toMatchObject({ id: 5, ok: false, error: { code: 'not_found' } });
    const notJson = await roundTrip(ws, '{"id": 6, "method": ', undefined);
    expect(notJson).toMatchObject({ id: null, ok: false, error: { code: 'invalid_input' } });
    expect((notJson['error'] as { message: string }).message).toMatch(/not valid JSON/);
    const noId = await roundTrip(ws, JSON.stringify({ method: 'runs.list' }), undefined);
    expect((noId['error'] as { message: string }).message).toMatch(/"id"/);
    const array = await roundTrip(ws, '[1,2,3]', undefined);
    expect((array['error'] as { message: string }).message).toMatch(/JSON object/);
    // Still serving.
    const after = await roundTrip(ws, JSON.stringify({ id: 7, method: 'runs.list', params: {} }), 7);
    expect(after['ok']).toBe(true);
  });

  it('forwards every back-end event to every connected client', async () => {
    const other = await open(apiUrl(server.token));
    const next = (c: WebSocket): Promise<unknown> =>
      new Promise((resolve) => c.once('message', (d: WebSocket.RawData) => resolve(JSON.parse(d.toString()))));
    const got = Promise.all([next(ws), next(other)]);
    backend.events.emit('run.status', { runId: 42, status: 'paused', error: null, phases: null });
    const [a, b] = await got;
    expect(a).toEqual({ event: 'run.status', payload: { runId: 42, status: 'paused', error: null, phases: null } });
    expect(b).toEqual(a);
    other.close();
  });

  it('closes a connection that sends more than the payload limit', async () => {
    const big = await open(apiUrl(server.token));
    const closed = new Promise<number>((resolve) => big.once('close', (code: number) => resolve(code)));
    big.send(JSON.stringify({ id: 1, method: 'config.validate', params: { name: 'x.json', text: 'x'.repeat(3 * 1024 * 1024) } }));
    expect(await closed).toBe(1009);
    // The server itself carries on.
    const r = await roundTrip(ws, JSON.stringify({ id: 8, method: 'runs.list', params: {} }), 8);
    expect(r['ok']).toBe(true);
  });
});
