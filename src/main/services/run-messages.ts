// What a training process's messages mean for its run: each becomes stored state (status, metrics, checkpoints) and
// events; 'done', an 'error' or the process's exit settle the run's final status. The run scheduler owns the runs
// and their slots; this module only interprets.
import type { RunStatus } from '../../shared/api/types';
import type { ComputeExit } from '../host/types';
import type { ComputeToHost } from '../protocol/messages';
import type { Store } from '../store';
import type { ActiveRun } from './active-run';
import type { EventBus } from './backend-api';
import type { RunWriter } from './run-writer';
import { withWallTime } from '../../shared/runs/wall-time';

/** What interpreting a message may do besides storing: the scheduler's side of it. */
export interface RunMessageHost {
  readonly store: Store;
  readonly writer: RunWriter;
  readonly events: EventBus;
  now(): string;
  emitStatus(id: number): void;
  /** stores the run's final status (after its metrics) and announces it */
  finish(id: number, status: RunStatus, error: string | null, step?: number): void;
  /** the process reported an error: the run failed */
  fail(run: ActiveRun, error: string, step?: number): void;
  /** a process that said it is done should exit by itself; kill it if it lingers */
  killLater(run: ActiveRun): void;
  /** a slot may have come free: start the next queued run */
  pump(): void;
}

type Done = Extract<ComputeToHost, { type: 'done' }>;

/** The stored status and message of a run whose process said it is done. */
export function doneOutcome(run: ActiveRun, msg: Done): { status: RunStatus; error: string | null } {
  const interrupted = msg.reason === 'cancelled' && run.stopping === 'interrupt';
  const status: RunStatus = interrupted ? 'interrupted' : msg.reason;
  if (msg.reason === 'completed') return { status, error: null };
  const error = interrupted
    ? `interrupted ${run.interruptNote ?? 'on request'} at step ${msg.step}`
    : msg.reason === 'diverged'
      ? (msg.message ?? `diverged at step ${msg.step}`)
      : msg.reason === 'cancelled' && run.stopNote
        ? run.stopNote
        : (msg.message ?? null);
  return { status, error };
}

/** The stored status and message of a run whose process exited before it said it was done, at `step`. */
export function exitOutcome(run: ActiveRun, exit: ComputeExit, step: number): { status: RunStatus; error: string | null } {
  const where = run.state === 'starting' && step === 0 ? 'before training started' : `at step ${step}`;
  if (run.stopping === 'close')
    return { status: 'interrupted', error: `interrupted: Grokscope closed while the run was ${run.state} at step ${step}` };
  if (run.stopping === 'cancel') return { status: 'cancelled', error: run.stopNote ?? null };
  if (run.stopping === 'interrupt')
    return { status: 'interrupted', error: `interrupted ${run.interruptNote ?? 'on request'} at step ${step}` };
  return { status: 'failed', error: `${exit.reason} ${where}` };
}

export function onComputeMessage(host: RunMessageHost, run: ActiveRun, msg: ComputeToHost): void {
  const { store, writer, events } = host;
  const id = run.runId;
  if (!('runId' in msg) || msg.runId !== id || run.finished) return;
  switch (msg.type) {
    case 'started': {
      run.state = 'running';
      const row = store.runs.get(id);
      writer.flush();
      store.runs.setStatus(id, 'running', {
        startedAt: row?.startedAt ?? host.now(),
        backend: msg.backend,
        backendNotes: msg.backendNotes,
        step: msg.step,
        // trained on this machine now, even if a worker elsewhere trained it before
        worker: null,
      });
      host.emitStatus(id);
      return;
    }
    case 'metrics': {
      const rows = withWallTime(msg.step, msg.rows, Date.now()); // for curves by wall time
      writer.add(id, msg.step, rows);
      events.emit('run.progress', {
        runId: id,
        step: msg.step,
        totalSteps: run.totalSteps,
        points: rows.map(([name, step, value]) => ({ name, step, value })),
      });
      return;
    }
    case 'checkpoint': {
      writer.flush();
      const bytes = store.checkpoints.save(id, msg.state, host.now());
      events.emit('run.checkpoint', { runId: id, step: msg.state.step, bytes });
      return;
    }
    case 'paused':
      run.state = 'paused';
      writer.flush();
      store.runs.setStatus(id, 'paused', { step: msg.step });
      host.emitStatus(id);
      if (run.holdAt !== undefined && msg.step === run.holdAt) {
        run.holdAt = undefined;
        if (run.releaseHold) {
          const next = run.releaseHold === true ? undefined : run.releaseHold.holdAt;
          run.releaseHold = false;
          run.holdAt = next;
          run.channel.send(next === undefined ? { type: 'resume' } : { type: 'resume', holdAt: next });
          return;
        }
      }
      host.pump();
      return;
    case 'resumed':
      run.state = 'running';
      writer.flush();
      store.runs.setStatus(id, 'running', { step: msg.step });
      host.emitStatus(id);
      return;
    case 'done': {
      run.finished = true;
      const { status, error } = doneOutcome(run, msg);
      host.finish(id, status, error, msg.step);
      host.killLater(run);
      host.pump();
      return;
    }
    case 'error':
      host.fail(run, msg.step !== undefined ? `${msg.message} (at step ${msg.step})` : msg.message, msg.step);
      return;
  }
}
