// Sweep cells on `grokscope worker` processes elsewhere (issue 17): each run records the worker that started it, the
// sweep view and the run page carry it, sweeps.workers lists the executor's workers, and pausing or resuming a cell
// that lives on a worker is refused with the reason (not the scheduler's "its Grokscope process is gone").
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend, type LocalBackend } from '../../src/main/services/create-backend';
import type { ComputeLauncher } from '../../src/main/host/types';
import type { WorkersView } from '../../src/shared/api/types';
import { onWorker, workerCellRefusal } from '../../src/shared/api/worker-cells';
import { tempDir } from './store-helpers';

const tmp = tempDir('worker-cells');
afterAll(() => tmp.cleanup());

const SWEEP = `name: remote
base:
  backend: wasm
  task: { kind: modular, op: add, p: 11, trainFraction: 0.5 }
  model: { kind: mlp, embedDim: 8, width: 16, depth: 1 }
  optimizer: { lr: 0.003, weightDecay: 1 }
  training: { steps: 50, evalEvery: 10 }
axes:
  - { path: optimizer.lr, values: [0.001, 0.01] }
policy: { mode: full }
`;

const noCompute: ComputeLauncher = {
  launch: () => {
    throw new Error('a sweep cell of a distributed executor must not start a compute process here');
  },
};

const WORKERS: WorkersView = {
  redis: 'redis://:***@10.0.0.5:6379',
  workers: [
    {
      name: 'w1',
      host: 'gpu-box',
      version: '0.1.0',
      compatible: true,
      backend: 'wasm',
      concurrency: 1,
      runs: [1],
      others: 0,
      done: 3,
      since: '2025-01-01T00:00:00.000Z',
    },
  ],
};

/** A back end whose sweep cells go to a stand-in for the distributed executor: queued, never trained here. */
function remoteBackend(file: string, withWorkers = true): LocalBackend {
  return createBackend({
    dbPath: tmp.file(file),
    launcher: noCompute,
    sweepExecutor: () => ({
      submit: () => undefined,
      stop: async () => undefined,
      continue: async () => undefined,
      restart: () => undefined,
      close: async () => undefined,
      ...(withWorkers ? { workersView: async () => WORKERS } : {}),
    }),
  });
}

const conflict = async (p: Promise<unknown>): Promise<string> => {
  const e = (await p.then(
    () => null,
    (x: unknown) => x,
  )) as { code?: string; message?: string } | null;
  expect(e, 'refused').not.toBeNull();
  expect(e!.code).toBe('conflict');
  return e!.message!;
};

describe('the rule the back end and the run page share', () => {
  it('refuses pause and resume of a run live on a worker, and nothing else', () => {
    const w = { name: 'w1', host: 'gpu-box' };
    expect(workerCellRefusal({ id: 4, status: 'running', worker: w }, 'pause')).toMatch(
      /^run 4 is a sweep cell trained by worker w1 on gpu-box; a cell on a worker cannot be paused from here/,
    );
    expect(workerCellRefusal({ id: 4, status: 'paused', worker: w }, 'resume')).toMatch(/held at its prediction window on worker w1/);
    expect(workerCellRefusal({ id: 4, status: 'running', worker: null }, 'pause')).toBeNull();
    expect(workerCellRefusal({ id: 4, status: 'running' }, 'pause')).toBeNull();
    // finished on a worker: nothing lives there any more (resume continues it from its checkpoint)
    for (const status of ['completed', 'cancelled', 'failed', 'interrupted', 'queued'] as const)
      expect(onWorker({ id: 4, status, worker: w }), status).toBe(false);
  });
});

describe('a back end that sends sweep cells to workers', () => {
  it('stores the worker with the run and shows it in the sweep and on the run page', async () => {
    const backend = remoteBackend('shown.db');
    try {
      const { id, runIds } = await backend.handlers['sweeps.createFromFile']({ name: 's.yaml', text: SWEEP });
      const [a] = runIds;
      backend.store.runs.setStatus(a!, 'running', { step: 10, worker: { name: 'w1', host: 'gpu-box' } });
      expect((await backend.handlers['runs.get']({ id: a! })).worker).toEqual({ name: 'w1', host: 'gpu-box' });
      const view = await backend.handlers['sweeps.get']({ id });
      expect(view.cells.map((c) => c.runs[0]!.worker)).toEqual([{ name: 'w1', host: 'gpu-box' }, null]);
      expect(await backend.handlers['sweeps.workers']({ id })).toEqual(WORKERS);
      await expect(backend.handlers['sweeps.workers']({ id: 999 })).rejects.toMatchObject({ code: 'not_found' });
      // trained here later (a local start clears it): the column follows the latest start
      backend.store.runs.setStatus(a!, 'running', { worker: null });
      expect(backend.store.runs.get(a!)!.worker).toBeNull();
    } finally {
      await backend.close();
    }
  });

  it('refuses to pause a cell on a worker, saying which worker, instead of "its process is gone"', async () => {
    const backend = remoteBackend('pause.db');
    try {
      const { runIds } = await backend.handlers['sweeps.createFromFile']({ name: 's.yaml', text: SWEEP });
      const [a, b] = runIds as [number, number];
      // still on the Redis queue: no worker has it yet
      expect(await conflict(backend.handlers['runs.pause']({ id: a }))).toBe(
        `run ${a} is a sweep cell waiting on the Redis queue for a worker; cancel it instead`,
      );
      backend.store.runs.setStatus(a, 'running', { step: 20, worker: { name: 'w1', host: 'gpu-box' } });
      const msg = await conflict(backend.handlers['runs.pause']({ id: a }));
      expect(msg).toContain(`run ${a} is a sweep cell trained by worker w1 on gpu-box`);
      expect(msg).toContain('Cancel it');
      expect(msg).not.toMatch(/gone/);
      // held at its window on the worker: the sweep decides, not a Resume button (which would train it here)
      backend.store.runs.setStatus(b, 'paused', { step: 20, worker: { name: 'w2', host: 'lab' } });
      expect(await conflict(backend.handlers['runs.resume']({ id: b }))).toMatch(/held at its prediction window on worker w2 on lab/);
      // neither refusal changed the runs
      expect(backend.store.runs.get(a)!.status).toBe('running');
      expect(backend.store.runs.get(b)!.status).toBe('paused');
    } finally {
      await backend.close();
    }
  });

  it('an executor that lists no workers (and a local back end) gives none', async () => {
    for (const backend of [remoteBackend('none.db', false), createBackend({ dbPath: tmp.file('local.db'), launcher: noCompute })]) {
      try {
        const { id } = backend.sweeps.start(...(await parsed()), 'full');
        expect(await backend.handlers['sweeps.workers']({ id })).toEqual({ redis: null, workers: [] });
      } finally {
        await backend.close();
      }
    }
  });
});

async function parsed() {
  const { parseSweepText } = await import('../../src/shared/config/parse');
  const r = parseSweepText(SWEEP, 's.yaml');
  if (!r.ok) throw new Error('the test sweep does not parse');
  return [r.config, r.cells] as const;
}
