// Runs trained by another Grokscope process on the same database. Each run row names its owner (pid and host); a
// run that looks active here but is not ours belongs to a live owner, which alone may pause or resume it and which
// cancels it when asked through the database (runs.cancel_requested_at, polled by its scheduler), or it is an orphan
// whose owner is gone, which can never finish and is stored interrupted.
import { isTerminal } from '../../shared/api/run-status';
import { ApiError } from '../../shared/api/contract';
import type { Store } from '../store';
import type { RunOwner, RunRow } from '../store/runs-repo';

/** How often the runs this process trains are checked for another process's cancel request. */
export const CANCEL_POLL_MS = 500;
/** How long cancelling a run trained by another process waits for that process to stop it. */
export const CROSS_PROCESS_CANCEL_MS = 15_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const describeOwner = (o: RunOwner) => `pid ${o.pid} on ${o.host}`;

/**
 * Whose a run is that this process does not train (`ours` false): its live owner's, or an orphan (owner gone);
 * null for a run that is ours or has finished.
 */
export function foreignOwner(row: RunRow, ours: boolean, ownerAlive: (o: RunOwner) => boolean): { owner: RunOwner } | 'orphan' | null {
  if (isTerminal(row.status) || ours) return null;
  return row.owner && ownerAlive(row.owner) ? { owner: row.owner } : 'orphan';
}

/** Which of these runs another process has asked to cancel; none while the database is busy or closing (the next
 *  poll asks again). */
export function cancelRequests(store: Store, ids: number[]): number[] {
  try {
    return store.runs.cancelRequested(ids);
  } catch {
    return [];
  }
}

/** Stores an orphan run interrupted, as opening the database would; the caller announces it. */
export function storeOrphaned(store: Store, row: RunRow, now: string): void {
  const where = row.status === 'queued' ? '' : ` at step ${row.step}`;
  const gone = row.owner ? `its Grokscope process (${describeOwner(row.owner)}) is gone` : 'its Grokscope process is gone';
  store.runs.setStatus(row.id, 'interrupted', { error: `interrupted: ${gone}; the run was ${row.status}${where}`, finishedAt: now });
}

export interface CancelElsewhereHost {
  readonly store: Store;
  now(): string;
  ownerAlive(o: RunOwner): boolean;
  emitStatus(id: number): void;
  /** stores the orphan interrupted and announces it */
  orphaned(row: RunRow): RunRow;
  cancel(row: RunRow): Promise<void>;
}

/** Asks the live process that trains the run to cancel it, and waits until it has (or has died, or the time is up). */
export async function cancelElsewhere(host: CancelElsewhereHost, row: RunRow, owner: RunOwner): Promise<void> {
  const { store } = host;
  store.runs.requestCancel(row.id, host.now());
  const deadline = Date.now() + CROSS_PROCESS_CANCEL_MS;
  for (;;) {
    const now = store.runs.get(row.id);
    if (!now || isTerminal(now.status)) {
      host.emitStatus(row.id);
      return;
    }
    // it died meanwhile: nobody will honour the request
    if (!now.owner || !host.ownerAlive(now.owner)) {
      host.orphaned(now);
      return host.cancel(store.runs.get(row.id)!);
    }
    if (Date.now() >= deadline) break;
    await sleep(100);
  }
  throw new ApiError(
    'internal',
    `asked the Grokscope process that trains run ${row.id} (${describeOwner(owner)}) to cancel it, but it has not within ` +
      `${CROSS_PROCESS_CANCEL_MS / 1000} s; the request stands`,
  );
}
