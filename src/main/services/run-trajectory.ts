// Trajectory PCA of a stored run (000 App. B.2): its checkpoints as flat parameter vectors θ_t, PCA of θ_t − θ_T
// through the Gram matrix, and the path projected on the first two directions.
import { trajectoryPca } from '../../shared/analysis/trajectory-pca';
import { ApiError } from '../../shared/api/contract';
import type { TrajectoryView } from '../../shared/api/types';
import type { Store } from '../store';
import { flattenParams, thinIndices } from './checkpoints';
import { storedRun } from './run-analysis';

/** More checkpoints than this are thinned evenly (first and last kept): the Gram matrix costs T²·d. */
export const MAX_TRAJECTORY_CHECKPOINTS = 200;

export function trajectoryOfRun(store: Store, runId: number): TrajectoryView {
  storedRun(store, runId);
  const all = store.checkpoints.list(runId);
  if (all.length < 3) {
    throw new ApiError(
      'invalid_input',
      `run ${runId} has ${all.length} checkpoint${all.length === 1 ? '' : 's'}; trajectory PCA needs at least 3 ` +
        '(set training.checkpointEvery, or checkpointPowersOfTwo, in its config)',
    );
  }
  const picked = thinIndices(all.length, MAX_TRAJECTORY_CHECKPOINTS).map((i) => all[i]!.step);
  let names: string | null = null;
  const thetas = picked.map((step) => {
    const state = store.checkpoints.load(runId, step)!;
    const key = state.params.map((p) => `${p.name}:${p.shape.join('x')}`).join(',');
    if (names !== null && key !== names)
      throw new ApiError('invalid_input', `run ${runId}: the checkpoint at step ${step} has other parameters than the first`);
    names = key;
    return flattenParams(state.params);
  });
  const pca = trajectoryPca(thetas, { components: 2 });
  const view: TrajectoryView = {
    runId,
    steps: picked,
    dim: pca.dim,
    explained: pca.explainedVarianceRatio.slice(0, 10),
    alpha: pca.projections[0]!,
    beta: pca.projections[1] ?? picked.map(() => 0),
    thinnedFrom: all.length,
  };
  store.analyses.save(runId, 'pca', { checkpoints: picked.length }, view, new Date().toISOString());
  return view;
}
