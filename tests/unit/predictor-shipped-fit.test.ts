// The shipped predictor can be reproduced (issue 20): refitting the committed corpus table with the options recorded
// in the model's provenance gives the committed models, leave-one-task-out scores included, and those scores are
// what a held-out fit really does (a task's runs never inform its own predictions).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitShipped, budgetRunsOf, type CorpusTable } from '../../src/shared/analysis/predictor-table';
import { fitBudgetModel } from '../../src/shared/analysis/predictor-budget';
import type { ShippedPredictor } from '../../src/shared/analysis/predictor-shipped';

const shipped = JSON.parse(readFileSync('resources/predictor/model.json', 'utf8')) as ShippedPredictor;
const table = JSON.parse(readFileSync(shipped.provenance.fit.table, 'utf8')) as CorpusTable;

describe('the shipped predictor, refitted from its corpus table', () => {
  it('gives the committed models and held-out scores', () => {
    const { windows, features, targetAccuracy } = shipped.provenance.fit;
    const models = fitShipped(table, { windows, features, targetAccuracy });
    // through JSON as the committed file was written
    expect(JSON.parse(JSON.stringify(models))).toEqual(shipped.models);
    expect(table.runs.length).toBe(shipped.provenance.corpus.runs);
  });

  it('scores each task by a fit that never saw it: its held-out predictions do not depend on its own labels', () => {
    const { features, targetAccuracy } = shipped.provenance.fit;
    const window = shipped.models[0]!.window;
    const runs = budgetRunsOf(table, window, features);
    const task = shipped.models[0]!.heldOut[0]!.task;
    const fit = (tLevel: number | null) =>
      fitBudgetModel(
        runs.map((r) => (r.task === task ? { ...r, tLevel } : r)),
        { level: table.level, window, featureNames: [...features], targetAccuracy, grid: table.budgets },
      ).heldOut.find((h) => h.task === task)!;
    // the task's runs relabelled all reaching the level (just after the window, so within every budget), then none:
    // the same fit on the other tasks predicts them both times, so each example is right exactly once
    const all = fit(window + 1);
    const none = fit(null);
    expect(all.examples).toBe(none.examples);
    expect(all.accuracy + none.accuracy).toBeCloseTo(1, 12);
  });
});
