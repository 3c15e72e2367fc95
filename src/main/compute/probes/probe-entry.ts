// The compute entry's side of a probe: validates the config, picks the backend, runs the job and reports back.
import { jobConfig } from '../engine/job-config';
import { initBackend } from '../engine/backend';
import type { ComputeToHost, HostToCompute } from '../../protocol/messages';
import { ProbeCancelled, runProbe } from './run-probe';

/** Runs one probe; resolves true when it completed or was cancelled, false after an error (already reported). */
export async function handleProbe(
  msg: Extract<HostToCompute, { type: 'probe' }>,
  io: { send(m: ComputeToHost): void; cancelled(): boolean },
): Promise<boolean> {
  const runId = msg.runId;
  const config = jobConfig(runId, msg.request.config, (m) => io.send(m));
  if (!config) return false;
  try {
    const backend = await initBackend(config.backend, { syncReads: true });
    await runProbe(
      { ...msg.request, config },
      {
        info: (dim, excluded) => io.send({ type: 'probe-info', runId, backend: backend.backend, dim, excluded }),
        progress: (done, total, message) => io.send({ type: 'probe-progress', runId, done, total, message }),
        point: (result) => io.send({ type: 'probe-point', runId, result }),
      },
      io.cancelled,
    );
    io.send({ type: 'probe-done', runId, reason: 'completed' });
    return true;
  } catch (e) {
    if (e instanceof ProbeCancelled) {
      io.send({ type: 'probe-done', runId, reason: 'cancelled' });
      return true;
    }
    io.send({ type: 'error', runId, message: `probe failed: ${e instanceof Error ? e.message : String(e)}` });
    return false;
  }
}
