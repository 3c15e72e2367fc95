// Queue one run (or continue a stopped one) on a back end and wait for its final status: shared by `grokscope run`,
// `grokscope resume` and the demo script.
import type { RunDetail, RunStatus } from '../../shared/api/types';
import type { EventPayloads } from '../../shared/api/contract';
import type { RunConfig } from '../../shared/config/run-config';
import type { LocalBackend } from '../services/create-backend';
import { isTerminal } from '../../shared/api/run-status';
import { callApi } from './call-api';

export interface RunHooks {
  onProgress?(p: EventPayloads['run.progress']): void;
  onStatus?(s: EventPayloads['run.status']): void;
}

export interface StartedRun {
  id: number;
  /** resolves with the run's detail once it has reached a final status */
  finished: Promise<{ detail: RunDetail; wallTimeS: number }>;
}

/** Queues a new run and follows it to its final status. */
export function startRun(backend: LocalBackend, config: RunConfig, hooks: RunHooks = {}): Promise<StartedRun> {
  return followRun(backend, async () => (await callApi(backend, 'runs.create', { config })).id, hooks);
}

/** Continues a stopped run from its last checkpoint (or a paused one) and follows it to its final status. */
export function resumeRun(backend: LocalBackend, id: number, hooks: RunHooks = {}): Promise<StartedRun> {
  return followRun(
    backend,
    async () => {
      await callApi(backend, 'runs.resume', { id });
      return id;
    },
    hooks,
  );
}

/** Calls `begin` (which queues the run and returns its id) and reports the run's events until it ends. */
async function followRun(backend: LocalBackend, begin: () => Promise<number>, hooks: RunHooks): Promise<StartedRun> {
  const t0 = performance.now();
  let id: number | null = null;
  let settle!: (s: RunStatus) => void;
  const ended = new Promise<RunStatus>((r) => (settle = r));
  // Subscribe before beginning: a run whose process cannot even start fails during begin().
  const early: EventPayloads['run.status'][] = [];
  const unsubscribe = backend.events.subscribe((event, payload) => {
    if (event === 'run.progress') {
      const p = payload as EventPayloads['run.progress'];
      if (p.runId === id) hooks.onProgress?.(p);
    } else if (event === 'run.status') {
      const s = payload as EventPayloads['run.status'];
      if (id === null) early.push(s);
      else if (s.runId === id) {
        hooks.onStatus?.(s);
        if (isTerminal(s.status)) settle(s.status);
      }
    }
  });
  try {
    id = await begin();
  } catch (e) {
    unsubscribe();
    throw e;
  }
  for (const s of early)
    if (s.runId === id) {
      hooks.onStatus?.(s);
      if (isTerminal(s.status)) settle(s.status);
    }
  const runId = id;
  const finished = ended.then(async () => {
    unsubscribe();
    const detail = await callApi(backend, 'runs.get', { id: runId });
    return { detail, wallTimeS: (performance.now() - t0) / 1000 };
  });
  return { id: runId, finished };
}
