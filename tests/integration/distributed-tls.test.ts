// Issue 17, security: Redis is never expected open. A worker reaches a TLS-only Redis (rediss://) that requires a
// password (with reserved characters, percent-encoded in the URL) once Node trusts its CA, prints the URL with the
// password masked, and without the CA refuses to connect, saying why (exit 1, no stack trace).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startRedis, type TestRedis } from './redis-helpers';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'grokscope.js');
const PASSWORD = 'pa ss@word/with:reserved';
let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedis({ tls: true, password: PASSWORD });
}, 60_000);
afterAll(async () => redis?.cleanup());

describe('grokscope worker over TLS with a password', () => {
  it('without the CA: exit 1 naming the certificate problem; the password never printed', () => {
    const r = spawnSync(process.execPath, [BIN, 'worker', '--redis', redis.url, '--name', 'tls-1'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/grokscope worker: cannot use Redis at rediss:\/\/:\*\*\*@localhost:\d+: self[- ]signed certificate/);
    expect(r.stderr).not.toContain('reserved');
    expect(r.stderr).not.toContain('    at ');
  }, 60_000);

  it('trusting the CA: the worker connects, announces itself, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'worker', '--redis', redis.url, '--name', 'tls-2', '--concurrency', '1'], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: redis.ca! },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (c: string) => (err += c));
    const exit = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
    const deadline = Date.now() + 60_000;
    while (!err.includes('takes cells from') && child.exitCode === null && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(err, `exit ${child.exitCode}`).toMatch(/worker tls-2 \(Grokscope [^)]*\) takes cells from rediss:\/\/:\*\*\*@localhost:\d+/);
    child.kill('SIGTERM');
    expect(await exit, err).toBe(0);
    expect(err).not.toContain('reserved');
  }, 90_000);
});
