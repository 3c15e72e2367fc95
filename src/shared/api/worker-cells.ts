// Sweep cells trained by `grokscope worker` processes on other machines (issue 17): their compute process runs on
// the worker, out of this back end's reach, so a person cannot pause or resume one from here. A worker holds a cell
// only at its sweep's prediction window, where the sweep decides; cancel reaches the worker (it stops at once and
// the run keeps its checkpoints). Shared so that the back end's refusal and the run page's buttons agree.
import type { RunStatus } from './types';

export interface WorkerCell {
  id: number;
  status: RunStatus;
  worker?: { name: string; host: string } | null;
}

/** The run trains (or waits at its window) on a worker now. */
export const onWorker = (r: WorkerCell): boolean => !!r.worker && (r.status === 'running' || r.status === 'paused');

/** Why `action` cannot be done to a run live on a worker, or null when the run is not on one. */
export function workerCellRefusal(r: WorkerCell, action: 'pause' | 'resume'): string | null {
  if (!onWorker(r)) return null;
  const where = `worker ${r.worker!.name} on ${r.worker!.host}`;
  if (action === 'pause')
    return `run ${r.id} is a sweep cell trained by ${where}; a cell on a worker cannot be paused from here (its compute process is on that machine). Cancel it to stop it at its last checkpoint, or let it finish.`;
  return r.status === 'paused'
    ? `run ${r.id} is a sweep cell held at its prediction window on ${where}; its sweep decides whether it goes on (continue it from the sweep page once it has stopped).`
    : `run ${r.id} is a sweep cell training on ${where}; it is not paused.`;
}
