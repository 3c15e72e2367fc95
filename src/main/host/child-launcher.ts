// Headless compute processes: child_process.fork with structured-clone IPC (`serialization: 'advanced'`, so Float32Array
// checkpoints cross intact). From source the entry is src/main/compute/entry.ts run through tsx's ESM loader; in a built
// bundle, compute.js next to the bundle. stderr is kept (its tail) to explain a crash; stdout is drained so TF.js chatter
// never reaches the CLI's --json stdout.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ComputeToHost } from '../protocol/messages';
import type { ComputeChannel, ComputeExit, ComputeLauncher } from './types';

const STDERR_KEEP = 8_192;

/** The absolute file URL of tsx's ESM loader (what `node --import tsx` loads). */
export function tsxLoaderUrl(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    // Runtimes without import.meta.resolve (e.g. a CommonJS bundle) still have require.resolve.
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  }
}

/** Where the compute entry is and how to run it: the built compute.js beside this bundle, else the TypeScript source. */
export function computeEntry(): { file: string; execArgv: string[] } {
  const built = fileURLToPath(new URL('./compute.js', import.meta.url));
  if (existsSync(built)) return { file: built, execArgv: [] };
  const source = fileURLToPath(new URL('../compute/entry.ts', import.meta.url));
  return { file: source, execArgv: ['--import', tsxLoaderUrl()] };
}

/** A human reason for an exit, e.g. "compute process killed by SIGKILL". */
export function describeExit(code: number | null, signal: string | null, stderrTail: string): string {
  const lastLine = stderrTail
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .at(-1);
  if (signal) return `compute process killed by ${signal}`;
  if (code === 0) return 'compute process exited before reporting a result';
  return `compute process exited with code ${code}${lastLine ? `: ${lastLine.slice(0, 300)}` : ''}`;
}

export interface ChildLauncherOptions {
  /** override the entry (tests); default: computeEntry() */
  entry?: { file: string; execArgv: string[] };
  /** forward the child's stderr to ours as well (debugging) */
  echoStderr?: boolean;
}

export function createChildLauncher(opts: ChildLauncherOptions = {}): ComputeLauncher {
  return {
    launch(launchOpts) {
      const entry = opts.entry ?? computeEntry();
      const child: ChildProcess = fork(entry.file, [], {
        execArgv: entry.execArgv,
        serialization: 'advanced',
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        env: { ...process.env, ...launchOpts?.env },
        // Its own process group: Ctrl-C in a terminal reaches the CLI, which cancels the run cleanly, instead of
        // killing the compute process mid-step. The entry exits by itself when this process disconnects.
        detached: process.platform !== 'win32',
      });
      let stderrTail = '';
      child.stdout?.resume();
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        stderrTail = (stderrTail + chunk).slice(-STDERR_KEEP);
        if (opts.echoStderr || process.env['GROKSCOPE_DEBUG']) process.stderr.write(chunk);
      });

      const messageListeners: ((m: ComputeToHost) => void)[] = [];
      const exitListeners: ((e: ComputeExit) => void)[] = [];
      let exit: ComputeExit | null = null;
      const finish = (e: ComputeExit) => {
        if (exit) return;
        exit = e;
        for (const l of exitListeners) l(e);
      };
      child.on('message', (m) => {
        for (const l of messageListeners) l(m as ComputeToHost);
      });
      // 'close' comes after stdio has ended, so the stderr tail is complete.
      child.on('close', (code, signal) => finish({ code, signal, reason: describeExit(code, signal, stderrTail) }));
      child.on('error', (err) => {
        // fork failed (or a signal could not be sent); if the process never started, 'close' may never come.
        if (child.pid === undefined || child.exitCode !== null)
          finish({ code: null, signal: null, reason: `compute process failed: ${err.message}` });
      });

      const channel: ComputeChannel = {
        get pid() {
          return child.pid;
        },
        send(msg) {
          // A message to a process that is gone is dropped: its exit is reported through onExit.
          if (child.connected) child.send(msg, (err) => void err);
        },
        onMessage(l) {
          messageListeners.push(l);
        },
        onExit(l) {
          if (exit) l(exit);
          else exitListeners.push(l);
        },
        kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        },
      };
      return channel;
    },
  };
}
