// A stored run's checkpoints as the analyses that need its model read them: which steps are stored, the steps asked
// for (each must be stored) or all of them thinned evenly, their parameters loaded, and a parameter list as one flat
// vector θ (the layout trajectory PCA and landscape directions work in).
import { ApiError } from '../../shared/api/contract';
import type { TensorBlob } from '../protocol/training-state';
import type { Store } from '../store';

export interface LoadedCheckpoint {
  step: number;
  params: TensorBlob[];
}

/** Indices of n items thinned to at most max, evenly, always keeping the first and the last. */
export function thinIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out = new Set<number>();
  for (let k = 0; k < max; k++) out.add(Math.round((k * (n - 1)) / (max - 1)));
  return [...out].sort((a, b) => a - b);
}

/** Every stored checkpoint step of a run, ascending, or an input error saying how to get some. */
export function storedSteps(store: Store, runId: number, what: string): number[] {
  const all = store.checkpoints.list(runId).map((c) => c.step);
  if (all.length === 0)
    throw new ApiError(
      'invalid_input',
      `run ${runId} has no stored checkpoints; ${what} needs the model's weights (set training.checkpointEvery, or checkpointPowersOfTwo, in its config)`,
    );
  return all;
}

/** The steps asked for, sorted and unique, each of which must be among `all`. */
export function requireSteps(runId: number, all: number[], steps: number[]): number[] {
  const missing = steps.filter((s) => !all.includes(s));
  if (missing.length > 0) throw new ApiError('invalid_input', `run ${runId} has no checkpoint at step ${missing.join(', ')} (stored: ${all.join(', ')})`);
  return [...new Set(steps)].sort((a, b) => a - b);
}

/** The checkpoints to measure: the steps asked for (each must be stored), else all of them evenly thinned to `max`. */
export function pickSteps(store: Store, runId: number, steps: number[] | undefined, max: number, what: string): { picked: number[]; stored: number } {
  const all = storedSteps(store, runId, what);
  if (steps && steps.length > 0) return { picked: requireSteps(runId, all, steps), stored: all.length };
  return { picked: thinIndices(all.length, Math.max(1, max)).map((i) => all[i]!), stored: all.length };
}

/** The parameters of each step; a step whose checkpoint was deleted meanwhile is an input error. */
export function loadCheckpoints(store: Store, runId: number, steps: number[]): LoadedCheckpoint[] {
  return steps.map((step) => {
    const state = store.checkpoints.load(runId, step);
    if (!state) throw new ApiError('invalid_input', `run ${runId}: the checkpoint at step ${step} is gone`);
    return { step, params: state.params };
  });
}

/** The parameters one after another, in stored order: θ as one vector. */
export function flattenParams(params: readonly TensorBlob[]): Float32Array {
  const theta = new Float32Array(params.reduce((n, p) => n + p.data.length, 0));
  let at = 0;
  for (const p of params) {
    theta.set(p.data, at);
    at += p.data.length;
  }
  return theta;
}
