// What a measurement job (a probe, a landscape grid, a reduced landscape) asks a compute process to do, and what a
// probe answers: written by services, carried in the protocol's messages, read by compute/probes.
import type { LandscapeParams, ReducedParams } from '../../shared/api/landscape-types';
import type { HessianPoint, IdLayerPoint } from '../../shared/api/types';
import type { RunConfig } from '../../shared/config/run-config';
import type { ExecutionSettings } from './execution';
import type { TensorBlob } from './training-state';

/** A stored checkpoint's weights, as a job measures them. */
export interface ProbeCheckpoint {
  step: number;
  params: TensorBlob[];
}

export type ProbeRequest = (
  | { kind: 'hessian'; config: RunConfig; checkpoints: ProbeCheckpoint[]; excludeOneDim: boolean; maxIter: number; tol: number }
  | { kind: 'id'; config: RunConfig; checkpoints: ProbeCheckpoint[]; maxPoints: number }
) & {
  /** how many threads the checkpoints may be spread over (default: one thread, protocol/execution ONE_THREAD) */
  execution?: ExecutionSettings;
};

export type ProbeResultPoint = { kind: 'hessian'; point: HessianPoint } | { kind: 'id'; step: number; layers: IdLayerPoint[] };

export type LandscapeCheckpoint = ProbeCheckpoint;

export interface LandscapeJob {
  config: RunConfig;
  params: LandscapeParams;
  /** ascending; holds every step the grid refers to (centres, their next checkpoints, the final one) and the
   *  trajectory used for PCA and for the projection of a 2d surface */
  checkpoints: LandscapeCheckpoint[];
  /** the steps of `checkpoints` that form the trajectory (PCA, projection); the last is the run's final checkpoint */
  trajectorySteps: number[];
  /** the next stored checkpoint after each centre of params.steps (null for the last) */
  nextSteps: (number | null)[];
  /** row indices already stored */
  skipRows: number[];
  /** how many threads the rows may be spread over (default: one thread, protocol/execution ONE_THREAD) */
  execution?: ExecutionSettings;
}

export interface ReducedJob {
  config: RunConfig;
  params: ReducedParams;
  /** [v, s] of cells already stored */
  skip: [number, number][];
  /** how each cell's training may use the machine (default: one thread, protocol/execution ONE_THREAD) */
  execution?: ExecutionSettings;
}
