// A stored run's checkpoints as the analyses that need its model read them: which steps are stored, the steps asked
// for (each must be stored) or all of them thinned evenly, their parameters loaded, and a parameter list as one flat
// vector θ (the layout trajectory PCA and landscape directions work in).
import { chooseCheckpoints, thinIndices } from '../../shared/api/checkpoint-choice';
import { ApiError } from '../../shared/api/contract';
import type { TensorBlob } from '../protocol/training-state';
import type { Store } from '../store';
import { asInputError } from './option-input';

export interface LoadedCheckpoint {
  step: number;
  params: TensorBlob[];
}

// which steps to take is the shared rule, so the landscape resolver and the probes pick alike
export { thinIndices };

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

/** The checkpoints to measure: the steps asked for (each must be stored), else all of them evenly thinned to `max`. */
export function pickSteps(
  store: Store,
  runId: number,
  steps: number[] | undefined,
  max: number,
  what: string,
): { picked: number[]; stored: number } {
  const all = storedSteps(store, runId, what);
  return { picked: asInputError(() => chooseCheckpoints(runId, all, steps, all, max)), stored: all.length };
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
