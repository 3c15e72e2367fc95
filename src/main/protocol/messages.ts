// Typed messages between the host (main process) and a compute process. Sent with structured clone
// (child_process `serialization: 'advanced'`, or Electron utilityProcess), so Float32Arrays cross without copying to JSON.
import type { RunConfig } from '../../shared/config/run-config';
import type { DirectionInfo, LandscapeRow, LandscapeTrajectory, ReducedCell } from '../../shared/api/landscape-types';
import type { GpuAdapterReport } from '../../shared/api/types';
import type { LandscapeJob, ProbeRequest, ProbeResultPoint, ReducedJob } from './jobs';
import type { ExecutionSettings } from './execution';
import type { TrainingState } from './training-state';

export type HostToCompute =
  // holdAt: pause by itself once this many updates are done (a predict sweep's window), so the host's decision
  // costs no updates beyond it; 'resume' or 'cancel' then continues or ends it. execution: threads and kernel, set
  // by the host for this run
  | { type: 'start'; runId: number; config: RunConfig; execution: ExecutionSettings; resume?: TrainingState; holdAt?: number }
  | { type: 'pause' }
  // holdAt: pause by itself again at this update (a predict sweep's next window)
  | { type: 'resume'; holdAt?: number }
  | { type: 'cancel' }
  /** a measurement of stored checkpoints (Hessian, intrinsic dimension) instead of training; 'cancel' stops it */
  | { type: 'probe'; runId: number; request: ProbeRequest }
  /** a loss-landscape grid around stored checkpoints, or Omnigrok's reduced landscape; 'cancel' stops it */
  | { type: 'landscape'; runId: number; request: LandscapeJob }
  | { type: 'reduced'; runId: number; request: ReducedJob }
  /** which WebGPU adapters this machine offers (answered with 'gpu-adapters', then the process exits) */
  | { type: 'gpu-adapters' };

export type ComputeToHost =
  | { type: 'started'; runId: number; backend: string; backendNotes: string[]; paramCount: number; step: number }
  /** rows of [metric, step, value]; one message per evaluation */
  | { type: 'metrics'; runId: number; step: number; rows: [string, number, number][] }
  | { type: 'checkpoint'; runId: number; state: TrainingState }
  | { type: 'paused'; runId: number; step: number }
  | { type: 'resumed'; runId: number; step: number }
  | { type: 'done'; runId: number; step: number; reason: 'completed' | 'cancelled' | 'diverged'; message?: string }
  | { type: 'error'; runId: number; message: string; step?: number }
  /** a probe's answers: the operator's dimension once, progress, one result per checkpoint, then done */
  | { type: 'probe-info'; runId: number; backend: string; dim: number; excluded: string[] }
  | { type: 'probe-progress'; runId: number; done: number; total: number; message: string }
  | { type: 'probe-point'; runId: number; result: ProbeResultPoint }
  | { type: 'probe-done'; runId: number; reason: 'completed' | 'cancelled' }
  /** a grid's answers (landscape, reduced): info once, progress ('probe-progress'), one message per finished row or
   *  cell, then 'grid-done' */
  | {
      type: 'grid-info';
      runId: number;
      backend: string;
      dim: number;
      directions: DirectionInfo[];
      trajectory: LandscapeTrajectory | null;
      w0: number | null;
    }
  | { type: 'grid-row'; runId: number; index: number; row: LandscapeRow; seconds: number }
  | { type: 'grid-cell'; runId: number; v: number; s: number; cell: ReducedCell }
  | { type: 'grid-done'; runId: number; reason: 'completed' | 'cancelled' }
  | { type: 'gpu-adapters'; adapters: GpuAdapterReport[]; why: string | null };
