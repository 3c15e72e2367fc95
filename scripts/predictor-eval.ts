// Checks the shipped predictor's claim on any grid (issue 20): runs the sweep file in predict mode and in full mode,
// each into a fresh database (as `grokscope sweep` does), and prints per cell what was predicted at which window
// against what full training did, then the agreement on the confident cells, the share of cells that were confident,
// and the compute (updates trained) of both.
//
//   npx tsx scripts/predictor-eval.ts --grid FILE [--dir DIR] [--workers N] [--full-db DB] [--json]
//
// --full-db reuses a database where the same file was already run in full mode (the expensive half).
// --simulate replays the predict policy on the full runs instead of training a predict sweep: a run's first W updates
// are the same in both modes (training is deterministic), so each cell stops where the sweep would stop it, or trains
// to its budget. It uses the shipped model alone (a fresh database has no finished runs to recalibrate it on).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore } from '../src/main/store';
import type { PredictionView } from '../src/shared/api/types';
import { modelAt } from '../src/shared/analysis/predictor-shipped';
import { firstStep } from '../src/shared/analysis/phases';
import { shippedEarlyRunOf } from '../src/main/services/early-run';
import { spectralParams } from '../src/main/services/run-analysis';
import { SHIPPED, shippedPrediction } from '../src/main/services/shipped-prediction';
import { windowsFor } from '../src/main/services/sweep-policy';
import { scriptOption } from './script-options';

const args = process.argv.slice(2);
const option = scriptOption(args);
const GRID = option('grid', '');
if (!GRID) throw new Error('usage: predictor-eval.ts --grid FILE [--dir DIR] [--workers N] [--full-db DB] [--simulate] [--json]');
const SIMULATE = args.includes('--simulate');
const DIR = option('dir', '') || mkdtempSync(path.join(tmpdir(), 'grokscope-predictor-eval-'));
const WORKERS = option('workers', '2');
const FULL_DB = option('full-db', '') || path.join(DIR, 'full.db');
const PREDICT_DB = path.join(DIR, 'predict.db');
const cli = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'bin', 'grokscope.js');

