// Callers waiting for a run to reach a status (pause, resume and cancel wait for the compute process to confirm).
import type { RunStatus } from '../../shared/api/types';

type Waiter = { pred: (s: RunStatus) => boolean; resolve: (s: RunStatus | null) => void };

export class StatusWaiters {
  private readonly waiters = new Map<number, Set<Waiter>>();

  /** Run `id` is now `status`: resolves the waits it satisfies. */
  notify(id: number, status: RunStatus): void {
    for (const w of [...(this.waiters.get(id) ?? [])]) {
      if (w.pred(status)) {
        this.waiters.get(id)?.delete(w);
        w.resolve(status);
      }
    }
  }

  /** Resolves with the run's status once `pred` holds (at once if it holds for `now`), or null after the timeout. */
  wait(id: number, now: RunStatus | undefined, pred: (s: RunStatus) => boolean, timeoutMs: number): Promise<RunStatus | null> {
    if (now && pred(now)) return Promise.resolve(now);
    return new Promise((resolve) => {
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      const timer = setTimeout(() => {
        set.delete(w);
        resolve(null);
      }, timeoutMs);
      const w: Waiter = {
        pred,
        resolve: (s) => {
          clearTimeout(timer);
          resolve(s);
        },
      };
      set.add(w);
    });
  }

  /** Ends every wait with null (the back end is closing). */
  releaseAll(): void {
    for (const set of this.waiters.values()) for (const w of set) w.resolve(null);
    this.waiters.clear();
  }
}
