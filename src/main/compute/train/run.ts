// The in-process API of a compute process: trains one run and reports through protocol messages. Used by the
// process entry (entry.ts) and directly by tests. It never throws: failures become an 'error' message.
import type { RunConfig } from '../../../shared/config/run-config';
import { initBackend } from '../engine/backend';
import type { ExecutionSettings } from '../../protocol/execution';
import type { ComputeToHost } from '../../protocol/messages';
import type { TrainingState } from '../../protocol/training-state';
import { trainLoop, type Control } from './loop';
import { Trainer } from './trainer';

export interface RunOptions {
  runId: number;
  resume?: TrainingState;
  emit: (m: ComputeToHost) => void;
  /** flipped by the caller (e.g. on 'pause' / 'resume' / 'cancel' messages); read by the loop between steps */
  control: Control;
  /** pause by itself after this many updates (a predict sweep's window; see trainLoop) */
  holdAt?: number;
  /** threads and kernel, as the host decided them (default: one thread, protocol/execution ONE_THREAD) */
  execution?: ExecutionSettings;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function runTraining(config: RunConfig, opts: RunOptions): Promise<void> {
  const { runId, emit } = opts;
  let trainer: Trainer | null = null;
  try {
    const { backend, notes } = await initBackend(config.backend);
    const t = new Trainer(config, opts.execution);
    trainer = t;
    if (opts.resume) {
      if (opts.resume.step > config.training.steps)
        throw new Error(`checkpoint is at step ${opts.resume.step}, beyond training.steps (${config.training.steps})`);
      t.restore(opts.resume);
    }
    await t.startThreads(); // before 'started', whose notes say how the step is threaded
    emit({
      type: 'started',
      runId,
      backend,
      backendNotes: [...notes, t.threadsNote, ...(t.kernelNote ? [t.kernelNote] : []), ...(t.batchNote ? [t.batchNote] : [])],
      paramCount: t.paramCount,
      step: t.step,
    });
    const end = await trainLoop(t, config.training, {
      control: opts.control,
      metrics: (step, rows) => emit({ type: 'metrics', runId, step, rows }),
      checkpoint: (state) => emit({ type: 'checkpoint', runId, state }),
      paused: (step) => emit({ type: 'paused', runId, step }),
      resumed: (step) => emit({ type: 'resumed', runId, step }),
      ...(opts.holdAt !== undefined ? { holdAt: opts.holdAt } : {}),
    });
    emit({ type: 'done', runId, step: end.step, reason: end.reason, ...(end.message ? { message: end.message } : {}) });
  } catch (e) {
    emit({ type: 'error', runId, message: messageOf(e), ...(trainer ? { step: trainer.step } : {}) });
  } finally {
    trainer?.dispose();
  }
}
