// The predict sweep's policy scored leave-one-operation-out from a corpus table (issue 20), on a synthetic table with a
// known rule: log10(t_L / 200) = 0.5 + 1.5·x₁ + ε, ε ~ N(0, 0.1²), x₂ noise, five tasks, every run trained to 10k.
// The rule is learnable, so the policy must answer most cells at the first window and be right; a held-out task's
// answers must not depend on its own labels; and bands chosen on the cells still undecided are wider than bands chosen
// on all of them (those cells are the hard ones).
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/shared/analysis/rng';
import { policyLoto } from '../../src/shared/analysis/predictor-policy-loto';
import { fitShipped, type CorpusTable } from '../../src/shared/analysis/predictor-table';
import type { EarlyFeatureName } from '../../src/shared/analysis/predictor';

const WINDOWS = [200, 400];
const BUDGETS = [1000, 2000, 5000, 10_000];
// the table's columns are read by name; any two early-feature names serve
const FEATURES = ['train accuracy at W', 'validation accuracy at W'] as EarlyFeatureName[];

function table(seed: number): CorpusTable {
  const r = seededRandom(seed);
  const runs = Array.from({ length: 200 }, (_, i) => {
    const x = [2 * r.next() - 1, 2 * r.next() - 1];
    const t = Math.round(200 * 10 ** (0.5 + 1.5 * x[0]! + 0.1 * r.normal()));
    const row = BUDGETS.map(() => [...x]);
    return { name: `run ${i}`, task: `task ${i % 5}`, tLevel: t <= 10_000 ? t : null, trainedTo: 10_000, at: { 200: row, 400: row } };
  });
  return { level: 0.99, windows: WINDOWS, budgets: BUDGETS, featureNames: FEATURES, runs };
}

const opts = { windows: WINDOWS, features: FEATURES, targetAccuracy: 0.9, budget: 10_000 };

describe("the predict sweep's policy, each task held out", () => {
  const t = table(3);
  const policy = policyLoto(t, opts);

  it('answers most cells at the first window, right on at least 90% of them, with far fewer updates', () => {
    expect(policy.byTask.map((b) => b.task)).toEqual(['task 0', 'task 1', 'task 2', 'task 3', 'task 4']);
    const p = policy.pooled;
    expect(p.cells).toBe(200);
    expect(p.confident / p.cells).toBeGreaterThan(0.8);
    expect(p.right / p.confident).toBeGreaterThanOrEqual(0.9);
    expect(p.fullUpdates).toBe(200 * 10_000);
    expect(p.fullUpdates / p.updates).toBeGreaterThan(10);
  });

  it('scores a task by a fit that never saw it: its answers do not depend on its own labels', () => {
    const relabel = (tLevel: number | null) =>
      policyLoto({ ...t, runs: t.runs.map((r) => (r.task === 'task 0' ? { ...r, tLevel } : r)) }, opts).byTask[0]!;
    // past every window, so never observed: all reach the level within the budget, then none does
    const all = relabel(9_999);
    const none = relabel(null);
    expect(all.confident).toBe(none.confident);
    expect(all.right + none.right).toBe(all.confident);
  });

  it('rejects a budget the table has no labels for', () => {
    expect(() => policyLoto(t, { ...opts, budget: 3000 })).toThrow(/budget 3000 is not one of the table's/);
  });

  it("chooses a later window's band on the cells the earlier ones left undecided, when asked to", () => {
    const byWindow = fitShipped(t, { ...opts, bands: 'window' });
    const sequential = fitShipped(t, { ...opts, bands: 'sequential' });
    // the first window asks every cell either way
    expect(sequential[0]!.band).toBe(byWindow[0]!.band);
    // the second sees the same features again, so the cells the first left inside its band stay hard
    expect(sequential[1]!.band).toBeGreaterThan(byWindow[1]!.band);
    // the weights and the held-out scores are the same; only the band differs
    expect(sequential[1]!.logistic).toEqual(byWindow[1]!.logistic);
  });
});
