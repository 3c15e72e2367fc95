// A landscape's or reduced landscape's parameters from the caller's options: the shared resolvers fill the defaults
// in against what is stored (the run's checkpoint steps, its config); a raw PCA axis without a range gets the
// trajectory's extent, which needs the checkpoints' weights, so that part lives here.
import {
  pcaAxesToFit,
  pcaExtent,
  resolveLandscape,
  trajectoryStepsOf,
  type LandscapeOptions,
  type LandscapeParams,
} from '../../shared/api/landscape-options';
import { resolveReduced, type ReducedOptions, type ReducedParams } from '../../shared/api/reduced-options';
import { trajectoryPca } from '../../shared/analysis/trajectory-pca';
import type { RunConfig } from '../../shared/config/run-config';
import type { Store } from '../store';
import { flattenParams, loadCheckpoints, storedSteps } from './checkpoints';
import { asInputError } from './option-input';

/** Fills the defaults in and checks the options against the run's checkpoints. */
export function landscapeParams(store: Store, runId: number, o: LandscapeOptions): LandscapeParams {
  const all = storedSteps(store, runId, 'a loss landscape');
  return asInputError(() => resolveLandscape(runId, all, o));
}

/** Sets the range of each raw PCA axis not given to the trajectory's extent along it (see pcaExtent). */
export function pcaRanges(store: Store, runId: number, params: LandscapeParams, opts: LandscapeOptions): void {
  const axes = pcaAxesToFit(params, opts);
  if (!axes.some(Boolean)) return;
  const steps = trajectoryStepsOf(storedSteps(store, runId, 'a loss landscape'), params);
  const thetas = loadCheckpoints(store, runId, steps).map((c) => flattenParams(c.params));
  const pca = trajectoryPca(thetas, { components: 2 });
  const centre = steps.indexOf(params.steps[0]!);
  if (axes[0]) params.range = pcaExtent(pca.projections[0]!, centre);
  if (axes[1]) params.range2 = pcaExtent(pca.projections[1]!, centre);
}

/** Fills the defaults in from the run's config; every cell's config is checked before a process starts. */
export function reducedParams(config: RunConfig, o: ReducedOptions): ReducedParams {
  return asInputError(() => resolveReduced(config, o));
}
