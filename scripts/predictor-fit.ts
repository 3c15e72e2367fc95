// Fits the predictor shipped with Grokscope (src/shared/analysis/predictor-shipped.ts) on a corpus made by
// scripts/predictor-corpus.ts, one budget model per early window, and writes it with its provenance (command, commit,
// corpus) and its leave-one-task-out scores, a task being the modular operation: every held-out score is on an
// operation the fit never saw.
//
// Two steps, so the scores can be reproduced without the corpus database (tens of MB, not in the repository):
//   --db CORPUS.db   reads every finished corpus run's early features at each window and budget, and its t_level,
//                    into a table (--table, default resources/predictor/corpus-features.json), then fits;
//   --table FILE     fits from that table alone.
//
//   npx tsx scripts/predictor-fit.ts (--db CORPUS.db | --table FILE) [--windows 200,400,1000,2000,4000] [--level 0.99]
//                                    [--target 0.9] [--features a;b;c] [--out FILE] [--policy-budget 10000] [--bands window|sequential]
//                                    [--json]
//
// It also scores the predict sweep's policy (each window asked in turn, stopped at the first confident answer) by
// leaving each operation out, at one budget: what a user's sweep would see on an operation the model never saw.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { allEarlyFeatures, EARLY_FEATURES, type EarlyFeatureName } from '../src/shared/analysis/predictor';
import { firstStep } from '../src/shared/analysis/phases';
import { spectralSignature } from '../src/shared/analysis/spectral';
import { BUDGET_GRID } from '../src/shared/analysis/predictor-budget';
import { fitShipped, type BandRule, type CorpusTable } from '../src/shared/analysis/predictor-table';
import { policyLoto } from '../src/shared/analysis/predictor-policy-loto';
import { SHIPPED_FEATURES, type ShippedPredictor } from '../src/shared/analysis/predictor-shipped';
import { spectralParams } from '../src/main/services/run-analysis';
import { shippedEarlyRunOf } from '../src/main/services/early-run';
import { openStore } from '../src/main/store';
import { scriptOption } from './script-options';

const args = process.argv.slice(2);
const option = scriptOption(args);
const DB = option('db', '');
const TABLE = option('table', 'resources/predictor/corpus-features.json');
const WINDOWS = option('windows', '200,400,1000,2000,4000').split(',').map(Number);
const LEVEL = Number(option('level', '0.99'));
const TARGET = Number(option('target', '0.9'));
const FEATURES = option('features', SHIPPED_FEATURES.join(';')).split(';') as EarlyFeatureName[];
const OUT = option('out', 'resources/predictor/model.json');
const POLICY_BUDGET = Number(option('policy-budget', '10000'));
const BANDS = option('bands', 'window') as BandRule;
if (BANDS !== 'window' && BANDS !== 'sequential') throw new Error(`--bands: window or sequential, not "${String(BANDS)}"`);
for (const f of FEATURES) if (!(f in EARLY_FEATURES)) throw new Error(`--features: no early feature named "${f}"`);

function readCorpus(file: string): CorpusTable {
  const store = openStore(file);
  const featureNames = Object.keys(EARLY_FEATURES) as EarlyFeatureName[];
  const table: CorpusTable = { level: LEVEL, windows: WINDOWS, budgets: [...BUDGET_GRID], featureNames, runs: [] };
  try {
    for (const run of store.runs.list()) {
      // diverged runs count: they never reach the level, at any budget
      if ((run.status !== 'completed' && run.status !== 'diverged') || run.config.task.kind !== 'modular') continue;
      const tLevel = firstStep(store.metrics.series(run.id, 'val_acc'), (v) => v >= LEVEL);
      const trainedTo = run.status === 'diverged' ? Number.MAX_SAFE_INTEGER : run.step;
      const at: CorpusTable['runs'][number]['at'] = {};
      for (const w of WINDOWS) {
        const early = shippedEarlyRunOf(store, run, w);
        if ('reason' in early) continue;
        const opts = spectralParams({ window: Math.min(w, early.stepLoss.length) });
        const signature = spectralSignature(early.stepLoss, opts); // the same at every budget
        // 6 significant digits (the table is committed); budgets beyond the run's training are never read
        at[w] = BUDGET_GRID.map((b) => {
          if (b > trainedTo) return [];
          const { all } = allEarlyFeatures({ ...early, budget: b }, opts, signature);
          return featureNames.map((n) => (Number.isFinite(all[n]) ? Number(all[n].toPrecision(6)) : null));
        });
      }
      table.runs.push({ name: run.config.name ?? `run ${run.id}`, task: run.config.task.op, tLevel, trainedTo, at });
    }
  } finally {
    store.close();
  }
  return table;
}

