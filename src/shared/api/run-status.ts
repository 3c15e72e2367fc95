// What a run in each status may do next. The scheduler enforces these rules and the run page offers the buttons
// that follow from them, so both read them from here.
//   queued → running ⇄ paused → completed | cancelled | diverged | failed | interrupted
import { ACTIVE_STATUSES, type RunStatus } from './types';

export { ACTIVE_STATUSES };

/** Statuses a run never leaves by itself: its process is gone (or never started). */
export const TERMINAL_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled', 'interrupted', 'diverged'];

/** Stopped before its last step, so it continues from its last checkpoint when resumed. */
export const RESUMABLE_STATUSES: readonly RunStatus[] = ['interrupted', 'failed', 'cancelled'];

/** Stopped runs that cancelling still changes: marked cancelled, so they are no longer offered to resume. */
export const CANCELLABLE_STOPPED_STATUSES: readonly RunStatus[] = ['interrupted', 'failed'];

export const isTerminal = (s: RunStatus): boolean => TERMINAL_STATUSES.includes(s);

export const isActive = (s: RunStatus): boolean => ACTIVE_STATUSES.includes(s);

/** Training now or about to: its weights and curves are still moving (a paused run's are not). */
export const isTraining = (s: RunStatus): boolean => s === 'running' || s === 'queued';

/** Only a training process can pause: a queued run has none yet (cancel it instead). */
export const canPause = (s: RunStatus): boolean => s === 'running';

/**
 * A paused run continues in its process; a stopped one only from a checkpoint before its last step (its step
 * counter would otherwise already be at the budget).
 */
export function canResume(s: RunStatus, lastCheckpointStep: number | undefined, totalSteps: number): boolean {
  if (s === 'paused') return true;
  return RESUMABLE_STATUSES.includes(s) && lastCheckpointStep !== undefined && lastCheckpointStep < totalSteps;
}

/** How a sweep's stop of a cell after its prediction window begins: the cell is held there (resumable), not failed. */
const SWEEP_HOLD = 'stopped by sweep';

/** The reason stored with a cell a sweep holds at its window (predict mode, or confirm mode's "not to grok"). */
export const sweepHoldReason = (sweepId: number, window: number, verdict: string): string =>
  `${SWEEP_HOLD} ${sweepId} after its ${window}-update window: ${verdict}; resume to train to the full budget`;

/** The reason stored with a cell a predict sweep trained on without a confident answer and stopped at the level. */
export const sweepLevelReason = (sweepId: number, step: number, level: number): string =>
  `${SWEEP_HOLD} ${sweepId} at update ${step.toLocaleString('en-US')}: reached ${Math.round(100 * level)}% validation accuracy ` +
  `(observed, not predicted); resume to train to the full budget`;

/** A cancelled run that a sweep held at its window, told apart from one a person cancelled or that failed. */
export const isHeldBySweep = (s: RunStatus, error: string | null): boolean => s === 'cancelled' && !!error?.startsWith(SWEEP_HOLD);

/** A run that is queued, running or paused can be cancelled; the UI offers it for those. */
export const canCancel = (s: RunStatus): boolean => isActive(s);
