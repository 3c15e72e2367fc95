// The t4 level of the fits across runs (issue 19): given, t4 is read off the validation-accuracy series at that
// level; not given, the first run's task's default (99% for a modular table) from the stored phases.
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store';
import { fitRuns } from '../../src/main/services/run-fits';
import { seedEarlyRun, tempDir } from './store-helpers';

const tmp = tempDir('fit-level');
const store = openStore(tmp.file('f.db'));
afterAll(() => {
  store.close();
  tmp.cleanup();
});

describe('fitRuns level', () => {
  // val_acc = s/900 after step 400 at evaluations every 100 steps: ≥ 0.5 first at 500, ≥ 0.7 first at 700
  // (the 003 App. D fit against weight decay: a constant t4 is a slope of 0 there, not a degenerate power law)
  const ids = [0.1, 0.3, 1].map((wd) => seedEarlyRun(store, 0.1, true, 400, { weightDecay: wd, t4: Math.round(1e4 / wd) }));
  it('reads t4 at a given level off the series, and says so', () => {
    const f = fitRuns(store, ids, 'wd', 0.5);
    expect(f.points.map((p) => p.t4)).toEqual([500, 500, 500]);
    expect(f.logLog!.slope.value).toBeCloseTo(0, 12);
    expect(f.level).toBe(0.5);
    expect(f.levelWhy).toBe('given');
    expect(fitRuns(store, ids, 'wd', 0.7).points[0]!.t4).toBe(700);
  });
  it("defaults to the task's level (99% for modular), from the stored phases", () => {
    const f = fitRuns(store, ids, 'wd');
    expect(f.level).toBe(0.99);
    expect(f.levelWhy).toMatch(/Grokscope's; 000 §2.3 uses 100%/);
    expect(f.points.map((p) => p.t4)).toEqual([100000, 33333, 10000]);
    expect(f.logLog!.slope.value).toBeCloseTo(-1, 4);
  });
  it('names the level in the reason a run was left out', () => {
    const never = seedEarlyRun(store, 0.1, false, 400, { weightDecay: 2 });
    const f = fitRuns(store, [...ids, never], 'wd', 0.5);
    expect(f.skipped).toEqual([{ runId: never, reason: 'never reached 50% validation accuracy' }]);
  });
});
