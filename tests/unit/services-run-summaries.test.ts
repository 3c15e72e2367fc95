// The runs list's summaries are kept between lists and remade only for changed rows (issue 18, 10,000 runs): each
// change a summary shows (status, progress, tags, deletion, a prediction, a config damaged by hand) reaches the next
// list, and unchanged rows are the very same objects.
import { afterAll, expect, it } from 'vitest';
import { openStore } from '../../src/main/store';
import { RunSummaries } from '../../src/main/services/run-summaries';
import { toSummary } from '../../src/main/services/run-views';
import { EMPTY_PHASES } from '../../src/shared/analysis/phases';
import { OWNER, smallConfig, tempDir } from './store-helpers';

const tmp = tempDir('run-summaries');
afterAll(() => tmp.cleanup());

it('remakes only the summaries of changed rows, and shows every change', () => {
  const store = openStore(tmp.file('s.db'));
  try {
    const at = new Date().toISOString();
    const ids = [0, 1, 2, 3].map((i) =>
      store.runs.insert({ name: `r${i}`, config: smallConfig({ seed: i }), createdAt: at, owner: OWNER }),
    );
    const s = new RunSummaries(store);
    const first = s.list(false, false);
    expect(first.map((r) => r.id)).toEqual([...ids].reverse());
    const byId = (l: typeof first, id: number) => l.find((r) => r.id === id)!;

    store.runs.setStatus(ids[0]!, 'completed', { step: 100 });
    store.runs.setProgress(ids[0]!, 100, { ...EMPTY_PHASES, t4: 80 }, { trainLoss: 0, trainAcc: 1, valLoss: 0.1, valAcc: 0.99 });
    store.runs.annotate(ids[1]!, { tags: ['paper'] });
    store.analyses.save(ids[2]!, 'prediction', {}, { willGrok: true, probability: 0.9, method: 'rule', atStep: 40 }, at);
    const second = s.list(false, false);
    expect(byId(second, ids[0]!)).toMatchObject({ status: 'completed', step: 100, phases: { t4: 80 }, final: { valAcc: 0.99 } });
    expect(byId(second, ids[1]!).tags).toEqual(['paper']);
    expect(byId(second, ids[2]!).prediction).toEqual({ willGrok: true, probability: 0.9, method: 'rule', atStep: 40 });
    expect(byId(second, ids[3]!)).toBe(byId(first, ids[3]!)); // unchanged: the same object
    expect(s.list(false, true).every((r) => r.config?.seed === byId(second, r.id).seed)).toBe(true);

    // deleted: gone from the list, back with the deleted; a config spoiled by hand reads as damaged
    store.db.prepare('UPDATE runs SET deleted_at = ? WHERE id = ?').run(at, ids[3]!);
    store.db.prepare('UPDATE runs SET config_json = \'{"task": 1}\' WHERE id = ?').run(ids[1]!);
    const third = s.list(false, false);
    expect(third.map((r) => r.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(byId(third, ids[1]!).damaged).toMatch(/config_json/);
    expect(s.list(true, false).find((r) => r.id === ids[3])?.deleted).toBe(true);
  } finally {
    store.close();
  }
});

it('answers the last list while nothing is written, and sees a write by this or another connection', () => {
  const file = tmp.file('gen.db');
  const store = openStore(file);
  const other = openStore(file);
  try {
    const at = new Date().toISOString();
    const id = store.runs.insert({ name: 'a', config: smallConfig(), createdAt: at, owner: OWNER });
    const s = new RunSummaries(store);
    const first = s.list(false, false);
    expect(s.list(false, false)).toBe(first); // nothing written: the same list
    other.runs.annotate(id, { tags: ['seen'] }); // another connection (another process, in the app)
    const second = s.list(false, false);
    expect(second).not.toBe(first);
    expect(second[0]!.tags).toEqual(['seen']);
    store.runs.annotate(id, { notes: 'mine' });
    expect(s.list(false, false)[0]!.notes).toBe('mine');
    expect(s.list(false, true)[0]!.config?.seed).toBe(0);
  } finally {
    other.close();
    store.close();
  }
});

it('makes many rows at once (a first list, a bulk change) exactly as the store reads them, damaged ones included', () => {
  const store = openStore(tmp.file('many.db'));
  try {
    const at = new Date().toISOString();
    const ids = store.db.transaction(() =>
      Array.from({ length: 260 }, (_, i) => {
        const id = store.runs.insert({ name: `r${i}`, config: smallConfig({ seed: i, p: 11 + (i % 3) * 2 }), createdAt: at, owner: OWNER });
        store.runs.setProgress(id, 10, { ...EMPTY_PHASES, t2: i }, { trainLoss: 1, trainAcc: 0.5, valLoss: 2, valAcc: i / 260 });
        if (i % 50 === 0) store.runs.annotate(id, { tags: ['x'], notes: 'n' });
        return id;
      }),
    )();
    store.analyses.save(ids[3]!, 'prediction', {}, { willGrok: false, probability: 0.2, method: 'rule', atStep: 40 }, at);
    store.db.prepare('UPDATE runs SET config_json = \'{"task": 1}\' WHERE id = ?').run(ids[5]!); // JSON, not a config
    store.db.prepare("UPDATE runs SET final_json = 'x' WHERE id = ?").run(ids[6]!);
    const expected = () =>
      new Map(store.runs.list().map((r) => [r.id, toSummary(r, store.analyses.latest(r.id, 'prediction')?.result ?? null)]));
    const s = new RunSummaries(store);
    const first = s.list(false, false);
    expect(first).toHaveLength(260);
    const want = expected();
    for (const r of first) expect(r).toEqual(want.get(r.id));
    expect(first.find((r) => r.id === ids[5])!.damaged).toMatch(/^config_json has the wrong shape/);
    expect(first.find((r) => r.id === ids[6])!.damaged).toMatch(/^final_json is not JSON/);
    // every row changes (more than the bulk threshold): made again from the columns, the configs kept
    store.db.prepare('UPDATE runs SET step = step + 5').run();
    const second = s.list(false, true);
    const want2 = expected();
    for (const r of second) {
      const { config, ...summary } = r;
      expect(summary).toEqual(want2.get(r.id));
      expect(config).toEqual(store.runs.get(r.id)!.config);
    }
  } finally {
    store.close();
  }
});
