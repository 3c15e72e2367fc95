// How the host starts a compute process, independent of Electron: headless uses child_process.fork
// (host/child-launcher.ts), the app uses Electron's utilityProcess (app/utility-launcher.ts).
import type { ComputeToHost, HostToCompute } from '../protocol/messages';

export interface ComputeExit {
  code: number | null;
  signal: string | null;
  /** human-readable reason, e.g. "compute process killed by SIGKILL" */
  reason: string;
}

export interface ComputeChannel {
  readonly pid: number | undefined;
  send(msg: HostToCompute): void;
  onMessage(listener: (msg: ComputeToHost) => void): void;
  /** called once, when the process has exited for any reason */
  onExit(listener: (exit: ComputeExit) => void): void;
  /** hard stop (SIGKILL where the platform has it) */
  kill(): void;
}

export interface ComputeLauncher {
  launch(opts?: { env?: Record<string, string> }): ComputeChannel;
}
