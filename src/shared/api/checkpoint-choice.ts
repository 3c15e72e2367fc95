// Which of a run's stored checkpoints an analysis looks at: the steps asked for (each must be stored) or all of them
// evenly thinned. Pure, so the services, the probes and the landscape resolver pick the same way.
import { OptionError } from './option-rules';

/** Up to `max` indices of 0 … n−1, evenly spread, first and last kept. */
export function thinIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out = new Set<number>();
  for (let k = 0; k < max; k++) out.add(Math.round((k * (n - 1)) / (max - 1)));
  return [...out].sort((a, b) => a - b);
}

/** Refuses a step that is not stored, naming the run and what is stored. */
export function requireStored(runId: number, stored: readonly number[], steps: readonly number[]): void {
  const missing = steps.filter((s) => !stored.includes(s));
  if (missing.length > 0)
    throw new OptionError('', `run ${runId} has no checkpoint at step ${missing.join(', ')} (stored: ${stored.join(', ')})`);
}

/** The steps asked for, sorted and once each, or else `pool` evenly thinned to `max` (at least one). */
export function chooseCheckpoints(
  runId: number,
  stored: readonly number[],
  steps: readonly number[] | undefined,
  pool: readonly number[],
  max: number,
): number[] {
  if (steps && steps.length > 0) {
    requireStored(runId, stored, steps);
    return [...new Set(steps)].sort((a, b) => a - b);
  }
  return thinIndices(pool.length, Math.max(1, max)).map((i) => pool[i]!);
}
