// The predict sweep's whole policy scored on operations it never saw (issue 20), from the corpus table alone: the
// per-window held-out scores of predictor-table say how each window's model does on every example, but a sweep asks
// the windows in turn and stops a cell at its first confident answer, so what a user sees is the policy's score.
//
// For each operation in turn, every window's model is fitted on the other operations (its band chosen by leave-one-
// operation-out among those, so the held-out operation informs neither the weights nor the band), and each of its
// runs is walked as a sweep cell with the given budget: observed at the first window it is already at the level,
// stopped at the first confident window, or trained on to the level or the budget (then its answer is observed).
import type { EarlyFeatureName } from './predictor';
import { isConfident, probabilityWithin, type BudgetModel } from './predictor-budget';
import { fitShipped, type BandRule, type CorpusTable } from './predictor-table';

export interface PolicyScore {
  /** the runs walked (trained at least to the budget) */
  cells: number;
  /** cells stopped at a window with an answer (a prediction outside the band, or observed at the level) */
  confident: number;
  /** confident cells whose answer matches full training */
  right: number;
  /** updates trained by the policy, and by full training to the budget */
  updates: number;
  fullUpdates: number;
}

export interface PolicyLoto {
  budget: number;
  byTask: ({ task: string } & PolicyScore)[];
  pooled: PolicyScore;
}

function walk(run: CorpusTable['runs'][number], models: readonly BudgetModel[], table: CorpusTable, cols: number[], budget: number) {
  const reaches = run.tLevel !== null && run.tLevel <= budget;
  const b = table.budgets.indexOf(budget);
  for (const m of models) {
    if (m.window >= budget) break;
    if (run.tLevel !== null && run.tLevel <= m.window) return { confident: true, right: true, updates: m.window };
    const row = run.at[m.window]?.[b];
    if (!row?.length) break; // not recorded this far: trained on, as a sweep would
    const p = probabilityWithin(m, () => cols.map((c) => row[c]!), budget);
    if (isConfident(p, m.band)) return { confident: true, right: p >= 0.5 === reaches, updates: m.window };
  }
  return { confident: false, right: true, updates: reaches ? run.tLevel! : budget };
}

/** Leave-one-operation-out scores of the predict sweep's policy (window auto) at one budget of the table's grid. */
export function policyLoto(
  table: CorpusTable,
  opts: { windows: readonly number[]; features: readonly EarlyFeatureName[]; targetAccuracy: number; bands?: BandRule; budget: number },
): PolicyLoto {
  if (!table.budgets.includes(opts.budget))
    throw new RangeError(`budget ${opts.budget} is not one of the table's (${table.budgets.join(', ')})`);
  const cols = opts.features.map((f) => table.featureNames.indexOf(f));
  const tasks = [...new Set(table.runs.map((r) => r.task))].sort();
  const windows = [...opts.windows].sort((a, b) => a - b);
  const zero = (): PolicyScore => ({ cells: 0, confident: 0, right: 0, updates: 0, fullUpdates: 0 });
  const pooled = zero();
  const byTask = tasks.map((task) => {
    const models = fitShipped({ ...table, runs: table.runs.filter((r) => r.task !== task) }, { ...opts, windows });
    const s = zero();
    for (const run of table.runs) {
      if (run.task !== task || run.trainedTo < opts.budget) continue;
      const w = walk(run, models, table, cols, opts.budget);
      s.cells++;
      s.confident += w.confident ? 1 : 0;
      s.right += w.confident && w.right ? 1 : 0;
      s.updates += w.updates;
      s.fullUpdates += opts.budget;
    }
    for (const k of Object.keys(pooled) as (keyof PolicyScore)[]) pooled[k] += s[k];
    return { task, ...s };
  });
  return { budget: opts.budget, byTask, pooled };
}
