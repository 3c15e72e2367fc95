// Assembles the back end every transport uses: the store, the event bus, the single writer, the run scheduler, and
// one handler per API method (src/shared/api/contract.ts). Transports call handlers through dispatch().
import { hostname } from 'node:os';
import { ApiError, type ApiHandlers } from '../../shared/api/contract';
import type { HessianView, IdView, WorkersView } from '../../shared/api/types';
import { parseConfigText, parseSweepText } from '../../shared/config/parse';
import { formatProblem } from '../../shared/config/errors';
import type { ComputeLauncher } from '../host/types';
import { openStore, type Store } from '../store';
import { predictRun, spectralOfRun } from './run-analysis';
import { trajectoryOfRun } from './run-trajectory';
import { ProbeService } from './run-probes';
import { LandscapeService } from './run-landscape';
import { predictEarly } from './early-prediction';
import { watchOtherWriters } from './other-writers';
import { SweepService, type SweepExecutor } from './sweeps';
import { continueUnfinishedSweeps, type ContinuedSweep } from './sweep-recovery';
import type { RunOwner } from '../store/runs-repo';
import type { Backend, EventBus } from './backend-api';
import { createEventBus } from './events';
import { RunWriter } from './run-writer';
import { RunScheduler } from './run-scheduler';
import { RunService } from './runs';
import { appInfo } from './app-info';
import { askGpuAdapters, type GpuAdapters } from './gpu-adapters';
import { processStartId } from './process-identity';
import { fitRuns } from './run-fits';
import { ReproService } from './reproductions';

export interface BackendOptions {
  dbPath: string;
  launcher: ComputeLauncher;
  /** compute processes training at once (paused runs do not count); default 1 */
  maxConcurrent?: number;
  /** the cores the runs share (default: os.availableParallelism()) */
  cores?: number;
  mode?: 'electron' | 'browser';
  /** metric flush interval in ms (default 250) */
  flushMs?: number;
  /** how long a cancelled or finished compute process may take to exit before it is killed, in ms (default 10 s) */
  graceMs?: number;
  /** continue the sweeps a stopped Grokscope left unfinished (the app and `serve`; not one-shot CLI commands) */
  continueSweeps?: boolean;
  /** refuse a missing database instead of creating it (commands that only read) */
  mustExist?: boolean;
  /** sweep cells go to this executor instead of the local scheduler (src/main/distributed: workers on Redis) */
  sweepExecutor?: (deps: { store: Store; writer: RunWriter; events: EventBus; owner: RunOwner }) => SweepExecutor & {
    close(): Promise<void>;
    /** the workers that take the cells (the executor also pushes them as 'workers.status') */
    workersView?(): Promise<WorkersView>;
  };
}

/** The back end plus what headless callers in this process (CLI, demo, tests) may use directly. */
export interface LocalBackend extends Backend {
  store: Store;
  runs: RunService;
  sweeps: SweepService;
  /** Hessian and intrinsic-dimension probes (compute processes) */
  probes: ProbeService;
  /** loss landscapes and Omnigrok's reduced landscape (compute processes) */
  landscapes: LandscapeService;
  /** pid of the compute process training a run, if any */
  computePid(runId: number): number | undefined;
  /** stops one of this process's runs resumably, checkpointing its current step (Ctrl-C in the CLI) */
  interrupt(runId: number, why: string): Promise<void>;
  /** the sweeps continued at startup (empty unless continueSweeps) */
  continuedSweeps: Promise<ContinuedSweep[]>;
}

/**
 * Is the process that owns a run still alive? Only decidable on this host. A live pid is the owner only if it also
 * started when the owner did (Linux); owners stored without a start time (older versions, other systems) are
 * judged by the pid alone.
 */
