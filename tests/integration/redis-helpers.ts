// A private redis-server for a test: Debian's package (installed by scripts/ensure-redis.sh when missing, as the e2e
// tests install Chromium), started on a free loopback port in a temporary folder, with AOF on (fsync on every write)
// so a restart keeps the queue; stopped (and restarted) by the test.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..', '..');

function redisServerBinary(): string {
  const onPath = () => {
    try {
      return execFileSync('bash', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  const hasOpenssl = () => {
    try {
      execFileSync('bash', ['-c', 'command -v openssl'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  let bin = onPath() || (existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : '');
  if (bin && hasOpenssl()) return bin;
  try {
    execFileSync('bash', [join(REPO, 'scripts', 'ensure-redis.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
  } catch (e) {
    throw new Error(
      `the distributed tests need redis-server; scripts/ensure-redis.sh could not install it (${(e as Error).message.split('\n')[0]})`,
    );
  }
  bin = onPath() || (existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : '');
  if (!bin) throw new Error('scripts/ensure-redis.sh ran but redis-server is still missing');
  return bin;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface TestRedis {
  url: string;
  port: number;
  /** with tls: the CA certificate file a client must trust */
  ca: string | null;
  dir: string;
  /** SIGTERM (Redis writes its AOF and exits), then waits for the exit */
  stop(): Promise<void>;
  /** starts it again on the same port and folder (the AOF brings the data back) */
  start(): Promise<void>;
  /** stops it and removes its folder */
  cleanup(): Promise<void>;
}

/**
 * A certificate authority and a server certificate for localhost/127.0.0.1 made with the openssl command, in `dir`;
 * returns the CA file (what a client is told to trust) and the server's certificate and key.
 */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const f = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=grokscope-test-ca',
  );
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(f('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  ssl(
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.crt'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('server.crt'),
    '-days',
    '2',
    '-extfile',
    f('ext.cnf'),
  );
  return { ca: f('ca.crt'), cert: f('server.crt'), key: f('server.key') };
}

/** With `tls`, Redis speaks only TLS (rediss://) on its port, with a certificate from a CA of its own (`ca`). */
export async function startRedis(opts: { password?: string; tls?: boolean } = {}): Promise<TestRedis> {
  const bin = redisServerBinary();
  const dir = mkdtempSync(join(tmpdir(), 'grokscope-redis-'));
  const port = await freePort();
  const certs = opts.tls ? makeCertificates(dir) : null;
  let child: ChildProcess | null = null;
  const args = [
    ...(certs
      ? [
          '--port',
          '0',
          '--tls-port',
          String(port),
          '--tls-cert-file',
          certs.cert,
          '--tls-key-file',
          certs.key,
          '--tls-ca-cert-file',
          certs.ca,
          '--tls-auth-clients',
          'no',
        ]
      : ['--port', String(port)]),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--daemonize',
    'no',
    ...(opts.password ? ['--requirepass', opts.password] : []),
  ];
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const c = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start within 15 s: ${out.slice(-500)}`)), 15_000);
      c.stdout!.setEncoding('utf8');
      c.stdout!.on('data', (chunk: string) => {
        out += chunk;
        if (/Ready to accept connections/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      c.stderr!.resume();
      c.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with code ${code}: ${out.slice(-500)}`));
      });
    });
  const stop = async () => {
    const c = child as ChildProcess | null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
    child = null;
  };
  await start();
  const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : '';
  return {
    url: certs ? `rediss://${auth}localhost:${port}` : `redis://${auth}127.0.0.1:${port}`,
    ca: certs?.ca ?? null,
    port,
    dir,
    stop,
    start,
    cleanup: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
