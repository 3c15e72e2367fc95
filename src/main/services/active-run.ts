// What the run scheduler knows about a run it trains: its compute process and how far the run is on its way out.
import { setPriority } from 'node:os';
import type { ComputeChannel } from '../host/types';

/** Niceness of training processes (0 is normal, 19 the lowest priority). */
export const COMPUTE_NICENESS = 10;

/**
 * Training yields the CPU to the process that answers the UI and stores the data: with more compute processes than
 * cores, an API call otherwise waits for a time slice behind them (see scripts/load-test.ts).
 */
export function lowerPriority(channel: ComputeChannel): void {
  if (channel.pid === undefined) return;
  try {
    setPriority(channel.pid, COMPUTE_NICENESS);
  } catch {
    // not permitted (or the process is already gone): it trains at normal priority
  }
}

export interface ActiveRun {
  runId: number;
  totalSteps: number;
  channel: ComputeChannel;
  /** what the compute process last confirmed */
  state: 'starting' | 'running' | 'paused';
  /** 'done' or 'error' arrived: the run's outcome is stored, the process is only winding down */
  finished: boolean;
  /** why we are stopping it, so an exit without 'done' is not reported as a crash */
  stopping: null | 'cancel' | 'close' | 'interrupt';
  /** why it is being interrupted (e.g. "by SIGINT"), stored with the interrupted status */
  interruptNote?: string;
  /** set when a sweep's policy stops the run early: stored with the cancelled status */
  stopNote?: string;
  /** the update the process pauses itself after (a predict sweep's window), until it has */
  holdAt?: number;
  /** resume asked for before the hold was reached: resume as soon as the process reports it (with its next hold) */
  releaseHold?: boolean | { holdAt: number };
  killTimer: NodeJS.Timeout | null;
  exited: Promise<void>;
  markExited: () => void;
}

export function newActiveRun(runId: number, totalSteps: number, channel: ComputeChannel): ActiveRun {
  let markExited!: () => void;
  const exited = new Promise<void>((r) => (markExited = r));
  return { runId, totalSteps, channel, state: 'starting', finished: false, stopping: null, killTimer: null, exited, markExited };
}
