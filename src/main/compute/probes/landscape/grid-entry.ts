// The compute entry's side of a landscape or reduced-landscape grid: validates the config, picks the backend, runs the
// job and reports each finished row or cell back as it comes.
import * as tf from '@tensorflow/tfjs-core';
import { jobConfig } from '../../engine/job-config';
import { initBackend } from '../../engine/backend';
import type { ComputeToHost, HostToCompute } from '../../../protocol/messages';
import { ReducedCancelled, runReducedJob } from '../reduced/job';
import { GridCancelled, runLandscapeJob } from './job';

/** Runs one grid; resolves true when it completed or was cancelled, false after an error (already reported). */
export async function handleGrid(
  msg: Extract<HostToCompute, { type: 'landscape' | 'reduced' }>,
  io: { send(m: ComputeToHost): void; cancelled(): boolean },
): Promise<boolean> {
  const runId = msg.runId;
  const config = jobConfig(runId, msg.request.config, (m) => io.send(m));
  if (!config) return false;
  const progress = (done: number, total: number, message: string) => io.send({ type: 'probe-progress', runId, done, total, message });
  try {
    const backend = (await initBackend(config.backend)).backend;
    tf.engine().startScope();
    try {
      if (msg.type === 'landscape')
        await runLandscapeJob(
          { ...msg.request, config },
          {
            info: (i) =>
              io.send({ type: 'grid-info', runId, backend, dim: i.dim, directions: i.directions, trajectory: i.trajectory, w0: null }),
            progress,
            row: (index, row, seconds) => io.send({ type: 'grid-row', runId, index, row, seconds }),
          },
          io.cancelled,
        );
      else
        await runReducedJob(
          { ...msg.request, config },
          {
            info: (i) => io.send({ type: 'grid-info', runId, backend, dim: 0, directions: [], trajectory: null, w0: i.w0 }),
            progress,
            cell: (v, s, cell) => io.send({ type: 'grid-cell', runId, v, s, cell }),
          },
          io.cancelled,
        );
    } finally {
      tf.engine().endScope();
    }
    io.send({ type: 'grid-done', runId, reason: 'completed' });
    return true;
  } catch (e) {
    if (e instanceof GridCancelled || e instanceof ReducedCancelled) {
      io.send({ type: 'grid-done', runId, reason: 'cancelled' });
      return true;
    }
    io.send({
      type: 'error',
      runId,
      message: `${msg.type === 'landscape' ? 'landscape' : 'reduced landscape'} failed: ${e instanceof Error ? e.message : String(e)}`,
    });
    return false;
  }
}
