// Crash safety of a compute process: SIGKILL at ten random moments of one run. After every kill the database passes
// integrity_check, the run is failed with the reason and resumable, and once it has been resumed ten times its every
// stored metric equals, bit for bit, those of the same config trained without interruption.
import { afterAll, beforeAll, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { seededRandom } from '../../src/shared/analysis/rng';
import type { LocalBackend } from '../../src/main/services/create-backend';
import { nextEvent, realBackend, sleep, statusIs, tempDir, tinyConfig } from './backend-helpers';

const tmp = tempDir('reliability-kill');
const dbPath = tmp.file('kill.db');
let backend: LocalBackend;

beforeAll(() => {
  backend = realBackend(dbPath);
});
afterAll(async () => {
  await backend.close();
  tmp.cleanup();
});

const KILLS = 10;
const STEPS = 1200;
// Minibatches, momentum and update noise: the sampler's and the noise's states must survive each resume too.
const config = tinyConfig(
  { steps: STEPS, evalEvery: 10, checkpointEvery: 50, batchSize: 16 },
  { seed: 3, optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 0.01, updateNoise: 0.05 } },
);

const allSeries = async (id: number) =>
  (await backend.handlers['runs.metrics']({ id, maxPoints: 1_000_000 })).sort((a, b) => a.name.localeCompare(b.name));

const integrity = (): string => {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
};

it(`a run SIGKILLed at ${KILLS} random steps and resumed each time ends with the uninterrupted run's metrics`, async () => {
  const ref = await backend.handlers['runs.create']({ config });
  expect((await nextEvent(backend, 'run.status', statusIs(ref.id, 'completed', 'failed', 'diverged'))).status).toBe('completed');

  // Ten kill targets spread over the run (a seeded draw, so a failure can be replayed), at least 60 steps apart so
  // that each resume (from the checkpoint at or before the kill) gets past its own checkpoint before the next kill.
  const rng = seededRandom(20261201);
  const targets: number[] = [];
  const span = (STEPS - 200) / KILLS;
  for (let k = 0; k < KILLS; k++) targets.push(Math.round(100 + k * span + rng.next() * (span - 60)));

  const { id } = await backend.handlers['runs.create']({ config });
  const killedAt: number[] = [];
  for (const target of targets) {
    await nextEvent(backend, 'run.progress', (p) => p.runId === id && p.step >= target);
    // A random delay inside the next evaluation interval, so the kill lands mid-update, mid-evaluation or mid-checkpoint.
    await sleep(Math.floor(rng.next() * 15));
    const failed = nextEvent(backend, 'run.status', statusIs(id, 'failed', 'completed', 'diverged'));
    process.kill(backend.computePid(id)!, 'SIGKILL');
    expect((await failed).status).toBe('failed');

    expect(integrity()).toBe('ok');
    const run = await backend.handlers['runs.get']({ id });
    expect(run.error).toMatch(/^compute process killed by SIGKILL at step \d+$/);
    expect(run.step).toBeGreaterThanOrEqual(target);
    killedAt.push(run.step);
    const last = run.checkpoints.at(-1)!.step;
    expect(last).toBeLessThanOrEqual(run.step);
    expect(run.step - last).toBeLessThan(50 + 10); // the newest checkpoint is at most one interval behind

    const running = nextEvent(backend, 'run.status', statusIs(id, 'running', 'failed'));
    await backend.handlers['runs.resume']({ id });
    expect((await running).status).toBe('running');
  }
  expect((await nextEvent(backend, 'run.status', statusIs(id, 'completed', 'failed', 'diverged'))).status).toBe('completed');
  expect(integrity()).toBe('ok');
  expect(new Set(killedAt).size).toBe(KILLS);

  const done = await backend.handlers['runs.get']({ id });
  const straight = await backend.handlers['runs.get']({ id: ref.id });
  expect(done).toMatchObject({ status: 'completed', step: STEPS, error: null });
  expect(done.final).toEqual(straight.final);
  expect(done.phases).toEqual(straight.phases);
  const [a, b] = [await allSeries(ref.id), await allSeries(id)];
  expect(b.map((s) => s.name)).toEqual(a.map((s) => s.name));
  expect(b.find((s) => s.name === 'val_acc')!.steps).toEqual(Array.from({ length: STEPS / 10 + 1 }, (_, i) => i * 10));
  expect(b).toEqual(a);
}, 240_000);
