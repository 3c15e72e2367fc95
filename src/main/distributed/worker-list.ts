// The `grokscope worker` processes on a Redis server, as a coordinator lists them (issue 17): each worker keeps a
// key of its own (WORKER_KEY_PREFIX + name, protocol.ts) that expires unless it refreshes it, and rewrites it when a
// cell starts or ends; the coordinator reads them for `serve`'s and `sweep`'s first lines and, every
// WORKERS_POLL_MS, for the sweep page's Workers panel ('workers.status', pushed only when something changed).
import type { Redis } from 'ioredis';
import type { WorkerView, WorkersView } from '../../shared/api/types';
import { WORKER_KEY_PREFIX, WorkerInfoSchema, type WorkerInfo } from './protocol';

/** how often the workers' keys are read for the sweep page (each worker rewrites its key when its cells change) */
const WORKERS_POLL_MS = 1_000;

/** The workers that are up (each refreshes its key every few seconds), by name. */
export async function listWorkers(redis: Redis): Promise<WorkerInfo[]> {
  const names: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${WORKER_KEY_PREFIX}*`, 'COUNT', 200);
    cursor = next;
    names.push(...found);
  } while (cursor !== '0');
  if (names.length === 0) return [];
  const texts = await redis.mget(...names);
  const out: WorkerInfo[] = [];
  for (const t of texts) {
    if (t === null) continue;
    try {
      const w = WorkerInfoSchema.safeParse(JSON.parse(t));
      if (w.success) out.push(w.data);
    } catch {
      // a key another program wrote: not a worker
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The workers as the sweep page shows them: the cells of coordinator `coord` each trains, and whether it takes them
 * (the same Grokscope `version`); `shown` is the Redis URL with its password masked.
 */
export function workersView(ws: readonly WorkerInfo[], coord: string, version: string, shown: string): WorkersView {
  const mine = `${coord}/`;
  const workers = ws.map((w): WorkerView => {
    const runs = w.current.filter((c) => c.startsWith(mine)).map((c) => Number(c.slice(mine.length)));
    return {
      name: w.name,
      host: w.host,
      version: w.version,
      compatible: w.version === version,
      backend: w.backend ?? w.trainsOn ?? null,
      concurrency: w.concurrency,
      runs: runs.filter((r) => Number.isSafeInteger(r) && r > 0).sort((a, b) => a - b),
      others: w.current.length - runs.length,
      done: w.done,
      since: w.since,
    };
  });
  return { redis: shown, workers };
}

/** Reads `read()` every WORKERS_POLL_MS and calls `changed` when its answer differs from the last; returns the stop. */
export function watchWorkers(read: () => Promise<WorkersView>, changed: (view: WorkersView) => void, isClosed: () => boolean): () => void {
  let last = '';
  let busy = false;
  const timer = setInterval(() => {
    if (busy || isClosed()) return;
    busy = true;
    read()
      .then((view) => {
        const text = JSON.stringify(view);
        if (text === last || isClosed()) return;
        last = text;
        changed(view);
      })
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, WORKERS_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
