// Issue 9, "interrupted sweeps continue": a back end with a sweep half done is closed (the app quit mid-sweep); the
// next back end opened with continueSweeps (the app, `grokscope serve`) continues it by itself: the finished cells
// are kept untouched, the interrupted one continues from its checkpoint, the queued ones run, and the sweep completes.
// A one-shot CLI back end (continueSweeps off) leaves it alone.
import { afterAll, expect, it } from 'vitest';
import { createBackend } from '../../src/main/services/create-backend';
import { createChildLauncher } from '../../src/main/host/child-launcher';
import { nextEvent, statusIs, tempDir } from './backend-helpers';

const tmp = tempDir('sweep-recovery');
afterAll(() => tmp.cleanup());

const SWEEP = `name: recovery
base:
  backend: wasm
  seed: 1
  task: { kind: modular, op: add, p: 11, trainFraction: 0.5 }
  model: { kind: mlp, embedDim: 8, width: 32, depth: 1 }
  optimizer: { lr: 0.003, weightDecay: 1 }
  training: { steps: 300, evalEvery: 10, checkpointEvery: 50 }
axes:
  - { path: optimizer.weightDecay, values: [0.1, 0.3, 1, 3] }
policy: { mode: full }
`;

const open = (continueSweeps: boolean) =>
  createBackend({ dbPath: tmp.file('s.db'), launcher: createChildLauncher(), maxConcurrent: 1, flushMs: 100, continueSweeps });

it('a sweep left unfinished by a closed back end continues when the next one starts, keeping its finished cells', async () => {
  const first = open(false);
  const { id, runIds } = await first.handlers['sweeps.createFromFile']({ name: 'recovery.yaml', text: SWEEP });
  expect(runIds).toHaveLength(4);
  // one cell finished, the second mid-run past a checkpoint, two queued: then the app quits
  await nextEvent(first, 'run.status', statusIs(runIds[0]!, 'completed'), 120_000);
  await nextEvent(first, 'run.progress', (p) => p.runId === runIds[1] && p.step >= 60, 120_000);
  await first.close();
  const reopened = open(false);
  expect(reopened.store.sweeps.get(id)!.status).toBe('interrupted');
  const before = runIds.map((r) => reopened.store.runs.get(r)!);
  expect(before.map((r) => r.status)).toEqual(['completed', 'interrupted', 'interrupted', 'interrupted']);
  expect(await reopened.continuedSweeps).toEqual([]); // a one-shot CLI command leaves the sweep alone
  await reopened.close();

  const next = open(true);
  try {
    const done = nextEvent(next, 'run.status', statusIs(runIds[3]!, 'completed', 'failed'), 180_000);
    expect(await next.continuedSweeps).toEqual([{ id, kept: 1, continued: 1, restarted: 2, queued: 0 }]);
    expect((await done).status).toBe('completed');
    const after = runIds.map((r) => next.store.runs.get(r)!);
    expect(after.every((r) => r.status === 'completed' && r.step === 300)).toBe(true);
    expect(after[0]).toEqual(before[0]); // the finished cell was not run again
    expect(next.store.runs.list().length).toBe(4); // no new runs
    for (let i = 0; i < 100 && next.store.sweeps.get(id)!.status !== 'completed'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(next.store.sweeps.get(id)!.status).toBe('completed');
  } finally {
    await next.close();
  }
}, 400_000);
