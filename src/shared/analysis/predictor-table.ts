// The predictor's corpus as numbers (scripts/predictor-fit.ts writes it to resources/predictor/corpus-features.json):
// every early feature of every corpus run at every window and budget, with when the run reached the level. The
// shipped model is fitted from this table alone, so its leave-one-task-out scores can be reproduced without the
// corpus database, by the fit script or a test.
import type { EarlyFeatureName } from './predictor';
import { fitBudgetModel, type BudgetModel, type BudgetRun } from './predictor-budget';

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

/** One budget model per window, each scored by leaving each task (operation) out in turn. */
export function fitShipped(
  table: CorpusTable,
  opts: { windows: readonly number[]; features: readonly EarlyFeatureName[]; targetAccuracy: number },
): BudgetModel[] {
  return opts.windows.map((window) =>
    fitBudgetModel(budgetRunsOf(table, window, opts.features), {
      level: table.level,
      window,
      featureNames: [...opts.features],
      targetAccuracy: opts.targetAccuracy,
      grid: table.budgets,
    }),
  );
}
