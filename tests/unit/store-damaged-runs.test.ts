// A run row whose stored JSON is unreadable (written by anything: a bad import, a hand edit, a disk error) is listed
// and shown as damaged, can be deleted, and never stops the other runs from listing or the back end from starting.
import { afterAll, describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import { openStore, type Store } from '../../src/main/store';
import { createBackend } from '../../src/main/services/create-backend';
import { ApiError } from '../../src/shared/api/contract';
import type { ComputeLauncher } from '../../src/main/host/types';
import { smallConfig, tempDir } from './store-helpers';

const tmp = tempDir('damaged-runs');
afterAll(() => tmp.cleanup());

const noCompute: ComputeLauncher = {
  launch: () => {
    throw new Error('nothing here should start a compute process');
  },
};

/** One intact run, then one run per damaged column (in that order of ids); returns their ids. */
function seed(store: Store, status: 'completed' | 'running' = 'completed'): { intact: number; damaged: Record<string, number> } {
  const add = (name: string) => {
    const id = store.runs.insert({ name, config: smallConfig(), createdAt: 't', owner: { host: hostname(), pid: 2 ** 22 + 1 } });
    const phases = { t1: 1, t2: null, t3: null, t4: null, t2_99: null, t4_99: null };
    store.runs.setProgress(id, 10, phases, { trainLoss: 1, trainAcc: 0.5, valLoss: 2, valAcc: 0.1 });
    store.runs.setStatus(id, status, { step: 10 });
    return id;
  };
  const intact = add('intact');
  const damaged: Record<string, number> = {};
  for (const [column, value] of [
    ['final_json', 'x'],
    ['phases_json', '[1,'],
    ['backend_notes_json', '{"a":1}'],
    ['config_json', ''],
  ]) {
    const id = add(`bad ${column}`);
    store.db.prepare(`UPDATE runs SET ${column} = ? WHERE id = ?`).run(value, id);
    damaged[column!] = id;
  }
  return { intact, damaged };
}

describe('a damaged run row', () => {
  it('is read with a note naming the column; the others read as usual; the queue skips it', () => {
    const store = openStore(tmp.file('repo.db'));
    const { intact, damaged } = seed(store);
    const rows = store.runs.list();
    expect(rows).toHaveLength(5);
    expect(rows.find((r) => r.id === intact)!.damaged).toBeNull();
    expect(rows.find((r) => r.id === intact)!.final).toEqual({ trainLoss: 1, trainAcc: 0.5, valLoss: 2, valAcc: 0.1 });
    expect(store.runs.get(damaged['final_json']!)!.damaged).toMatch(/^final_json is not JSON \(/);
    expect(store.runs.get(damaged['phases_json']!)!.damaged).toMatch(/^phases_json is not JSON/);
    expect(store.runs.get(damaged['backend_notes_json']!)!.damaged).toBe(
      'backend_notes_json has the wrong shape: expected an array of strings',
    );
    expect(store.runs.get(damaged['config_json']!)!.damaged).toMatch(/^config_json is not JSON/);
    expect(store.runs.withStatus('completed').map((r) => r.id)).toEqual([intact]);
    store.runs.purge(damaged['final_json']!);
    expect(store.runs.get(damaged['final_json']!)).toBeUndefined();
    store.close();
  });

  it('lists, shows and deletes through the back end, which starts despite damaged active runs', async () => {
    const path = tmp.file('backend.db');
    const store = openStore(path);
    const { intact, damaged } = seed(store, 'running'); // left running by a process that is gone
    store.close();
    const backend = createBackend({ dbPath: path, launcher: noCompute });
    try {
      const list = await backend.handlers['runs.list']({ includeDeleted: false });
      expect(list.map((r) => r.id)).toEqual([...Object.values(damaged)].reverse().concat(intact));
      expect(list.every((r) => r.status === 'interrupted')).toBe(true);
      expect(list.find((r) => r.id === intact)!.damaged).toBeNull();
      const badConfig = list.find((r) => r.id === damaged['config_json'])!;
      const unreadable = { task: 'unreadable', model: 'unreadable', damaged: expect.stringMatching(/^config_json is not JSON/) };
      expect(badConfig).toMatchObject(unreadable);
      const shown = await backend.handlers['runs.get']({ id: damaged['final_json']! });
      expect(shown.damaged).toMatch(/final_json is not JSON/);
      expect(shown.phases.t1).toBe(1);
      await expect(backend.handlers['runs.resume']({ id: damaged['final_json']! })).rejects.toThrow(ApiError);
      await expect(backend.handlers['runs.resume']({ id: damaged['final_json']! })).rejects.toThrow(/is damaged \(final_json is not JSON/);
      await backend.handlers['runs.delete']({ id: damaged['final_json']! });
      expect((await backend.handlers['runs.list']({ includeDeleted: false })).map((r) => r.id)).not.toContain(damaged['final_json']);
      // stays in the store as any deleted run, and is listed as deleted
      const all = await backend.handlers['runs.list']({ includeDeleted: true });
      expect(all.find((r) => r.id === damaged['final_json'])!.deleted).toBe(true);
    } finally {
      await backend.close();
    }
  });
});

describe('damaged analyses and sweeps', () => {
  it('an unreadable stored analysis reads as failed and never stops the runs list; an unreadable sweep lists as damaged', async () => {
    const path = tmp.file('others.db');
    const store = openStore(path);
    const { intact } = seed(store);
    const good = store.analyses.save(intact, 'prediction', { window: 400 }, { willGrok: true }, 't');
    const other = store.runs.insert({
      name: 'other',
      config: smallConfig(),
      createdAt: 't',
      owner: { host: hostname(), pid: 2 ** 22 + 1 },
    });
    const bad = store.analyses.save(other, 'prediction', { window: 400 }, { willGrok: false }, 't');
    store.db.prepare('UPDATE analyses SET result_json = ? WHERE id = ?').run('{"willGrok":', bad);
    const sweepOf = (name: string) =>
      store.sweeps.insert(
        name,
        { base: smallConfig(), axes: [{ path: 'optimizer.lr', values: [0.001] }], seeds: 1, policy: { mode: 'full', window: 8 } },
        't',
      );
    const readable = sweepOf('readable');
    const damagedSweep = sweepOf('damaged');
    store.db.prepare('UPDATE sweeps SET config_json = ? WHERE id = ?').run('{"base": {}, "axes": 3}', damagedSweep);

    expect(store.analyses.latestResults('prediction')).toEqual(new Map([[intact, { willGrok: true }]]));
    expect(store.analyses.latest(other, 'prediction')).toMatchObject({
      status: 'failed',
      result: null,
      error: expect.stringMatching(/result_json is not JSON/),
    });
    expect(store.analyses.latest(intact, 'prediction')).toMatchObject({ id: good, status: 'done', result: { willGrok: true } });
    store.close();

    const backend = createBackend({ dbPath: path, launcher: noCompute });
    try {
      const runs = await backend.handlers['runs.list']({ includeDeleted: false });
      expect(runs.map((r) => r.id)).toContain(other);
      const sweeps = await backend.handlers['sweeps.list']({});
      expect(sweeps.find((s) => s.id === readable)!.damaged).toBeNull();
      expect(sweeps.find((s) => s.id === damagedSweep)!.damaged).toBe('config_json has the wrong shape: axes is not a list of axes');
      await expect(backend.handlers['sweeps.get']({ id: damagedSweep })).rejects.toThrow(/sweep \d+ in .* is damaged \(config_json/);
      await expect(backend.handlers['sweeps.resume']({ id: damagedSweep })).rejects.toThrow(/is damaged/);
      expect((await backend.handlers['sweeps.get']({ id: readable })).id).toBe(readable);
    } finally {
      await backend.close();
    }
  });
});
