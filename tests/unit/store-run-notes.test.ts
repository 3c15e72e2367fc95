// Tags and notes on runs: migration 4 adds them to a version-3 database (older rows get none), the repository stores
// them, and runs.annotate / runs.tag (through dispatch, as every transport calls them) check and apply them.
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS, userVersion } from '../../src/main/store/migrations';
import { openStore } from '../../src/main/store';
import { createBackend, type LocalBackend } from '../../src/main/services/create-backend';
import type { ComputeLauncher } from '../../src/main/host/types';
import { dispatch } from '../../src/shared/api/dispatch';
import { OWNER, smallConfig, tempDir } from './store-helpers';

const tmp = tempDir('run-notes');
afterAll(() => tmp.cleanup());

describe('migration 4: tags and notes', () => {
  it('adds the columns to a version-3 database, its runs with no tags and empty notes', () => {
    const path = tmp.file('v3.db');
    const raw = new Database(path);
    migrate(
      raw,
      MIGRATIONS.filter((m) => m.version <= 3),
    );
    expect(userVersion(raw)).toBe(3);
    raw
      .prepare(
        "INSERT INTO runs (name, config_json, status, seed, total_steps, created_at) VALUES ('old', ?, 'completed', 0, 100, '2026-01-01T00:00:00Z')",
      )
      .run(JSON.stringify(smallConfig()));
    raw.close();

    const store = openStore(path);
    const [old] = store.runs.list();
    expect(old).toMatchObject({ name: 'old', tags: [], notes: '', damaged: null });
    expect(store.runs.annotate(old!.id, { tags: ['baseline', 'wd'], notes: 'the first try' })).toBe(true);
    expect(store.runs.get(old!.id)).toMatchObject({ tags: ['baseline', 'wd'], notes: 'the first try' });
    expect(store.runs.annotate(old!.id, { notes: '' })).toBe(true);
    expect(store.runs.get(old!.id)).toMatchObject({ tags: ['baseline', 'wd'], notes: '' });
    expect(store.runs.annotate(9999, { notes: 'x' })).toBe(false);
    store.close();
  });
});

const noLaunch: ComputeLauncher = {
  launch: () => {
    throw new Error('no compute in this test');
  },
};

describe('runs.annotate and runs.tag', () => {
  let backend: LocalBackend;
  let n = 0;
  beforeEach(() => {
    backend = createBackend({ dbPath: tmp.file(`b${n++}.db`), launcher: noLaunch, mode: 'electron' });
  });
  afterEach(async () => {
    await backend.close();
  });
  const insert = () => backend.store.runs.insert({ name: 'r', config: smallConfig(), createdAt: new Date().toISOString(), owner: OWNER });

  it('sets tags and notes, listed with the run; adds and removes tags on many runs at once', async () => {
    const [a, b] = [insert(), insert()];
    expect(await dispatch(backend.handlers, 'runs.annotate', { id: a, tags: [' fast ', 'fast', 'wd 1'], notes: 'groks at 900' })).toEqual({
      ok: true,
      result: { ok: true },
    });
    const listed = await backend.handlers['runs.list']({ includeDeleted: false });
    expect(listed.find((r) => r.id === a)).toMatchObject({ tags: ['fast', 'wd 1'], notes: 'groks at 900', sweepId: null });
    expect(listed[0]!.config).toBeUndefined();
    expect((await backend.handlers['runs.list']({ includeDeleted: false, withConfig: true }))[0]!.config).toEqual(smallConfig());

    expect(await dispatch(backend.handlers, 'runs.tag', { ids: [a, b], add: ['paper'], remove: ['fast'] })).toEqual({
      ok: true,
      result: { changed: 2 },
    });
    expect(backend.store.runs.get(a)!.tags).toEqual(['wd 1', 'paper']);
    expect(backend.store.runs.get(b)!.tags).toEqual(['paper']);
    expect(await backend.handlers['runs.tag']({ ids: [a, b], add: ['paper'] })).toEqual({ changed: 0 });
  });

  it('refuses empty tags, tags with commas and unknown runs, saying which', async () => {
    const a = insert();
    const bad = await dispatch(backend.handlers, 'runs.annotate', { id: a, tags: ['a,b'] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(bad)).toContain('a tag may not hold a comma');
    expect(JSON.stringify(await dispatch(backend.handlers, 'runs.tag', { ids: [a], add: ['  '] }))).toContain(
      'add[0]: must have length >= 1',
    );
    expect(await dispatch(backend.handlers, 'runs.tag', { ids: [a, 424242], add: ['x'] })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(backend.store.runs.get(a)!.tags).toEqual([]);
  });
});
