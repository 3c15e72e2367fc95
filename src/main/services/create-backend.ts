// Assembles the back end every transport uses: the store, the event bus, the single writer, the run scheduler, and
// one handler per API method (src/shared/api/contract.ts). Transports call handlers through dispatch().
import { hostname } from 'node:os';
import { ApiError, type ApiHandlers } from '../../shared/api/contract';
import type { HessianView, IdView, MetricSeries } from '../../shared/api/types';
import { parseConfigText, parseSweepText } from '../../shared/config/parse';
import { formatProblem } from '../../shared/config/errors';
import { memoryProblem } from '../../shared/config/memory-estimate';
import type { ComputeLauncher } from '../host/types';
import { openStore, type Store } from '../store';
import { AnalysisInputError, AnalysisNotFoundError, predictRun, spectralOfRun } from './run-analysis';
import { trajectoryOfRun } from './run-trajectory';
import { ProbeCancelledError, ProbeService } from './run-probes';
import { GridCancelledError, LandscapeService } from './run-landscape';
import { predictEarly } from './early-prediction';
import { SweepService } from './sweeps';
import { continueUnfinishedSweeps, type ContinuedSweep } from './sweep-recovery';
import type { RunOwner, RunRow } from '../store/runs-repo';
import type { Backend } from './backend-api';
import { createEventBus } from './events';
import { RunWriter } from './run-writer';
import { RunScheduler } from './run-scheduler';
import { defaultRunName, toDetail, toSummary } from './run-views';
import { appInfo } from './app-info';
import { processStartId } from './process-identity';

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
}

/** The back end plus what headless callers in this process (CLI, demo, tests) may use directly. */
export interface LocalBackend extends Backend {
  store: Store;
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
  const stopPredicting = predictEarly(store, events, () => writer.flush());
  const owner: RunOwner = { host: hostname(), pid: process.pid, started: processStartId(process.pid) };
  const mode = opts.mode ?? 'browser';

  // Runs a crashed Grokscope left active can never finish: say so before anything else reads them.
  store.runs.markInterrupted(new Date().toISOString(), ownerAlive);

  const scheduler = new RunScheduler({
    store,
    writer,
    events,
    launcher: opts.launcher,
    owner,
    ownerAlive,
    maxConcurrent: Math.max(1, Math.floor(opts.maxConcurrent ?? 1)),
    ...(opts.cores !== undefined ? { cores: opts.cores } : {}),
    ...(opts.graceMs !== undefined ? { graceMs: opts.graceMs } : {}),
  });

