// The training loop: updates, evaluations at step 0, every `evalEvery` steps and at the last step, checkpoints,
// divergence, and pause / resume / cancel. It yields to the event loop every few milliseconds so that control
// messages arrive, and checks the control flags each time, which is well within one evaluation interval.
import { STEP_LOSS_METRIC, STEP_LOSS_UPDATES } from '../../../shared/analysis/predictor';
import type { TrainingConfig } from '../../../shared/config/run-config';
import type { TrainingState } from '../../protocol/training-state';
import type { PendingStep, Trainer } from './trainer';

export interface Control {
  paused: boolean;
  cancelled: boolean;
  /** a later hold set by a 'resume' (a predict sweep's next window); replaces hooks.holdAt once set */
  holdAt?: number;
}

export interface LoopHooks {
  control: Control;
  metrics(step: number, rows: [string, number, number][]): void;
  checkpoint(state: TrainingState): void;
  paused(step: number): void;
  resumed(step: number): void;
  /**
   * Pause by itself right after this update (before the last), as if a 'pause' had arrived then: a predict sweep's
   * window ends exactly here, however long the host takes to predict and stop the run.
   */
  holdAt?: number;
}

export interface LoopEnd {
  reason: 'completed' | 'cancelled' | 'diverged';
  step: number;
  message?: string;
}

/** Longest stretch of synchronous training between two yields to the event loop. */
const YIELD_MS = 20;
const PAUSE_POLL_MS = 20;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits while paused; returns true when the run was cancelled. */
async function honourControl(trainer: Trainer, hooks: LoopHooks): Promise<boolean> {
  if (hooks.control.cancelled) return true;
  if (!hooks.control.paused) return false;
  hooks.paused(trainer.step);
  while (hooks.control.paused && !hooks.control.cancelled) await sleep(PAUSE_POLL_MS);
  if (hooks.control.cancelled) return true;
  hooks.resumed(trainer.step);
  return false;
}

function firstNonFinite(rows: [string, number, number][]): string | null {
  const bad = rows.find(([, , v]) => !Number.isFinite(v));
  return bad ? `${bad[0]} is ${bad[2]}` : null;
}

/**
 * The checkpoint schedule: every `checkpointEvery` steps, and with `checkpointPowersOfTwo` also at 1, 2, 4, 8, …
 * (only below checkpointEvery when that is set, so early training is densely covered and later steps evenly).
 * The last step is always stored by the loop.
 */
export function isCheckpointStep(step: number, cfg: Pick<TrainingConfig, 'checkpointEvery' | 'checkpointPowersOfTwo'>): boolean {
  if (step <= 0) return false;
  const k = cfg.checkpointEvery;
  if (k > 0 && step % k === 0) return true;
  return cfg.checkpointPowersOfTwo && (k === 0 || step < k) && (step & (step - 1)) === 0;
}

/** Updates whose own (mini)batch loss is recorded (sent with the next metrics message). */
export { STEP_LOSS_UPDATES };

export async function trainLoop(trainer: Trainer, cfg: TrainingConfig, hooks: LoopHooks): Promise<LoopEnd> {
  const isEval = (s: number) => s % cfg.evalEvery === 0 || s === cfg.steps;
  let lastCheckpoint = -1;
  const checkpoint = async () => {
    hooks.checkpoint(await trainer.snapshot());
    lastCheckpoint = trainer.step;
  };

  if (trainer.step === 0) {
    const rows = await trainer.evaluate(null);
    hooks.metrics(0, rows);
    const bad = firstNonFinite(rows);
    if (bad) return { reason: 'diverged', step: 0, message: `${bad} at initialisation` };
  }
  await yieldToEventLoop();
  if (trainer.step < cfg.steps && (await honourControl(trainer, hooks))) {
    await checkpoint();
    return { reason: 'cancelled', step: trainer.step };
  }
  const stepLosses: [string, number, number][] = [];
  // Losses not yet sent go out before the loop stops early, so a resumed run's early window has no gap.
  const flushStepLosses = () => {
    if (stepLosses.length) hooks.metrics(trainer.step, stepLosses.splice(0));
  };
  let lastYield = performance.now();
  // updates queued on the backend whose losses are not read yet (trainer.readEvery: 1 on the CPU backends)
  const pending: PendingStep[] = [];
  while (trainer.step < cfg.steps) {
    const next = trainer.step + 1;
    pending.push(trainer.queueUpdate(isEval(next)));
    const s = trainer.step;
    const hold = s === (hooks.control.holdAt ?? hooks.holdAt) && s < cfg.steps;
    const boundary = isEval(s) || isCheckpointStep(s, cfg) || hold || s === cfg.steps || performance.now() - lastYield >= YIELD_MS;
    if (!boundary && pending.length < trainer.readEvery) continue;
    const results = await trainer.readSteps(pending.splice(0));
    for (const { step, loss } of results) {
      if (step <= STEP_LOSS_UPDATES) stepLosses.push([STEP_LOSS_METRIC, step, loss]);
      if (!Number.isFinite(loss)) {
        flushStepLosses();
        return { reason: 'diverged', step: trainer.step, message: `training loss is ${loss} at update ${step}` };
      }
    }
    if (isEval(s)) {
      const rows = await trainer.evaluate(results[results.length - 1]!);
      hooks.metrics(s, stepLosses.length ? [...stepLosses.splice(0), ...rows] : rows);
      const bad = firstNonFinite(rows);
      if (bad) return { reason: 'diverged', step: s, message: `${bad} at step ${s}` };
    }
    if (isCheckpointStep(s, cfg)) await checkpoint();
    if (hold) {
      flushStepLosses(); // the window's losses reach the host before the pause
      hooks.control.paused = true;
    }
    if (hold || isEval(s) || performance.now() - lastYield >= YIELD_MS) {
      await yieldToEventLoop();
      lastYield = performance.now();
      if (trainer.step < cfg.steps && (await honourControl(trainer, hooks))) {
        flushStepLosses();
        if (lastCheckpoint !== trainer.step) await checkpoint(); // so a cancelled run can be continued
        return { reason: 'cancelled', step: trainer.step };
      }
      lastYield = performance.now();
    }
  }
  if (lastCheckpoint !== trainer.step) await checkpoint();
  return { reason: 'completed', step: trainer.step };
}
