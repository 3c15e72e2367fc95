// `grokscope serve` as a real subprocess, for tests that talk to it as a browser would: its printed URL (with the
// per-start token) and what it wrote to stderr.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'grokscope.js');

export interface ServeProcess {
  child: ChildProcess;
  /** the page's URL as printed, token included */
  url: Promise<URL>;
  stderr(): string;
  /** the exit code once the process has closed */
  exited: Promise<number | null>;
}

/** `args`: more flags for serve (e.g. --redis URL). */
export function startServe(dbPath: string, cwd: string, env: NodeJS.ProcessEnv = process.env, args: readonly string[] = []): ServeProcess {
  const child = spawn(process.execPath, [BIN, 'serve', '--db', dbPath, '--port', '0', ...args], { cwd, env });
  let stderr = '';
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const url = new Promise<URL>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no URL within 30 s: ${stderr}`)), 30_000);
    child.stderr!.on('data', (d) => {
      stderr += d;
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(stderr);
      if (m) {
        clearTimeout(t);
        resolve(new URL(m[1]!));
      }
    });
  });
  return { child, url, stderr: () => stderr, exited };
}
