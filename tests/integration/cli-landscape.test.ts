// Loss landscapes end to end: a tiny run trained here and stored with its checkpoints, then a 2d surface computed by
// the service in a real compute process (its centre equals the training code's loss at that checkpoint, rows stream
// as 'landscape.progress' events and are stored); a grid whose process is killed half-way is 'interrupted' and, asked
// for again with the same parameters, continues from its stored rows; the CLI prints a slice (and JSON), and bad
// options or a run without checkpoints are invalid input (exit 2).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LandscapeProgress, LandscapeView } from '../../src/shared/api/landscape-types';
import { RunConfigSchema } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { createChildLauncher } from '../../src/main/host/child-launcher';
import { openStore, type Store } from '../../src/main/store';
import { LandscapeService } from '../../src/main/services/run-landscape';
import { ApiError } from '../../src/shared/api/contract';
import { createBackend } from '../../src/main/services/create-backend';
import { tempDir } from '../unit/store-helpers';
import { trainIntoRuns } from '../unit/trained-run-helpers';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'grokscope.js');
const tmp = tempDir('landscape');
const DB = tmp.file('l.db');
const OWNER = { host: 'test', pid: 1 };
const config = RunConfigSchema.parse({
  backend: 'cpu',
  task: { kind: 'modular', op: 'add', p: 7, trainFraction: 0.6 },
  model: { kind: 'mlp', width: 12, depth: 1, embedDim: 4, activation: 'tanh' },
  optimizer: { lr: 0.01, weightDecay: 0.1 },
  training: { steps: 40, checkpointEvery: 10 },
});
let store: Store;
let trained = 0;
let bare = 0;
const metrics = new Map<number, Record<string, number>>();

beforeAll(async () => {
  await initBackend('cpu');
  store = openStore(DB);
  const now = new Date().toISOString();
  trained = store.runs.insert({ name: 'landscape me', config, createdAt: now, owner: OWNER });
  bare = store.runs.insert({ name: 'no checkpoints', config, createdAt: now, owner: OWNER });
  await trainIntoRuns(
    store,
    config,
    [{ run: trained, at: (s) => s % 10 === 0 }],
    async (t) => void metrics.set(t.step, Object.fromEntries((await t.evaluate(null)).map(([n, , v]) => [n, v]))),
  );
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

const close = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));

