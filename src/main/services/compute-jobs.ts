// The lifecycle of a compute job that measures stored checkpoints (a probe, a landscape grid): start a compute
// process, send it one request, pass its messages on, and end the job exactly once, whichever comes first of its
// 'probe-done' / 'grid-done', an 'error', or the process exiting. Cancelling asks the process to stop and kills it
// if it has not exited after a grace period; closing kills every job at once (shutdown). The grace-kill is also the
// run scheduler's, for the training processes it stops.
import type { ComputeToHost, HostToCompute } from '../protocol/messages';
import type { ComputeChannel, ComputeLauncher } from '../host/types';

/** How a job ended; the job's `end` turns it into its result or its error. */
export type JobEnd =
  | { how: 'completed' }
  | { how: 'cancelled' }
  /** the compute process reported an error */
  | { how: 'error'; message: string }
  /** the compute process exited before it said it was done */
  | { how: 'exited'; reason: string }
  /** handling one of its messages threw here (e.g. storing a row); the process is killed */
  | { how: 'broken'; message: string };

export interface JobSpec<T> {
  /** identifies the job among those running (a grid's key, a probe's own id) */
  key: string;
  runId: number;
  request: HostToCompute;
  /** every message that does not end the job */
  onMessage(m: ComputeToHost): void;
  /** the job's result for how it ended; throwing rejects the job's promise */
  end(how: JobEnd): T;
}

interface Running extends Stoppable {
  runId: number;
  promise: Promise<unknown>;
}

export interface ComputeJobsOptions {
  launcher: ComputeLauncher;
  /** how long a cancelled job's process may take to exit before it is killed, in ms (default 10 s) */
  graceMs?: number;
}

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A compute process that may have to be stopped, with the timer that kills it if it lingers. */
export interface Stoppable {
  channel: ComputeChannel;
  killTimer: NodeJS.Timeout | null;
}

/** Kills the process if it has not exited within `graceMs` (once: a second call keeps the first deadline). */
export function killAfterGrace(p: Stoppable, graceMs: number): void {
  p.killTimer ??= setTimeout(() => p.channel.kill(), graceMs);
  p.killTimer.unref?.();
}

/** Asks the process to stop at its next step, and kills it if it has not exited within `graceMs`. */
export function askToStop(p: Stoppable, graceMs: number): void {
  p.channel.send({ type: 'cancel' });
  killAfterGrace(p, graceMs);
}

/** The process exited (or is killed now): its grace timer has nothing left to do. */
export function clearGraceKill(p: Stoppable): void {
  if (p.killTimer) clearTimeout(p.killTimer);
}

export class ComputeJobs {
  private readonly running = new Map<string, Running>();
  private readonly graceMs: number;

  constructor(private readonly o: ComputeJobsOptions) {
    this.graceMs = o.graceMs ?? 10_000;
  }

  /** The promise of the running job with this key, if there is one. */
  get<T>(key: string): Promise<T> | undefined {
    return this.running.get(key)?.promise as Promise<T> | undefined;
  }

  has(key: string): boolean {
    return this.running.has(key);
  }

  start<T>(spec: JobSpec<T>): Promise<T> {
    const channel = this.o.launcher.launch();
    let resolveP!: (v: T) => void;
    let rejectP!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolveP = res;
      rejectP = rej;
    });
    const job: Running = { runId: spec.runId, channel, promise, killTimer: null };
    this.running.set(spec.key, job);
    let settled = false;
    const finish = (how: JobEnd) => {
      if (settled) return;
      settled = true;
      if (this.running.get(spec.key) === job) this.running.delete(spec.key);
      try {
        resolveP(spec.end(how));
      } catch (e) {
        rejectP(e);
      }
    };
    channel.onMessage((m: ComputeToHost) => {
      if (settled) return;
      try {
        if (m.type === 'probe-done' || m.type === 'grid-done') finish({ how: m.reason });
        else if (m.type === 'error') finish({ how: 'error', message: m.message });
        else spec.onMessage(m);
      } catch (e) {
        finish({ how: 'broken', message: describe(e) }); // before the kill, whose exit would otherwise end it first
        channel.kill();
      }
    });
    channel.onExit((exit) => {
      clearGraceKill(job);
      finish({ how: 'exited', reason: exit.reason });
    });
    channel.send(spec.request);
    return promise;
  }

  /** Asks every job of a run to stop, killing any still alive after the grace period; true when one was running. */
  cancel(runId: number): boolean {
    let any = false;
    for (const job of this.running.values())
      if (job.runId === runId) {
        askToStop(job, this.graceMs);
        any = true;
      }
    return any;
  }

  /** Kills every job's process (shutdown); their promises settle as the processes exit. */
  close(): void {
    for (const job of this.running.values()) {
      clearGraceKill(job);
      job.channel.kill();
    }
    this.running.clear();
  }
}
