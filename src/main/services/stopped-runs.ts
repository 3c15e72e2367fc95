// What a run without a process allows (interrupted, failed, cancelled, or an orphan stored interrupted): continuing
// from its last checkpoint, or being called off. Reads and writes the store only; the scheduler queues and announces.
import { ApiError } from '../../shared/api/contract';
import { CANCELLABLE_STOPPED_STATUSES } from '../../shared/api/run-status';
import type { Store } from '../store';
import type { RunRow } from '../store/runs-repo';

/** The step a stopped run continues from: its last checkpoint, which must come before its last step. */
export function checkpointToResume(store: Store, row: RunRow): number {
  const last = store.checkpoints.list(row.id).at(-1);
  if (!last)
    throw new ApiError(
      'conflict',
      `run ${row.id} has no checkpoint to continue from; set training.checkpointEvery > 0 to make runs resumable`,
    );
  if (last.step >= row.totalSteps) throw new ApiError('conflict', `run ${row.id} already reached its last step`);
  return last.step;
}

/** Stores a stopped run cancelled, so it is no longer offered to resume; throws when there is nothing to call off. */
export function cancelStopped(store: Store, row: RunRow, now: string): void {
  // a failed run that never reached a checkpoint cannot be continued, so there is nothing to call off
  if (row.status === 'failed' && store.checkpoints.list(row.id).length === 0)
    throw new ApiError('conflict', `run ${row.id} is already failed, with no checkpoint to resume from; there is nothing to cancel`);
  if (!CANCELLABLE_STOPPED_STATUSES.includes(row.status)) throw new ApiError('conflict', `run ${row.id} is already ${row.status}`);
  const error = `cancelled; it was ${row.status}${row.error ? ` (${row.error})` : ''}`;
  store.runs.setStatus(row.id, 'cancelled', { error, finishedAt: now });
}