export const ownerAlive = (o: RunOwner): boolean => {
  if (o.host !== hostname()) return true;
  if (o.pid === process.pid) return false;
  try {
    process.kill(o.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return o.started ? processStartId(o.pid) === o.started : true;
};

export function createBackend(opts: BackendOptions): LocalBackend {
  const store = openStore(opts.dbPath, { mustExist: opts.mustExist ?? false });
  const events = createEventBus();
  const writer = new RunWriter(store, { flushMs: opts.flushMs ?? 250 });
  // Runs written by other processes on this database reach this back end's clients too (e.g. `grokscope run --db`).
  const otherWriters = watchOtherWriters({ store, events });
  const stopPredicting = predictEarly(store, events, () => writer.flush(), otherWriters.announces);
  const owner: RunOwner = { host: hostname(), pid: process.pid, started: processStartId(process.pid) };
  const mode = opts.mode ?? 'browser';

  // Runs a crashed Grokscope left active can never finish: say so before anything else reads them.
  store.runs.markInterrupted(new Date().toISOString(), ownerAlive);

  const grace = opts.graceMs !== undefined ? { graceMs: opts.graceMs } : {};
  const scheduler = new RunScheduler({
    store,
    writer,
    events,
    launcher: opts.launcher,
    owner,
    ownerAlive,
    maxConcurrent: Math.max(1, Math.floor(opts.maxConcurrent ?? 1)),
    ...(opts.cores !== undefined ? { cores: opts.cores } : {}),
    ...grace,
  });

  const remote = opts.sweepExecutor?.({ store, writer, events, owner });
  const runs = new RunService({ store, writer, events, scheduler, owner, remoteSweeps: remote });
  const probes = new ProbeService({ store, launcher: opts.launcher, onProgress: (p) => events.emit('probe.progress', p), ...grace });
  const landscapes = new LandscapeService({
    store,
    launcher: opts.launcher,
    onProgress: (p) => events.emit('landscape.progress', p),
    ...grace,
  });
  const sweeps = new SweepService(
    store,
    events,
    remote ?? {
      submit: (id, holdAt) => {
        scheduler.emitStatus(id);
        scheduler.enqueue(id, holdAt);
      },
      stop: (id, note) => scheduler.stop(runs.row(id), note),
      continue: (id, holdAt) => scheduler.resume(runs.row(id), holdAt),
      restart: (id) => scheduler.restart(runs.row(id)),
    },
    () => writer.flush(),
    owner,
  );

  const repro = new ReproService({ store, events, handlers: () => handlers });

  // asked of a compute process on the first app.info (services/gpu-adapters), then remembered
  let gpuAdapters: Promise<GpuAdapters> | null = null;
  const handlers: ApiHandlers = {
    'app.info': async () => appInfo(opts.dbPath, mode, await (gpuAdapters ??= askGpuAdapters(opts.launcher))),

    'runs.list': async ({ includeDeleted, withConfig }) => runs.list(includeDeleted, withConfig ?? false),
    'runs.get': async ({ id }) => runs.get(id),
    'runs.metrics': async ({ id, names, maxPoints, full }) => runs.metrics(id, names, maxPoints, full),
    'runs.create': async ({ config }) => runs.create(config),
    'runs.createFromFile': async ({ name, text }) => runs.createFromFile(name, text),

    'config.validate': async ({ name, text }) => {
      const r = parseConfigText(text, name);
      return r.ok
        ? { ok: true, kind: 'run', problems: [], config: r.config }
        : { ok: false, kind: null, problems: r.problems, config: null };
    },

    'runs.pause': async ({ id }) => {
      await runs.pause(id);
      return { ok: true };
    },
    'runs.resume': async ({ id }) => {
      await runs.resume(id);
      return { ok: true };
    },
    'runs.cancel': async ({ id }) => {
      await runs.cancel(id);
      return { ok: true };
    },
    'runs.delete': async ({ id }) => {
      await runs.delete(id);
      return { ok: true };
    },
    'runs.restore': async ({ id }) => {
      runs.restore(id);
      return { ok: true };
    },
    'runs.annotate': async ({ id, ...change }) => {
      runs.annotate(id, change);
      return { ok: true };
    },
    'runs.tag': async ({ ids, add, remove }) => ({ changed: runs.tag(ids, add ?? [], remove ?? []) }),

    'analysis.spectral': async ({ id, ...opts }) => spectralOfRun(store, id, opts),
    'analysis.predict': async ({ id, ...opts }) => predictRun(store, id, opts),
    'analysis.pca': async ({ id }) => trajectoryOfRun(store, id),
    'analysis.fit': async ({ ids, against, level }) => fitRuns(store, ids, against, level),
    'analysis.hessian': async ({ id, ...o }) => probes.hessian(id, o),
    'analysis.id': async ({ id, ...o }) => probes.intrinsicDimension(id, o),
    'analysis.stored': async ({ id }) => {
      runs.row(id);
      return {
        hessian: (store.analyses.latest(id, 'hessian')?.result ?? null) as HessianView | null,
        id: (store.analyses.latest(id, 'id')?.result ?? null) as IdView | null,
      };
    },
    'analysis.cancelProbes': async ({ id }) => ({ ok: true, cancelled: probes.cancel(id) }),
    'analysis.landscape': async ({ id, ...o }) => landscapes.landscape(id, o),
    'analysis.landscapeStored': async ({ id }) => landscapes.stored(id),
    'analysis.landscapeGet': async ({ id, key }) => landscapes.get(id, key),
    'analysis.reduced': async ({ id, ...o }) => landscapes.reduced(id, o),
    'analysis.cancelLandscape': async ({ id }) => ({ ok: true, cancelled: landscapes.cancel(id) }),

    'sweeps.list': async () => sweeps.list(),
    'sweeps.get': async ({ id }) => {
      writer.flush();
      return sweeps.view(id);
    },
    'sweeps.createFromFile': async ({ name, text, mode, resumeSame }) => {
      const r = parseSweepText(text, name);
      if (!r.ok) throw new ApiError('invalid_input', r.problems.map((p) => formatProblem(p, name)).join('\n'), r.problems);
      const m = mode ?? r.config.policy.mode;
      const same = resumeSame ? sweeps.unfinishedLike(r.config, m) : null;
      if (same !== null) return { id: same, runIds: store.sweeps.runIds(same), resumed: await sweeps.resume(same) };
      return sweeps.start(r.config, r.cells, m);
    },
    'sweeps.continue': async ({ id, runs: cells }) => ({ runIds: await sweeps.continueCells(id, cells ?? 'predicted-to-grok') }),
    'sweeps.resume': async ({ id }) => sweeps.resume(id),
    'sweeps.cancel': async ({ id }) => ({ cancelled: await sweeps.cancel(id) }),
    'sweeps.workers': async ({ id }) => {
      if (!store.sweeps.get(id)) throw new ApiError('not_found', `no sweep with id ${id} in ${store.path}`);
      return remote?.workersView ? remote.workersView() : { redis: null, workers: [] };
    },
    'sweeps.extend': async ({ id, axes, asNew }) => sweeps.extend(id, axes, asNew),
    'repro.list': async () => repro.list(),
    'repro.run': async ({ name, quick }) => repro.start(name, quick),
    'repro.cancel': async ({ name }) => repro.cancel(name),
  };

  const continuedSweeps = opts.continueSweeps
    ? continueUnfinishedSweeps(store, sweeps).catch((e: unknown) => {
        console.error(`Grokscope: could not continue the unfinished sweeps: ${e instanceof Error ? e.message : String(e)}`);
        return [];
      })
    : Promise.resolve([]);

  let closing: Promise<void> | null = null;
  return {
    handlers,
    events,
    dbPath: opts.dbPath,
    store,
    runs,
    sweeps,
    probes,
    landscapes,
    computePid: (id) => scheduler.pid(id),
    interrupt: (id, why) => scheduler.interrupt(id, why),
    continuedSweeps,
    close: () =>
      (closing ??= (async () => {
        repro.close();
        probes.close();
        landscapes.close();
        otherWriters.stop();
        await scheduler.close();
        await remote?.close();
        stopPredicting();
        sweeps.dispose();
        writer.close();
        store.close();
      })()),
  };
}
