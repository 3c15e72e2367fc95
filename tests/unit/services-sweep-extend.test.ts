// Extending a stored sweep's axis (issue 18, deliver 5): only the new cells are stored and queued, the old runs stay
// in their cells (placed by their settings, not their order), a dropped value is refused, and asNew copies the grid.
import { afterAll, expect, it } from 'vitest';
import { createBackend } from '../../src/main/services/create-backend';
import type { ComputeChannel, ComputeLauncher } from '../../src/main/host/types';
import { ApiError } from '../../src/shared/api/contract';
import { tempDir } from './store-helpers';

const tmp = tempDir('sweep-extend');
afterAll(() => tmp.cleanup());

const SWEEP = `name: ext
base:
  backend: wasm
  task: { kind: modular, op: add, p: 11, trainFraction: 0.5 }
  model: { kind: mlp, embedDim: 8, width: 16, depth: 1 }
  optimizer: { lr: 0.003, weightDecay: 1 }
  training: { steps: 50, evalEvery: 10 }
axes:
  - { path: optimizer.lr, logspace: { from: 0.001, to: 0.01, count: 2 } }
  - { path: optimizer.weightDecay, values: [0, 1] }
policy: { mode: full }
`;

it('extends an axis: stores and queues only the new cells, keeps the old runs in their cells', async () => {
  const launched: number[] = [];
  // compute processes that never answer: the runs stay queued or starting, enough to count what was queued
  const launcher: ComputeLauncher = {
    launch: () => {
      launched.push(1);
      return {
        pid: 1,
        send: () => undefined,
        onMessage: () => undefined,
        onExit: () => undefined,
        kill: () => undefined,
      } as ComputeChannel;
    },
  };
  const backend = createBackend({ dbPath: tmp.file('s.db'), launcher, maxConcurrent: 1 });
  try {
    const h = backend.handlers;
    const { id, runIds } = await h['sweeps.createFromFile']({ name: 'ext.yaml', text: SWEEP });
    expect(runIds).toHaveLength(4);
    const before = await h['sweeps.get']({ id });
    const runOf = (v: typeof before, lr: number, wd: number) =>
      v.cells.find((c) => c.coords['optimizer.lr'] === lr && c.coords['optimizer.weightDecay'] === wd)?.runs.map((r) => r.id);

    // a value between the two: the new row sits in the middle of the grid, its runs come last in the store
    const out = await h['sweeps.extend']({
      id,
      axes: [
        { path: 'optimizer.lr', values: [0.001, 0.003, 0.01] },
        { path: 'optimizer.weightDecay', values: [0, 1] },
      ],
    });
    expect(out.id).toBe(id);
    expect(out.kept).toBe(4);
    expect(out.runIds).toHaveLength(2);
    expect(Math.min(...out.runIds)).toBeGreaterThan(Math.max(...runIds));
    const after = await h['sweeps.get']({ id });
    expect(after.axes[0]!.values).toEqual([0.001, 0.003, 0.01]);
    expect(after.cells).toHaveLength(6);
    for (const lr of [0.001, 0.01]) for (const wd of [0, 1]) expect(runOf(after, lr, wd)).toEqual(runOf(before, lr, wd));
    expect([runOf(after, 0.003, 0), runOf(after, 0.003, 1)].flat().sort()).toEqual([...out.runIds].sort());
    for (const r of out.runIds) {
      const run = backend.store.runs.get(r)!;
      expect(run.config.optimizer.lr).toBe(0.003);
      expect(run.sweepId).toBe(id);
    }

    // the same grid again: nothing new; a dropped value is refused
    expect((await h['sweeps.extend']({ id, axes: after.axes })).runIds).toEqual([]);
    const dropped = h['sweeps.extend']({
      id,
      axes: [
        { path: 'optimizer.lr', values: [0.001, 0.003] },
        { path: 'optimizer.weightDecay', values: [0, 1] },
      ],
    });
    await expect(dropped).rejects.toThrow(/0\.01 has run already and must stay/);
    await expect(dropped).rejects.toBeInstanceOf(ApiError);
    await expect(h['sweeps.extend']({ id, axes: [{ path: 'optimizer.lr', values: [0.001] }] })).rejects.toThrow(/axes must stay/);
    expect(backend.store.sweeps.runIds(id)).toHaveLength(6);

    // as a new sweep: every cell of the edited grid, the old sweep untouched
    const copy = await h['sweeps.extend']({
      id,
      asNew: true,
      axes: [
        { path: 'optimizer.lr', values: [0.03] },
        { path: 'optimizer.weightDecay', values: [0, 1, 2] },
      ],
    });
    expect(copy.id).not.toBe(id);
    expect(copy.runIds).toHaveLength(3);
    expect((await h['sweeps.get']({ id: copy.id })).name).toBe('ext (edited)');
    expect(backend.store.sweeps.runIds(id)).toHaveLength(6);
  } finally {
    await backend.close();
  }
});
