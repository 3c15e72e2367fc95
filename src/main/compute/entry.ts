// The compute PROCESS entry: one process trains one run. Under Electron it is a utilityProcess and talks through
// process.parentPort; headless it is a child_process.fork (serialization: 'advanced', so Float32Arrays survive) and
// talks through process.send / process.on('message'). Exit codes: 0 after 'done', 1 after an 'error'.
import { formatProblem, problemsFromZod } from '../../shared/config/errors';
import { RunConfigSchema } from '../../shared/config/run-config';
import type { ComputeToHost, HostToCompute } from '../protocol/messages';
import type { Control } from './train/loop';
import { runTraining } from './train/run';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

interface Channel {
  send(m: ComputeToHost): void;
  onMessage(listener: (m: HostToCompute) => void): void;
  /** resolves when everything sent so far has been handed to the parent */
  flush(): Promise<void>;
}

function openChannel(): Channel {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (m) => parentPort.postMessage(m),
      onMessage: (listener) => parentPort.on('message', (e) => listener(e.data as HostToCompute)),
      flush: () => new Promise((resolve) => setImmediate(resolve)), // postMessage is queued synchronously
    };
  }
  if (!process.send) {
    process.stderr.write('grokscope compute: no parent to talk to (start this file with child_process.fork or utilityProcess)\n');
    process.exit(1);
  }
  const pending = new Set<Promise<void>>();
  process.on('disconnect', () => process.exit(0)); // the host is gone: nobody is listening
  return {
    send: (m) => {
      const p = new Promise<void>((resolve) => process.send!(m, undefined, undefined, () => resolve()));
      pending.add(p);
      void p.then(() => pending.delete(p));
    },
    onMessage: (listener) => process.on('message', (m) => listener(m as HostToCompute)),
    flush: async () => {
      await Promise.all([...pending]);
    },
  };
}

const channel = openChannel();
const control: Control = { paused: false, cancelled: false };
let runId = 0;
let started = false;

async function exitAfterFlush(code: number): Promise<never> {
  await channel.flush();
  process.exit(code);
}

function fail(message: string): void {
  channel.send({ type: 'error', runId, message });
  void exitAfterFlush(1);
}

process.on('uncaughtException', (e) => fail(`compute process crashed: ${e instanceof Error ? e.message : String(e)}`));
process.on('unhandledRejection', (e) => fail(`compute process crashed: ${e instanceof Error ? e.message : String(e)}`));

channel.onMessage((msg) => {
  switch (msg.type) {
    case 'start': {
      if (started) {
        channel.send({ type: 'error', runId, message: 'this compute process is already running a training; start another process' });
        return;
      }
      started = true;
      runId = msg.runId;
      // The host sends a parsed config; parsing again fills defaults and guards against a host/compute version skew.
      const parsed = RunConfigSchema.safeParse(msg.config);
      if (!parsed.success) {
        fail(
          `invalid run config: ${problemsFromZod(parsed.error)
            .map((p) => formatProblem(p))
            .join('; ')}`,
        );
        return;
      }
      let failed = false;
      void runTraining(parsed.data, {
        runId: msg.runId,
        control,
        execution: msg.execution,
        ...(msg.resume ? { resume: msg.resume } : {}),
        ...(msg.holdAt !== undefined ? { holdAt: msg.holdAt } : {}),
        emit: (m) => {
          if (m.type === 'error') failed = true;
          channel.send(m);
        },
      }).then(() => exitAfterFlush(failed ? 1 : 0));
      return;
    }
    case 'probe': {
      if (started) {
        channel.send({ type: 'error', runId, message: 'this compute process is already busy; start another process' });
        return;
      }
      started = true;
      runId = msg.runId;
      // Loaded only for probes: it replaces some kernel gradients with second-order-safe ones training does not need.
      void import('./probes/probe-entry').then(({ handleProbe }) =>
        handleProbe(msg, { send: (m) => channel.send(m), cancelled: () => control.cancelled }).then((ok) => exitAfterFlush(ok ? 0 : 1)),
      );
      return;
    }
    case 'landscape':
    case 'reduced': {
      if (started) {
        channel.send({ type: 'error', runId, message: 'this compute process is already busy; start another process' });
        return;
      }
      started = true;
      runId = msg.runId;
      void import('./probes/landscape/grid-entry').then(({ handleGrid }) =>
        handleGrid(msg, { send: (m) => channel.send(m), cancelled: () => control.cancelled }).then((ok) => exitAfterFlush(ok ? 0 : 1)),
      );
      return;
    }
    case 'gpu-adapters': {
      started = true;
      void import('./engine/webgpu')
        .then(({ listAdapters }) => listAdapters())
        .then(({ adapters, why }) => channel.send({ type: 'gpu-adapters', adapters, why }))
        .then(() => exitAfterFlush(0));
      return;
    }
    case 'pause':
      control.paused = true;
      return;
    case 'resume':
      if (msg.holdAt !== undefined) control.holdAt = msg.holdAt;
      control.paused = false;
      return;
    case 'cancel':
      control.cancelled = true;
      return;
  }
});
