// Compute processes in the app: Electron's utilityProcess (a Node child with Chromium's sandbox and service
// naming), running the bundled compute.js. Messages are structured clones, so Float32Arrays cross intact.
// The compute side reads them from `process.parentPort`.
import { utilityProcess } from 'electron';
import type { ComputeToHost, HostToCompute } from '../protocol/messages';
import type { ComputeChannel, ComputeExit, ComputeLauncher } from '../host/types';

export const COMPUTE_SERVICE_NAME = 'Grokscope compute';

export function createUtilityLauncher(computeEntry: string): ComputeLauncher {
  return {
    launch(opts) {
      const child = utilityProcess.fork(computeEntry, [], {
        serviceName: COMPUTE_SERVICE_NAME,
        env: { ...process.env, ...opts?.env },
        stdio: 'inherit',
      });
      let fatal: string | null = null;
      let exit: ComputeExit | null = null;
      const exitListeners: ((exit: ComputeExit) => void)[] = [];
      // a V8 fatal error is reported before 'exit'; keep its location for the exit reason
      child.on('error', (type, location) => {
        fatal = `${type} at ${location}`;
      });
      child.on('exit', (code) => {
        exit = {
          code,
          signal: null,
          reason: fatal
            ? `compute process crashed (${fatal}), exit code ${code}`
            : code === 0
              ? 'compute process exited'
              : `compute process exited with code ${code}`,
        };
        for (const listener of exitListeners.splice(0)) listener(exit);
      });

      const channel: ComputeChannel = {
        get pid() {
          return child.pid;
        },
        send(msg: HostToCompute) {
          if (!exit) child.postMessage(msg);
        },
        onMessage(listener: (msg: ComputeToHost) => void) {
          child.on('message', (msg: ComputeToHost) => listener(msg));
        },
        onExit(listener) {
          if (exit) listener(exit);
          else exitListeners.push(listener);
        },
        kill() {
          if (exit) return;
          const pid = child.pid;
          // SIGKILL where we can: a process stuck in a long kernel must not outlive a cancel
          if (pid !== undefined && process.platform !== 'win32') {
            try {
              process.kill(pid, 'SIGKILL');
              return;
            } catch {
              // already gone or not ours: fall back to Electron's own termination
            }
          }
          child.kill();
        },
      };
      return channel;
    },
  };
}
