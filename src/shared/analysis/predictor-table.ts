// The predictor's corpus as numbers (scripts/predictor-fit.ts writes it to resources/predictor/corpus-features.json):
// every early feature of every corpus run at every window and budget, with when the run reached the level. The
// shipped model is fitted from this table alone, so its leave-one-task-out scores can be reproduced without the
// corpus database, by the fit script or a test.
import type { EarlyFeatureName } from './predictor';
import { fitBudgetModel, isConfident, type BudgetModel, type BudgetRun } from './predictor-budget';

/** The corpus as numbers: every early feature of every run at every window and budget of the grid. */
export interface CorpusTable {
  level: number;
  windows: number[];
  budgets: number[];
  featureNames: EarlyFeatureName[];
  runs: {
    name: string;
    task: string;
    /** first evaluated update with validation accuracy ≥ level; null: not within trainedTo */
    tLevel: number | null;
    trainedTo: number;
    /** window → budget index → feature values in featureNames order (NaN written as null) */
    at: Record<string, (number | null)[][]>;
  }[];
}

/** The runs with an early window of `window`, their inputs being `features` (by name) at each budget of the table. */
export function budgetRunsOf(table: CorpusTable, window: number, features: readonly EarlyFeatureName[]): BudgetRun[] {
  const cols = features.map((f) => table.featureNames.indexOf(f));
  return table.runs
    .filter((r) => r.at[window])
    .map((r) => ({
      name: r.name,
      task: r.task,
      features: (budget: number) => {
        const row = r.at[window]![table.budgets.indexOf(budget)]!;
        return cols.map((c) => {
          const v = row[c];
          if (v === null || v === undefined) throw new RangeError(`${r.name}: feature "${table.featureNames[c]}" is not finite`);
          return v;
        });
      },
      tLevel: r.tLevel,
      trainedTo: r.trainedTo,
    }));
}

/**
 * How each window's confidence band is chosen from the held-out predictions: on all of the window's examples
 * ('window'), or on those the earlier windows left undecided ('sequential'). A predict sweep asks a window only about
 * the cells no earlier window answered, the harder ones, so a band chosen on all examples is too narrow for them.
 */
export type BandRule = 'window' | 'sequential';

/** One budget model per window (ascending), each scored by leaving each task (operation) out in turn. */
export function fitShipped(
  table: CorpusTable,
  opts: { windows: readonly number[]; features: readonly EarlyFeatureName[]; targetAccuracy: number; bands?: BandRule },
): BudgetModel[] {
  const sequential = opts.bands === 'sequential';
  // run × budget examples still asked: not confidently answered, held out, at any earlier window (null: every one)
  let asked = null as Set<string> | null;
  const models: BudgetModel[] = [];
  for (const window of [...opts.windows].sort((a, b) => a - b)) {
    const before: Set<string> | null = asked;
    let scored: readonly { key: string; p: number }[] = [];
    const model = fitBudgetModel(budgetRunsOf(table, window, opts.features), {
      level: table.level,
      window,
      featureNames: [...opts.features],
      targetAccuracy: opts.targetAccuracy,
      grid: table.budgets,
      ...(sequential && {
        bandOn: before ? (key: string) => before.has(key) : undefined,
        onHeldOut: (s: readonly { key: string; p: number }[]) => (scored = s),
      }),
    });
    if (sequential)
      asked = new Set(scored.filter((s) => (!before || before.has(s.key)) && !isConfident(s.p, model.band)).map((s) => s.key));
    models.push(model);
  }
  return models;
}
