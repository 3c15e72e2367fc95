// Fits the budget-aware predictor (src/shared/analysis/predictor-budget.ts) on a corpus database made by
// scripts/predictor-corpus.ts and writes it with its provenance (command, commit, corpus) and its leave-one-task-out
// scores, a task being the modular operation: every held-out score is on an operation the fit never saw.
//
//   npx tsx scripts/predictor-fit.ts --db CORPUS.db [--window 400] [--level 0.99] [--target 0.9] [--out FILE] [--json]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { earlyFeatures, PREDICTOR_FEATURES } from '../src/shared/analysis/predictor';
import { fitBudgetModel, type BudgetRun } from '../src/shared/analysis/predictor-budget';
import { earlyRunOf, spectralParams } from '../src/main/services/run-analysis';
import { openStore } from '../src/main/store';

const args = process.argv.slice(2);
const option = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : dflt;
};
const DB = option('db', '');
if (!DB) throw new Error('usage: predictor-fit.ts --db CORPUS.db [--window 400] [--level 0.99] [--target 0.9] [--out FILE] [--json]');
const WINDOW = Number(option('window', '400'));
const LEVEL = Number(option('level', '0.99'));
if (LEVEL !== 0.99) throw new Error('--level: runs record t4 at 99% validation accuracy (phases.t4_99); other levels need their own phase');
const TARGET = Number(option('target', '0.9'));
const OUT = option('out', 'resources/predictor/model.json');

function corpusRuns(): BudgetRun[] {
  const store = openStore(DB);
  try {
    const out: BudgetRun[] = [];
    for (const run of store.runs.list()) {
      if (run.status !== 'completed' || run.config.task.kind !== 'modular') continue;
      const early = earlyRunOf(store, run, WINDOW);
      if ('reason' in early) continue;
      const opts = spectralParams({ window: WINDOW });
      out.push({
        task: run.config.task.op,
        features: (budget) => earlyFeatures({ ...early, budget }, opts).values,
        tLevel: run.phases?.t4_99 ?? null,
        trainedTo: run.step,
      });
    }
    return out;
  } finally {
    store.close();
  }
}

const runs = corpusRuns();
const model = fitBudgetModel(runs, { level: LEVEL, window: WINDOW, featureNames: [...PREDICTOR_FEATURES], targetAccuracy: TARGET });
const byTask: Record<string, number> = {};
for (const r of runs) byTask[r.task] = (byTask[r.task] ?? 0) + 1;
const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
const file = {
  ...model,
  provenance: {
    command: `npx tsx scripts/predictor-fit.ts ${args.join(' ')}`.trim(),
    corpusCommand: 'npx tsx scripts/predictor-corpus.ts (see the corpus database)',
    commit,
    date: new Date().toISOString(),
    corpus: { runs: runs.length, grokked: runs.filter((r) => r.tLevel !== null).length, byTask },
  },
};
mkdirSync(path.dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify(file, null, 2) + '\n');
if (args.includes('--json')) console.log(JSON.stringify(file));
else {
  console.log(`${runs.length} corpus runs (${file.provenance.corpus.grokked} reached ${LEVEL} within their budget); band ±${model.band}`);
  for (const h of model.heldOut)
    console.log(
      `held out ${h.task.padEnd(14)} ${String(h.examples).padStart(4)} examples  agreement ${(100 * h.accuracy).toFixed(0)}%  ` +
        `confident ${(100 * h.coverage).toFixed(0)}%, of those right ${h.confidentAccuracy === null ? '-' : (100 * h.confidentAccuracy).toFixed(0) + '%'}`,
    );
  const p = model.pooled;
  console.log(
    `pooled: agreement ${(100 * p.accuracy).toFixed(1)}%, confident ${(100 * p.coverage).toFixed(1)}%, right when confident ${p.confidentAccuracy === null ? '-' : (100 * p.confidentAccuracy).toFixed(1) + '%'}; wrote ${OUT}`,
  );
}
