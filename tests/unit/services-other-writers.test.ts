// Another process's writes reach this back end's event bus: a second connection to the same database file stands for
// `grokscope run --db` beside the app (SQLite's data_version counts the other connection's commits alike).
import { hostname } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store';
import { createEventBus } from '../../src/main/services/events';
import { watchOtherWriters } from '../../src/main/services/other-writers';
import { EMPTY_PHASES } from '../../src/shared/analysis/phases';
import { smallConfig, tempDir } from './store-helpers';

const tmp = tempDir('other-writers');
afterAll(() => tmp.cleanup());

const FINAL = { trainLoss: null, trainAcc: null, valLoss: null, valAcc: null };
const until = async (what: () => boolean): Promise<void> => {
  const end = Date.now() + 5_000;
  while (!what()) {
    if (Date.now() > end) throw new Error('the watcher announced nothing in 5 s');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('watching other writers', () => {
  it("announces another process's new run, its points, checkpoints and status; never this process's own runs", async () => {
    const here = openStore(tmp.file('shared.db'));
    const there = openStore(tmp.file('shared.db'));
    const events = createEventBus();
    const seen: [string, Record<string, unknown>][] = [];
    events.subscribe((e, p) => seen.push([e, p as Record<string, unknown>]));
    const watcher = watchOtherWriters({ store: here, events, pollMs: 20 });
    try {
      const now = new Date().toISOString();
      const mine = there.runs.insert({
        name: 'mine',
        config: smallConfig(),
        createdAt: now,
        owner: { host: hostname(), pid: process.pid },
      });
      const id = there.runs.insert({ name: 'theirs', config: smallConfig(), createdAt: now, owner: { host: 'elsewhere', pid: 4242 } });
      await until(() => seen.some(([e]) => e === 'runs.changed'));
      expect(seen.filter(([e]) => e === 'run.status').map(([, p]) => p['runId'])).toEqual([id]);

      there.db.transaction(() => {
        there.metrics.insert(id, [
          ['train_loss', 10, 2],
          ['train_loss', 20, 1.5],
          ['val_acc', 20, 0.25],
        ]);
        there.metrics.insert(mine, [['train_loss', 10, 2]]);
        there.runs.setProgress(id, 20, EMPTY_PHASES, FINAL);
        there.runs.setProgress(mine, 10, EMPTY_PHASES, FINAL);
      })();
      there.checkpoints.save(
        id,
        { step: 20, params: [{ name: 'w', shape: [1], data: new Float32Array([1]) }], optimizer: [], rng: [1, 2] } as never,
        now,
      );
      there.runs.setStatus(id, 'running', { step: 20 });
      await until(() => seen.some(([e]) => e === 'run.checkpoint'));
      const progress = seen.filter(([e]) => e === 'run.progress').map(([, p]) => p);
      expect(progress).toEqual([
        {
          runId: id,
          step: 20,
          totalSteps: 100,
          points: [
            { name: 'train_loss', step: 10, value: 2 },
            { name: 'train_loss', step: 20, value: 1.5 },
            { name: 'val_acc', step: 20, value: 0.25 },
          ],
        },
      ]);
      expect(seen.find(([e]) => e === 'run.checkpoint')![1]).toMatchObject({ runId: id, step: 20 });
      await until(() => seen.some(([e, p]) => e === 'run.status' && p['status'] === 'running'));
      expect(seen.every(([, p]) => p['runId'] !== mine)).toBe(true);
      expect(watcher.announces(id) && !watcher.announces(mine)).toBe(true);
    } finally {
      watcher.stop();
      there.close();
      here.close();
    }
  });
});