function sweep(db: string, mode: 'predict' | 'full'): void {
  const t0 = performance.now();
  // exit 1 only says some cell diverged or failed: the tables below show which
  try {
    execFileSync(process.execPath, [cli, 'sweep', GRID, '--db', db, '--mode', mode, '--workers', WORKERS], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } catch (e) {
    if ((e as { status?: number }).status !== 1) throw e;
  }
  console.error(`${mode}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

interface Cell {
  name: string;
  lr: number;
  wd: number;
  budget: number;
  /** updates trained */
  steps: number;
  /** first evaluated update with validation accuracy ≥ level; null: never within what was trained */
  tLevel: number | null;
  prediction: PredictionView | null;
}

function cells(db: string, level: number): Map<string, Cell> {
  const store = openStore(db);
  try {
    const out = new Map<string, Cell>();
    for (const run of store.runs.list()) {
      out.set(run.name, {
        name: run.name,
        lr: run.config.optimizer.lr,
        wd: run.config.optimizer.weightDecay,
        budget: run.totalSteps,
        steps: run.step,
        tLevel: firstStep(store.metrics.series(run.id, 'val_acc'), (v) => v >= level),
        prediction: (store.analyses.latest(run.id, 'prediction')?.result as PredictionView | undefined) ?? null,
      });
    }
    return out;
  } finally {
    store.close();
  }
}

const LEVEL = 0.99;
if (!(args.includes('--full-db') && existsSync(FULL_DB))) sweep(FULL_DB, 'full');
if (!SIMULATE) sweep(PREDICT_DB, 'predict');
const full = cells(FULL_DB, LEVEL);
const predicted = SIMULATE ? simulated(full) : cells(PREDICT_DB, LEVEL);

/** What a predict sweep (window auto) does with each cell, replayed on the full runs: where it stops, what it says. */
function simulated(fullCells: Map<string, Cell>): Map<string, Cell> {
  const store = openStore(FULL_DB);
  try {
    const out = new Map<string, Cell>();
    for (const run of store.runs.list()) {
      const f = fullCells.get(run.name)!;
      let prediction: PredictionView | null = null;
      let steps = run.step;
      for (const w of windowsFor('auto', run.totalSteps)) {
        const early = shippedEarlyRunOf(store, run, w);
        const model = modelAt(SHIPPED, w)!;
        if ('reason' in early) break;
        const params = spectralParams({ window: w });
        // as a fresh database would: no finished runs to recalibrate on (these are the grid's own answers)
        prediction = { runId: run.id, params, outcome: null, ...shippedPrediction(store, run, early, model, params, SHIPPED, false) };
        if (prediction.withinBudget!.confident) {
          steps = w;
          break;
        }
      }
      // trained on without a confident answer: the sweep stops it once it reaches the level (observed)
      const trainedOn = steps === run.step && !prediction?.withinBudget?.confident;
      if (trainedOn && f.tLevel !== null && f.tLevel < steps) steps = f.tLevel;
      out.set(run.name, { ...f, steps, prediction });
    }
    return out;
  } finally {
    store.close();
  }
}
const rows = [...predicted.values()].map((p) => {
  const f = full.get(p.name);
  if (!f) throw new Error(`cell "${p.name}" of the predict run is missing from ${FULL_DB}: not the same grid`);
  const truth = f.tLevel !== null && f.tLevel <= f.budget;
  const stopped = p.steps < p.budget; // stopped by the policy at a window
  const wb = p.prediction?.withinBudget;
  const confident = stopped && p.prediction !== null && (wb ? wb.confident : true);
  const said = p.prediction?.willGrok ?? null;
  const interval = wb && !wb.observed ? wb.tLevel : null;
  const inInterval = interval && f.tLevel !== null ? (interval.low ?? 0) <= f.tLevel && f.tLevel <= (interval.high ?? Infinity) : null;
  return {
    cell: p.name,
    lr: p.lr,
    wd: p.wd,
    window: stopped ? p.steps : null,
    p: p.prediction?.probability ?? null,
    said,
    confident,
    truth,
    tLevel: f.tLevel,
    interval,
    inInterval,
    predictSteps: p.steps,
    fullSteps: f.steps,
  };
});
const confident = rows.filter((r) => r.confident);
const right = confident.filter((r) => r.said === r.truth).length;
const predictSteps = rows.reduce((s, r) => s + r.predictSteps, 0);
const fullSteps = rows.reduce((s, r) => s + r.fullSteps, 0);
const timed = rows.filter((r) => r.inInterval !== null);
const summary = {
  grid: GRID,
  level: LEVEL,
  cells: rows.length,
  reached: rows.filter((r) => r.truth).length,
  confident: confident.length,
  agreementOnConfident: confident.length ? right / confident.length : null,
  coverage: rows.length ? confident.length / rows.length : 0,
  predictSteps,
  fullSteps,
  computeSaved: predictSteps > 0 ? fullSteps / predictSteps : null,
  /** cells that reached the level in full training and had a predicted interval: how many fell inside it */
  tLevelInInterval: { inside: timed.filter((r) => r.inInterval).length, of: timed.length },
  databases: { predict: PREDICT_DB, full: FULL_DB },
};
if (args.includes('--json')) console.log(JSON.stringify({ ...summary, rows }, null, 2));
else {
  console.log(
    `${GRID}: ${rows.length} cells, ${summary.reached} reach ${LEVEL * 100}% validation accuracy within their budget in full training`,
  );
  console.log('lr        wd      stopped at  p      predicted  confident  t(99%) predicted (10-90%)  full: t(99%)   agree');
  for (const r of rows)
    console.log(
      `${String(r.lr).padEnd(9)} ${String(r.wd).padEnd(7)} ${String(r.window ?? 'budget').padEnd(11)} ${r.p === null ? '–    ' : r.p.toFixed(2).padEnd(5)}  ` +
        `${r.said === null ? '–' : r.said ? 'reaches' : 'does not'}`.padEnd(11) +
        `${r.confident ? 'yes' : 'no'}`.padEnd(11) +
        `${r.interval ? `${r.interval.median ?? '>'} (${r.interval.low ?? '?'}-${r.interval.high ?? '?'})` : '–'}`.padEnd(26) +
        `${r.tLevel === null ? 'never' : r.tLevel}`.padEnd(15) +
        `${r.confident ? (r.said === r.truth ? 'yes' : 'NO') : '(trained on)'}`,
    );
  const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(0)}%`);
  console.log(
    `confident on ${confident.length}/${rows.length} cells (${pct(summary.coverage)}), right on ${right}/${confident.length} of them (${pct(summary.agreementOnConfident)}); ` +
      `compute: ${predictSteps.toLocaleString('en-US')} updates against ${fullSteps.toLocaleString('en-US')} (${summary.computeSaved?.toFixed(1)}× less); ` +
      `t(99%) inside the predicted 10-90% interval for ${summary.tLevelInInterval.inside} of ${summary.tLevelInInterval.of} cells`,
  );
}
