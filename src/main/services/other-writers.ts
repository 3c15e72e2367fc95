// Notices what other processes write to this database (`grokscope run --db` beside the app, a second `serve`) and
// announces it as this back end announces its own runs: new and deleted runs, status changes, metric points and
// checkpoints. SQLite's data_version changes only when another connection commits, so an idle poll costs one pragma.
import { hostname } from 'node:os';
import type { Store } from '../store';
import type { RunMark } from '../store/runs-repo';
import type { EventBus } from './backend-api';

/** How often the database is asked whether another process wrote to it. */
export const OTHER_WRITERS_POLL_MS = 500;

export interface OtherWritersOptions {
  store: Store;
  events: EventBus;
  pollMs?: number;
}

export interface OtherWriters {
  /** whether the run's events came from here (another process trains it): it predicts and stores its own results */
  announces(runId: number): boolean;
  stop(): void;
}

/** Starts watching. Runs this process owns are left to its own scheduler's events. */
export function watchOtherWriters(o: OtherWritersOptions): OtherWriters {
  const { store, events } = o;
  const host = hostname();
  const version = (): number => store.db.pragma('data_version', { simple: true }) as number;
  const byId = (marks: RunMark[]) => new Map(marks.map((m) => [m.id, m]));
  let seenVersion = version();
  let seen = byId(store.runs.marks());
  /** the last checkpoint step announced for each foreign run whose progress was followed */
  const lastCheckpoint = new Map<number, number>();
  const foreign = new Set<number>();

  const ours = (m: RunMark): boolean => m.ownerPid === process.pid && m.ownerHost === host;

  function announce(before: RunMark | undefined, now: RunMark): boolean {
    if (before && before.status === now.status && before.step === now.step) return false;
    if (ours(now)) return false;
    const row = store.runs.get(now.id);
    if (!row) return false;
    foreign.add(now.id);
    const from = before?.step ?? -1;
    if (now.step > from) {
      const points = store.metrics.pointsAfter(now.id, from).map(([name, step, value]) => ({ name, step, value }));
      if (points.length > 0) events.emit('run.progress', { runId: now.id, step: now.step, totalSteps: row.totalSteps, points });
      const after = lastCheckpoint.get(now.id) ?? from;
      for (const c of store.checkpoints.list(now.id).filter((c) => c.step > after)) {
        events.emit('run.checkpoint', { runId: now.id, step: c.step, bytes: c.bytes });
        lastCheckpoint.set(now.id, c.step);
      }
    }
    if (!before || before.status !== now.status) {
      const { status, error, phases, backend, backendNotes, step } = row;
      events.emit('run.status', { runId: now.id, status, error, phases, backend, backendNotes, step });
    }
    return !before;
  }

  function poll(): void {
    if (!store.db.open) return;
    const v = version();
    if (v === seenVersion) return;
    const now = byId(store.runs.marks());
    let listChanged = [...seen.keys()].some((id) => !now.has(id));
    for (const [id, mark] of now) {
      const before = seen.get(id);
      if (before && before.deleted !== mark.deleted) listChanged = true;
      if (announce(before, mark)) listChanged = true;
    }
    seen = now;
    seenVersion = v;
    if (listChanged) events.emit('runs.changed', { reason: 'written by another process' });
  }

  const timer = setInterval(() => {
    try {
      poll();
    } catch (e) {
      // busy or closing: the next poll asks again (data_version still differs, so nothing is missed)
      if (!(e instanceof Error && /busy|locked|not open/i.test(e.message))) console.error('Grokscope: watching other writers:', e);
    }
  }, o.pollMs ?? OTHER_WRITERS_POLL_MS);
  timer.unref();
  return { announces: (id) => foreign.has(id), stop: () => clearInterval(timer) };
}
