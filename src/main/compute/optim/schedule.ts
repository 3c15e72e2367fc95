// Learning-rate schedule. Linear warm-up, as the papers' code does with a LambdaLR: the update with index t (t updates
// already taken, so t = 0 for the first) uses lr_t = lr · min(1, (t + 1) / warmupSteps); warmupSteps = 0 means no
// warm-up. After it, the rate stays constant or decays to 0 over the run's budget of T updates (cosine:
// ½(1 + cos(π·t/T)), linear: 1 − t/T, as torch's CosineAnnealingLR with eta_min 0 and LinearLR do), so that a run
// can settle into its minimum instead of rattling around it at a constant step (Adam's noise floor).
import type { LrSchedule } from '../../../shared/config/run-config';

export function warmupLr(lr: number, warmupSteps: number, t: number): number {
  if (warmupSteps <= 0) return lr;
  return lr * Math.min(1, (t + 1) / warmupSteps);
}

/** lr of update t (0-based) of a run of `total` updates. */
export function scheduledLr(lr: number, warmupSteps: number, schedule: LrSchedule, t: number, total: number): number {
  const warm = warmupLr(lr, warmupSteps, t);
  if (schedule === 'constant' || total <= 0) return warm;
  const x = Math.min(1, Math.max(0, t / total));
  return warm * (schedule === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * x)) : 1 - x);
}
