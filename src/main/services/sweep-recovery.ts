// Sweeps that a stopped Grokscope left unfinished continue when the app or `grokscope serve` starts again:
// closed mid-sweep they are 'interrupted', killed they are still 'running'. Finished
// cells are kept, interrupted cells continue from their last checkpoint (or start again without one), queued ones are
// queued: SweepService.resume. A sweep with a cell still active after markInterrupted belongs to another live
// Grokscope on the same database, and is left to it.
import type { Store } from '../store';
import type { SweepService } from './sweeps';

const ACTIVE = new Set(['queued', 'running', 'paused']);

export interface ContinuedSweep {
  id: number;
  kept: number;
  continued: number;
  restarted: number;
  queued: number;
}

/** Call once at startup, after the runs of dead processes were marked interrupted. */
export async function continueUnfinishedSweeps(store: Store, sweeps: SweepService): Promise<ContinuedSweep[]> {
  const out: ContinuedSweep[] = [];
  for (const s of store.sweeps.list().reverse()) {
    if ((s.status !== 'running' && s.status !== 'interrupted') || s.damaged) continue;
    if (store.sweeps.runStatuses(s.id).some((status) => ACTIVE.has(status))) continue;
    out.push({ id: s.id, ...(await sweeps.resume(s.id)) });
  }
  return out;
}