  const probes = new ProbeService({ store, launcher: opts.launcher, onProgress: (p) => events.emit('probe.progress', p) });
  const landscapes = new LandscapeService({ store, launcher: opts.launcher, onProgress: (p) => events.emit('landscape.progress', p) });
  const probeCall = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await analysisCall(f);
    } catch (e) {
      if (e instanceof ProbeCancelledError || e instanceof GridCancelledError) throw new ApiError('conflict', e.message);
      throw e;
    }
  };

  /** A run without the data an analysis needs is the caller's input problem, not a server fault. */
  const analysisCall = async <T>(f: () => T | Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof AnalysisInputError) throw new ApiError(e instanceof AnalysisNotFoundError ? 'not_found' : 'invalid_input', e.message);
      throw e;
    }
  };

  const sweeps = new SweepService(
    store,
    events,
    {
      submit: (id, holdAt) => {
        scheduler.emitStatus(id);
        scheduler.enqueue(id, holdAt);
      },
      stop: (id, note) => scheduler.stop(mustGet(id), note),
      continue: (id) => scheduler.resume(mustGet(id)),
      restart: (id) => scheduler.restart(mustGet(id)),
    },
    () => writer.flush(),
    owner,
  );

  /** A damaged run (unreadable stored JSON) may only be shown, deleted or restored: `damagedOk` for those. */
  const mustGet = (id: number, damagedOk = false): RunRow => {
    const row = store.runs.get(id);
    if (!row) throw new ApiError('not_found', `no run with id ${id}`);
    if (row.damaged !== null && !damagedOk)
      throw new ApiError('conflict', `run ${id} is damaged (${row.damaged}); it can only be shown or deleted`);
    return row;
  };

  const create = (config: RunRow['config']): { id: number } => {
    const tooBig = memoryProblem(config); // IPC and WebSocket configs skip validateRunConfig: refused here before any row
    if (tooBig) throw new ApiError('invalid_input', formatProblem(tooBig), [tooBig]);
    const id = store.runs.insert({ name: config.name ?? defaultRunName(config), config, createdAt: new Date().toISOString(), owner });
    events.emit('runs.changed', { reason: 'created' });
    scheduler.emitStatus(id);
    scheduler.enqueue(id);
    return { id };
  };

  const handlers: ApiHandlers = {
    'app.info': async () => appInfo(opts.dbPath, mode),

    'runs.list': async ({ includeDeleted }) => {
      const predictions = store.analyses.latestResults('prediction');
      return store.runs.list({ includeDeleted }).map((r) => toSummary(r, predictions.get(r.id) ?? null));
    },

    'runs.get': async ({ id }) => {
      writer.flush();
      return toDetail(mustGet(id, true), store.checkpoints.list(id), store.analyses.latest(id, 'prediction')?.result ?? null);
    },

    'runs.metrics': async ({ id, names, maxPoints }) => {
      mustGet(id);
      writer.flush(); // include points still in the write buffer
      const wanted = names ?? store.metrics.names(id);
      return wanted.map((name): MetricSeries => {
        // min-max buckets that keep spikes; a long series is thinned inside SQLite (store/metrics-repo.ts)
        const d = store.metrics.downsampled(id, name, maxPoints);
        return { name, steps: d.steps, values: d.values, downsampled: d.downsampled };
      });
    },

    'runs.create': async ({ config }) => create(config),

    'runs.createFromFile': async ({ name, text }) => {
      const r = parseConfigText(text, name);
      if (!r.ok) throw new ApiError('invalid_input', r.problems.map((p) => formatProblem(p, name)).join('\n'), r.problems);
      return create(r.config);
    },

    'config.validate': async ({ name, text }) => {
      const r = parseConfigText(text, name);
      return r.ok
        ? { ok: true, kind: 'run', problems: [], config: r.config }
        : { ok: false, kind: null, problems: r.problems, config: null };
    },

    'runs.pause': async ({ id }) => {
      await scheduler.pause(mustGet(id));
      return { ok: true };
    },

    'runs.resume': async ({ id }) => {
      const row = mustGet(id);
      if (row.deletedAt !== null) throw new ApiError('conflict', `run ${id} is deleted; restore it first`);
      await scheduler.resume(row);
      return { ok: true };
    },

    'runs.cancel': async ({ id }) => {
      await scheduler.cancel(mustGet(id));
      return { ok: true };
    },

    'runs.delete': async ({ id }) => {
      const row = mustGet(id, true);
      if (row.deletedAt !== null) return { ok: true };
      store.runs.softDelete(id, new Date().toISOString());
      if (scheduler.isActive(id)) await scheduler.cancel(row);
      events.emit('runs.changed', { reason: 'deleted' });
      return { ok: true };
    },

    'runs.restore': async ({ id }) => {
      const row = mustGet(id, true);
      if (row.deletedAt === null) return { ok: true };
      store.runs.restore(id);
      events.emit('runs.changed', { reason: 'restored' });
      return { ok: true };
    },
    'analysis.spectral': async ({ id, ...opts }) => analysisCall(() => spectralOfRun(store, id, opts)),
    'analysis.predict': async ({ id, ...opts }) => analysisCall(() => predictRun(store, id, opts)),
    'analysis.pca': async ({ id }) => analysisCall(() => trajectoryOfRun(store, id)),
    'analysis.hessian': async ({ id, ...o }) => probeCall(() => probes.hessian(id, o)),
    'analysis.id': async ({ id, ...o }) => probeCall(() => probes.intrinsicDimension(id, o)),
    'analysis.stored': async ({ id }) => {
      mustGet(id);
      return {
        hessian: (store.analyses.latest(id, 'hessian')?.result ?? null) as HessianView | null,
        id: (store.analyses.latest(id, 'id')?.result ?? null) as IdView | null,
      };
    },
    'analysis.cancelProbes': async ({ id }) => ({ ok: true, cancelled: probes.cancel(id) }),
    'analysis.landscape': async ({ id, ...o }) => probeCall(() => landscapes.landscape(id, o)),
    'analysis.landscapeStored': async ({ id }) => analysisCall(() => landscapes.stored(id)),
    'analysis.landscapeGet': async ({ id, key }) => analysisCall(() => landscapes.get(id, key)),
    'analysis.reduced': async ({ id, ...o }) => probeCall(() => landscapes.reduced(id, o)),
    'analysis.cancelLandscape': async ({ id }) => ({ ok: true, cancelled: landscapes.cancel(id) }),

    'sweeps.list': async () => sweeps.list(),
    'sweeps.get': async ({ id }) => {
      writer.flush();
      return analysisCall(() => sweeps.view(id));
    },
    'sweeps.createFromFile': async ({ name, text, mode }) => {
      const r = parseSweepText(text, name);
      if (!r.ok) throw new ApiError('invalid_input', r.problems.map((p) => formatProblem(p, name)).join('\n'), r.problems);
      return sweeps.start(r.config, r.cells, mode ?? r.config.policy.mode);
    },
    'sweeps.continue': async ({ id, runs }) => ({ runIds: await analysisCall(() => sweeps.continueCells(id, runs ?? 'predicted-to-grok')) }),
    'sweeps.resume': async ({ id }) => analysisCall(() => sweeps.resume(id)),
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
    sweeps,
    probes,
    landscapes,
    computePid: (id) => scheduler.pid(id),
    interrupt: (id, why) => scheduler.interrupt(id, why),
    continuedSweeps,
    close: () =>
      (closing ??= (async () => {
        probes.close();
        landscapes.close();
        await scheduler.close();
        stopPredicting();
        sweeps.dispose();
        writer.close();
        store.close();
      })()),
  };
}