describe('LandscapeService in a compute process', () => {
  it('a 2d surface: centre = the training code at the checkpoint, rows streamed and stored, trajectory with true losses', async () => {
    const events: LandscapeProgress[] = [];
    const svc = new LandscapeService({ store, launcher: createChildLauncher(), onProgress: (p) => events.push(p) });
    const v = await svc.landscape(trained, { kind: '2d', step: 20, points: 5 });
    expect(v.status).toBe('completed');
    expect(v.params).toMatchObject({
      kind: '2d',
      steps: [20],
      direction: 'random',
      direction2: 'random',
      normalization: 'filter',
      oneDim: 'zero',
    });
    expect(v.alphas).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(v.rows.every((r) => r !== null)).toBe(true);
    close(v.rows[2]!.train.loss[2]!, metrics.get(20)!['train_loss']!);
    close(v.rows[2]!.val.loss[2]!, metrics.get(20)!['val_loss']!);
    expect(v.rows[2]!.train.acc[2]).toBe(metrics.get(20)!['train_acc']);
    expect(v.trajectory!.steps).toEqual([0, 10, 20, 30, 40]);
    v.trajectory!.steps.forEach((s, k) => close(v.trajectory!.trainLoss[k]!, metrics.get(s)!['train_loss']!));
    expect(v.backend).toBe('cpu');
    expect(v.pointsPerSecond).toBeGreaterThan(0);
    // every row came with an event, in order of completion, and the last event says 5 of 5
    expect(events.filter((e) => e.row).map((e) => e.row!.index)).toEqual([0, 1, 2, 3, 4]);
    expect(events.filter((e) => e.row).at(-1)).toMatchObject({ runId: trained, grid: 'landscape', key: v.key, done: 5, total: 5 });
    // stored: listed, the newest in full; asking again returns it without a process
    const st = svc.stored(trained);
    expect(st.latest).toEqual(v);
    expect(st.landscapes[0]).toMatchObject({ key: v.key, status: 'completed', rowsDone: 5, rowsTotal: 5 });
    const again = await new LandscapeService({
      store,
      launcher: {
        launch: () => {
          throw new Error('no process expected');
        },
      },
    }).landscape(trained, { kind: '2d', step: 20, points: 5 });
    expect(again).toEqual(v);

    // the same through the API handlers the app and the browser call
    const backend = createBackend({ dbPath: DB, launcher: createChildLauncher() });
    try {
      const h = backend.handlers;
      expect((await h['analysis.landscapeStored']({ id: trained })).latest).toEqual(v);
      expect(await h['analysis.landscapeGet']({ id: trained, key: v.key })).toEqual(v);
      await expect(h['analysis.landscapeGet']({ id: trained, key: 'L00000000' })).rejects.toMatchObject({ code: 'not_found' });
      await expect(h['analysis.landscape']({ id: trained, step: 5 })).rejects.toMatchObject({
        code: 'invalid_input',
        message: expect.stringMatching(/no checkpoint at step 5/),
      });
      expect(await h['analysis.cancelLandscape']({ id: trained })).toEqual({ ok: true, cancelled: false });
    } finally {
      await backend.close();
    }
  }, 60_000);

  it('a grid killed half-way is interrupted; the same request continues from its stored rows', async () => {
    const opts = { kind: '2d', step: 40, points: 41, seed: 7 } as const; // 41 rows: far from done when it is killed
    const first = new LandscapeService({ store, launcher: createChildLauncher() });
    let killedAfter = -1;
    const p = first.landscape(trained, opts);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        const s = first.stored(trained).landscapes.find((l) => l.params.seed === 7);
        if (s && s.rowsDone >= 3) {
          clearInterval(poll);
          killedAfter = s.rowsDone;
          first.close(); // SIGKILL, as a crashed app would leave it
          resolve();
        }
      }, 20);
    });
    await expect(p).rejects.toThrow(/compute process stopped/);
    const later = new LandscapeService({ store, launcher: createChildLauncher() });
    const before = later.stored(trained).landscapes.find((l) => l.params.seed === 7)!;
    expect(before.status).toBe('interrupted');
    expect(before.rowsDone).toBeGreaterThanOrEqual(killedAfter);
    expect(before.rowsDone).toBeLessThan(41);
    const stored = later.get(trained, before.key);
    const v = await later.landscape(trained, opts);
    expect(v.key).toBe(before.key);
    expect(v.status).toBe('completed');
    expect(v.resumedRows).toBe(before.rowsDone);
    // the rows stored before the kill are kept as they were; the centre is still the checkpoint
    stored.rows.forEach((r, i) => {
      if (r) expect(v.rows[i]).toEqual(r);
    });
    close(v.rows[20]!.train.loss[20]!, metrics.get(40)!['train_loss']!);
  }, 60_000);

  it('cancel rejects with a conflict ApiError and keeps what was done', async () => {
    const svc = new LandscapeService({ store, launcher: createChildLauncher() });
    const p = svc.landscape(trained, { kind: '1d-training', points: 301 });
    await new Promise((r) => setTimeout(r, 300));
    while (!svc.cancel(trained)) await new Promise((r) => setTimeout(r, 50));
    await expect(p).rejects.toBeInstanceOf(ApiError);
    await expect(p).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/was cancelled/) });
    expect(svc.stored(trained).landscapes[0]!.status).toBe('cancelled');
  }, 60_000);

  it('refuses runs without checkpoints, missing steps and directions that do not exist there', async () => {
    const svc = new LandscapeService({ store, launcher: createChildLauncher() });
    await expect(svc.landscape(bare)).rejects.toThrow(`run ${bare} has no stored checkpoints`);
    await expect(svc.landscape(trained, { step: 5 })).rejects.toThrow('no checkpoint at step 5 (stored: 0, 10, 20, 30, 40)');
    await expect(svc.landscape(trained, { direction: 'target' })).rejects.toThrow(/zero or missing at the final checkpoint \(step 40\)/);
    await expect(svc.reduced(trained, { axis: 'task.trainSize' })).rejects.toThrow(/task "modular" has no task.trainSize/);
    await expect(svc.reduced(trained, { values: [1.5] })).rejects.toThrow(/task.trainFraction/);
  });
});

describe('grokscope analyze landscape|reduced', () => {
  const cli = (args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args, '--db', DB], { cwd: tmp.dir, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('prints a 1d slice as JSON with --json (the text form is tested in probes-landscape-cli)', () => {
    const j = cli([
      'analyze',
      'landscape',
      '--run',
      String(trained),
      '--checkpoint',
      '30',
      '--points',
      '3',
      '--direction',
      'init',
      '--normalization',
      'raw',
      '--json',
    ]);
    expect(j.code).toBe(0);
    expect(j.stderr).toMatch(/\[1\/1\] step 30/);
    const v = JSON.parse(j.stdout) as LandscapeView;
    expect(v.alphas).toEqual([-1, 0, 1]);
    expect(v.directions[0]!.label).toBe('θ_0 − θ_t (raw)');
    close(v.rows[0]!.train.loss[1]!, metrics.get(30)!['train_loss']!);
    // α = 1 along raw θ_0 − θ_t is the initialisation
    expect(Math.abs(v.rows[0]!.train.loss[2]! - metrics.get(0)!['train_loss']!)).toBeLessThan(1e-4);
  }, 60_000);

  it('bad options and runs without checkpoints are invalid input (exit 2) naming the problem', () => {
    const r = cli(['analyze', 'landscape', '--run', String(trained), '--range', '1,-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--range must be \[from, to\] with from < to, both within \[−1000, 1000\], got \[1, -1\]/);
    const b = cli(['analyze', 'landscape', '--run', String(bare), '--kind', '2d']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/has no stored checkpoints/);
  }, 60_000);
});