let table: CorpusTable;
if (DB) {
  table = readCorpus(DB);
  mkdirSync(path.dirname(TABLE), { recursive: true });
  writeFileSync(TABLE, JSON.stringify(table) + '\n');
} else table = JSON.parse(readFileSync(TABLE, 'utf8')) as CorpusTable;
if (table.level !== LEVEL)
  throw new Error(`--level ${LEVEL}: the table ${TABLE} was read at level ${table.level}; read it again with --db`);

const models = fitShipped(table, { windows: WINDOWS, features: FEATURES, targetAccuracy: TARGET, bands: BANDS });
const byTask: Record<string, number> = {};
for (const r of table.runs) byTask[r.task] = (byTask[r.task] ?? 0) + 1;
const shipped: ShippedPredictor = {
  level: LEVEL,
  models,
  provenance: {
    command: `npx tsx scripts/predictor-fit.ts ${args.join(' ')}`.trim(),
    corpusCommand: 'npx tsx scripts/predictor-corpus.ts --db CORPUS.db --runs 240 --steps 10000 --workers 2',
    commit: execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim(),
    date: new Date().toISOString(),
    corpus: { runs: table.runs.length, reached: table.runs.filter((r) => r.tLevel !== null).length, byTask },
    fit: { table: TABLE, windows: WINDOWS, features: FEATURES, targetAccuracy: TARGET, bands: BANDS },
  },
};
mkdirSync(path.dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify(shipped, null, 2) + '\n');
if (args.includes('--json')) console.log(JSON.stringify(shipped));
else {
  const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(0)}%`);
  console.log(`${table.runs.length} corpus runs (${shipped.provenance.corpus.reached} reached ${LEVEL}); features: ${FEATURES.join('; ')}`);
  for (const m of models) {
    const p = m.pooled;
    console.log(
      `window ${m.window}: band ±${m.band}; held out, pooled over ${p.examples} run × budget examples: agreement ${pct(p.accuracy)}, ` +
        `confident ${pct(p.coverage)}, right when confident ${pct(p.confidentAccuracy)}`,
    );
    for (const h of m.heldOut)
      console.log(
        `  held out ${h.task.padEnd(14)} ${String(h.examples).padStart(4)} examples  agreement ${pct(h.accuracy)}  confident ${pct(h.coverage)}, right ${pct(h.confidentAccuracy)}`,
      );
  }
  const policy = policyLoto(table, { windows: WINDOWS, features: FEATURES, targetAccuracy: TARGET, bands: BANDS, budget: POLICY_BUDGET });
  const line = (s: (typeof policy)['pooled']) =>
    `${String(s.cells).padStart(4)} cells  confident ${pct(s.confident / s.cells)}, right when confident ${pct(s.right / s.confident)}, ` +
    `${(s.fullUpdates / s.updates).toFixed(1)}× fewer updates than full training`;
  console.log(`the predict sweep's policy at a budget of ${POLICY_BUDGET}, each operation held out of the fit:`);
  for (const t of policy.byTask) console.log(`  ${t.task.padEnd(14)} ${line(t)}`);
  console.log(`  ${'pooled'.padEnd(14)} ${line(policy.pooled)}`);
  console.log(`wrote ${OUT}${DB ? ` and ${TABLE}` : ''}`);
}
