// A full disk, simulated by capping the database's size (PRAGMA max_page_count on the back end's connection): SQLite
// then answers SQLITE_FULL to the next write that needs a page, exactly as on a full file system. The run whose data
// cannot be stored fails within a flush interval with the reason, its compute process stops, what was stored before
// stays readable and the database intact; with space again, the run continues from its last checkpoint to the end.
import { afterAll, beforeAll, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { LocalBackend } from '../../src/main/services/create-backend';
import { alive, nextEvent, realBackend, sleep, statusIs, tempDir, tinyConfig } from './backend-helpers';

const tmp = tempDir('reliability-disk');
const dbPath = tmp.file('disk.db');
let backend: LocalBackend;
beforeAll(() => {
  backend = realBackend(dbPath);
});
afterAll(async () => {
  await backend.close();
  tmp.cleanup();
});

const pages = () => backend.store.db.pragma('page_count', { simple: true }) as number;

it('a run whose metrics no longer fit fails cleanly with "database or disk is full", and resumes once there is room', async () => {
  const config = tinyConfig({ steps: 1000, evalEvery: 10, checkpointEvery: 100 });
  const { id } = await backend.handlers['runs.create']({ config });
  await nextEvent(backend, 'run.progress', (p) => p.runId === id && p.step >= 250);
  const pid = backend.computePid(id)!;
  // room for a few more pages only: the next flushes or checkpoints run out of space
  backend.store.db.pragma(`max_page_count = ${pages() + 8}`);
  const failed = await nextEvent(backend, 'run.status', statusIs(id, 'failed', 'completed'), 30_000);
  expect(failed.status).toBe('failed');
  const run = await backend.handlers['runs.get']({ id });
  expect(run.error).toMatch(/^storing the run's data failed: database or disk is full/);
  expect(run.step).toBeLessThan(1000);
  for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
  expect(alive(pid)).toBe(false);

  // the back end still answers, and what was stored is readable and consistent
  expect((await backend.handlers['runs.list']({ includeDeleted: false })).map((r) => r.id)).toContain(id);
  const [valAcc] = await backend.handlers['runs.metrics']({ id, names: ['val_acc'], maxPoints: 100_000 });
  expect(valAcc!.steps.at(-1)).toBeGreaterThanOrEqual(250);
  expect(valAcc!.steps).toEqual(Array.from({ length: valAcc!.steps.length }, (_, i) => i * 10));
  const check = new Database(dbPath, { readonly: true });
  expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
  check.close();

  // space again: the run continues from its last stored checkpoint and completes
  backend.store.db.pragma('max_page_count = 1073741823');
  const done = nextEvent(backend, 'run.status', statusIs(id, 'completed', 'failed', 'diverged'), 120_000);
  await backend.handlers['runs.resume']({ id });
  expect((await done).status).toBe('completed');
  const [after] = await backend.handlers['runs.metrics']({ id, names: ['val_acc'], maxPoints: 100_000 });
  expect(after!.steps).toEqual(Array.from({ length: 101 }, (_, i) => i * 10));
}, 180_000);

it('with no checkpoints to write, a run whose metric flushes fail is stopped by the writer, not left buffering', async () => {
  const { id } = await backend.handlers['runs.create']({ config: tinyConfig({ steps: 1_000_000, evalEvery: 10 }) });
  await nextEvent(backend, 'run.progress', (p) => p.runId === id && p.step >= 100);
  backend.store.db.pragma(`max_page_count = ${pages()}`);
  const failed = await nextEvent(backend, 'run.status', statusIs(id, 'failed', 'completed'), 30_000);
  expect(failed.status).toBe('failed');
  const run = await backend.handlers['runs.get']({ id });
  expect(run.error).toMatch(/^storing the run's data failed: database or disk is full; \d+ metric points could not be stored/);
  backend.store.db.pragma('max_page_count = 1073741823');
}, 60_000);
