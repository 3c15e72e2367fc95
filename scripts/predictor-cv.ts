// Offline choice of the predictor's early features, on HISTORY databases only: never on the grid the
// predictor is then measured on. For every finished run of the given databases it computes a bank of candidate
// early features (all read at W from what the training loop records), then scores a few feature sets fixed in
// advance from the papers' mechanisms by
//   - stratified 5-fold cross-validation pooled over all runs (several seeds), and
//   - leave-one-task-out: fit on the other tasks' runs, predict this task's (how a model transfers to a new task,
//     which is what the benchmark asks of it).
//
// With `--target DB --truth DB` it also shows, AFTER the choice, how each set would have done on a predicted grid
// (the stopped cells of a `predict` sweep) against the same grid run to its budget: a post-hoc view, not for choosing.
//
//   npx tsx scripts/predictor-cv.ts DB [DB ...] [--window 400] [--target PREDICT_DB --truth FULL_DB] [--json]
import { EARLY_FEATURES, allEarlyFeatures, type EarlyFeatureName } from '../src/shared/analysis/predictor';
import { crossValidate, fitLogistic, predictProba } from '../src/shared/analysis/logistic';
import { earlyRunOf, spectralParams } from '../src/main/services/run-analysis';
import { openStore } from '../src/main/store';
import { scriptOption } from './script-options';

const args = process.argv.slice(2);
const option = scriptOption(args);
const WINDOW = Number(option('window', '400'));
const files = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
if (!files.length) throw new Error('usage: predictor-cv.ts DB [DB ...]');

interface Row {
  task: string;
  cell: string;
  grokked: boolean;
  f: Record<string, number>;
}

/** Runs of `file` with an early window: the finished ones, or (target) the ones stopped after their window. */
function readRows(file: string, stopped: boolean): Row[] {
  const rows: Row[] = [];
  const store = openStore(file);
  try {
    for (const run of store.runs.list()) {
      const finished = run.status === 'completed' && run.step === run.totalSteps;
      if (finished === stopped) continue;
      const early = earlyRunOf(store, run, WINDOW);
      if ('reason' in early) continue;
      const f: Record<string, number> = allEarlyFeatures(early, spectralParams({ window: WINDOW })).all;
      const c = run.config;
      rows.push({
        task: `${c.task.kind === 'modular' ? c.task.op : c.task.kind}`,
        cell: `${c.optimizer.lr.toPrecision(3)}|${c.optimizer.weightDecay}`,
        grokked: run.phases?.t4_99 != null,
        f,
      });
    }
  } finally {
    store.close();
  }
  return rows;
}

const rows = files.flatMap((f) => readRows(f, false));
const TARGET = option('target', '');
const TRUTH = option('truth', '');
const target = TARGET ? readRows(TARGET, true) : [];
const truth = new Map(TRUTH ? readRows(TRUTH, false).map((r) => [r.cell, r.grokked]) : []);
for (const r of target) {
  if (!truth.has(r.cell)) throw new Error(`${TRUTH}: no finished run of cell ${r.cell} (lr|wd) of ${TARGET}`);
  r.grokked = truth.get(r.cell)!;
}

const T = (n: EarlyFeatureName): string => n;
// the six features of 000 §3 (the default rule's features)
const B: string[] = Object.keys(EARLY_FEATURES).slice(0, 6);
const valLossTrend = T('validation-loss trend over [W/2, W] (decades)');
const normRatio = T('weight-norm change over [0, W] (decades)');
const normProjected = T('weight-norm trend projected to the budget (decades)');
const valLossProjected = T('validation-loss trend projected to the budget (decades)');
const trainLossLevel = T('train loss at W (decades)');
const lossGap = T('validation / train loss at W (decades)');
// Fixed before looking at any score: the spectral set, the two features the previous session tried, the budget-aware
// projections of the same two trends (003: weight decay must carry the norm down far enough WITHIN the budget),
// and the loss-level features.
const SETS: Record<string, string[]> = {
  base: B,
  'base+valLossTrend+normRatio': [...B, valLossTrend, normRatio],
  'base+projections': [...B, normProjected, valLossProjected],
  'base+normRatio+projections': [...B, normRatio, normProjected, valLossProjected],
  'base+levels': [...B, trainLossLevel, lossGap],
  'base+all': Object.keys(EARLY_FEATURES),
  'mechanism only': [T('log10 relative spectral energy'), T('validation accuracy at W'), normRatio, normProjected, valLossProjected],
};

const tasks = [...new Set(rows.map((r) => r.task))];
const result = Object.entries(SETS).map(([name, feats]) => {
  const X = rows.map((r) => feats.map((n) => r.f[n]!));
  const y = rows.map((r) => (r.grokked ? 1 : 0));
  const seeds = [0, 1, 2, 3, 4];
  const cv =
    seeds
      .map((seed) => crossValidate(X, y, Math.min(5, y.filter((v) => v === 1).length, y.filter((v) => v === 0).length), seed).accuracy)
      .reduce((a, b) => a + b, 0) / seeds.length;
  const lot: Record<string, string> = {};
  let lotCorrect = 0;
  for (const t of tasks) {
    const tr = rows.flatMap((r, i) => (r.task !== t ? [i] : []));
    const te = rows.flatMap((r, i) => (r.task === t ? [i] : []));
    if (tasks.length < 2) break;
    const m = fitLogistic(
      tr.map((i) => X[i]!),
      tr.map((i) => y[i]!),
    );
    const p = predictProba(
      m,
      te.map((i) => X[i]!),
    );
    const correct = te.filter((i, j) => (p[j]! >= 0.5 ? 1 : 0) === y[i]).length;
    lotCorrect += correct;
    lot[t] = `${correct}/${te.length}`;
  }
  let onTarget: string | null = null;
  if (target.length) {
    const m = fitLogistic(X, y);
    const p = predictProba(
      m,
      target.map((r) => feats.map((n) => r.f[n]!)),
    );
    onTarget = `${target.filter((r, j) => p[j]! >= 0.5 === r.grokked).length}/${target.length}`;
  }
  return { name, cv, leaveOneTaskOut: lot, lotAccuracy: tasks.length > 1 ? lotCorrect / rows.length : null, onTarget };
});

if (args.includes('--json')) console.log(JSON.stringify({ runs: rows, target, result }, null, 2));
else {
  console.log(
    `${rows.length} runs (${tasks.map((t) => `${t}: ${rows.filter((r) => r.task === t).length}, ${rows.filter((r) => r.task === t && r.grokked).length} grokked`).join('; ')})`,
  );
  for (const r of result) {
    console.log(
      `${r.name.padEnd(30)} 5-fold CV ${(r.cv * 100).toFixed(1)}%  leave-one-task-out ${r.lotAccuracy == null ? '-' : (r.lotAccuracy * 100).toFixed(1) + '%'} ${JSON.stringify(r.leaveOneTaskOut)}${r.onTarget ? `  post hoc on the target: ${r.onTarget}` : ''}`,
    );
  }
}
