// Sweep benchmark (not a test): a 4 × 4 learning-rate × weight-decay grid of modular addition run twice, once in
// `predict` mode (every cell trained for the predictor's window, then stopped with its prediction) and once in `full`
// mode (every cell to its budget). Reports the compute of each (updates trained, wall time) and how often the
// predicted phase diagram agrees with the full one. "Grokked" is the predictor's own label: validation accuracy
// reached 99% within the budget (phase t4_99).
//
// The predictor is the app's: with too few finished runs in the database it uses the default rule; otherwise a
// logistic model calibrated on them. A fresh database has no history, so `--history OP` first runs the same grid to
// its full budget on a DIFFERENT task (a OP b mod p, e.g. `sub`), as a researcher's earlier sweep, into the database
// the predict sweep then uses. That history is reported apart: it is not part of the predicted sweep's compute, and
// the test grid never sees its own outcomes. Agreement is reported for both the default rule and the calibrated model.
//
// `--keep DIR` keeps the two databases (DIR/full.db, DIR/predict.db); `--full-db FILE` reads the full grid from such a
// database (a completed full sweep of the same grid) instead of training it again. The expensive grids can be trained
// apart beforehand, in parallel processes: `--only full` trains the full grid into DIR/full.db, `--only history`
// trains the history grid(s) into DIR/history.db; `--history-db FILE[,FILE...]` then starts the predict database as a
// copy of the first FILE, with the runs of the others imported, instead of training the history again. `--history` takes a comma-separated list of ops (`sub,mul`).
//
//   npx tsx scripts/bench-sweep.ts [--steps 5000] [--window 400] [--workers 2] [--history sub|none] [--keep DIR]
//                                  [--full-db FILE] [--history-db FILE[,FILE]] [--only full|history] [--json]
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfigText } from '../src/shared/config/parse';
import { expandSweep, SweepConfigSchema, type SweepConfig, type SweepMode } from '../src/shared/config/sweep-config';
import { PREDICTOR_FEATURES, ruleProbability } from '../src/shared/analysis/predictor';
import type { PredictionView, SweepView } from '../src/shared/api/types';
import { createChildLauncher } from '../src/main/host/child-launcher';
import { createBackend, type LocalBackend as Backend } from '../src/main/services/create-backend';
import { openStore, type Store } from '../src/main/store';
import { importRuns } from '../src/main/store/backup';
import { scriptOption } from './script-options';

const args = process.argv.slice(2);
const option = scriptOption(args);
const STEPS = Number(option('steps', '5000'));
const WINDOW = Number(option('window', '400'));
const WORKERS = Number(option('workers', '2'));
const HISTORY = option('history', 'sub');
const KEEP = option('keep', '');
const FULL_DB = option('full-db', '');
const HISTORY_DB = option('history-db', '');
const ONLY = option('only', '');
if (ONLY && !['full', 'history'].includes(ONLY)) throw new Error(`--only: expected full or history, got "${ONLY}"`);
if (ONLY && !KEEP) throw new Error(`--only ${ONLY} needs --keep DIR, where the trained database stays`);
const HISTORY_OPS = HISTORY === 'none' ? [] : HISTORY.split(',');

const base = parseConfigText(readFileSync('examples/grok-fast.json', 'utf8'), 'examples/grok-fast.json');
if (!base.ok) throw new Error(JSON.stringify(base.problems));
const baseConfig = base.config;

function gridOf(op: string): SweepConfig {
  return SweepConfigSchema.parse({
    name: `bench lr x wd, a ${op} b mod 31`,
    base: {
      ...baseConfig,
      name: undefined,
      task: { ...baseConfig.task, op },
      training: { ...baseConfig.training, steps: STEPS },
    },
    axes: [
      { path: 'optimizer.lr', logspace: { from: 1e-3, to: 1e-2, count: 4 } },
      { path: 'optimizer.weightDecay', values: [0.1, 0.3, 1, 3] },
    ],
    policy: { window: WINDOW },
  });
}

interface SweepResult {
  view: SweepView;
  wallS: number;
  updates: number;
}

async function runSweep(backend: Backend, sweep: SweepConfig, mode: SweepMode): Promise<SweepResult> {
  const cells = expandSweep(sweep);
  if (!cells.ok) throw new Error(JSON.stringify(cells.problems));
  const t0 = performance.now();
  const { id } = backend.sweeps.start(sweep, cells.cells, mode);
  while (backend.store.sweeps.get(id)!.status !== 'completed') await new Promise((r) => setTimeout(r, 500));
  const wallS = (performance.now() - t0) / 1000;
  const view = backend.sweeps.view(id);
  const updates = view.cells.flatMap((c) => c.runs).reduce((n, r) => n + r.step, 0);
  console.error(`${sweep.name}, ${mode}: ${updates} updates in ${wallS.toFixed(0)} s`);
  return { view, wallS, updates };
}

/** The predict database as a copy of the first --history-db file, with the runs of the others imported into it. */
function startFromHistory(file: string): void {
  const [first, ...rest] = HISTORY_DB.split(',');
  for (const f of [first!, ...rest]) if (!existsSync(f)) throw new Error(`--history-db: no file ${f}`);
  if (existsSync(file)) throw new Error(`${file} exists already: a predict database is started afresh`);
  copyFileSync(first!, file);
  if (existsSync(`${first}-wal`)) copyFileSync(`${first}-wal`, `${file}-wal`);
  const store = openStore(file);
  try {
    for (const f of rest) importRuns(store.db, f);
  } finally {
    store.close();
  }
}

async function withBackend<T>(name: string, body: (b: Backend) => Promise<T>): Promise<T> {
  if (KEEP) mkdirSync(KEEP, { recursive: true });
  const dir = KEEP || mkdtempSync(path.join(tmpdir(), `grokscope-bench-sweep-${name}-`));
  if (name === 'predict' && HISTORY_DB) startFromHistory(path.join(dir, `${name}.db`));
  const backend = createBackend({ dbPath: path.join(dir, `${name}.db`), launcher: createChildLauncher(), maxConcurrent: WORKERS });
  try {
    return await body(backend);
  } finally {
    await backend.close();
    if (!KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

/** A cell's key: its coordinates read from the run's own config, so live and stored grids line up. */
const cellKey = (store: Store, runId: number): string => {
  const c = store.runs.get(runId)!.config;
  return `${c.optimizer.lr}|${c.optimizer.weightDecay}`;
};

interface Truth {
  grokked: boolean;
  finalValAcc: number | null;
  t4_99: number | null;
}

/** The outcome of every run of a completed full sweep: reached 99% validation accuracy (t4_99) within the budget. */
function truthOf(store: Store, sweepId: number): Map<string, Truth> {
  return new Map(
    store.sweeps.runIds(sweepId).map((id) => {
      const run = store.runs.get(id)!;
      const t4_99 = run.phases?.t4_99 ?? null;
      return [cellKey(store, id), { grokked: t4_99 != null, finalValAcc: run.final?.valAcc ?? null, t4_99 }];
    }),
  );
}

/** The full grid read from a kept database: its completed full sweep of the same name and budget. */
function storedFull(file: string, sweep: SweepConfig): { truth: Map<string, Truth>; updates: number; wallS: number } {
  const store = openStore(file);
  try {
    const row = store.sweeps
      .list()
      .find(
        (s) =>
          s.name === sweep.name &&
          s.status === 'completed' &&
          (s.config.base as { training?: { steps?: number } }).training?.steps === STEPS,
      );
    if (!row) throw new Error(`${file}: no completed sweep "${sweep.name}" of ${STEPS} steps`);
    const runs = store.sweeps.runIds(row.id).map((id) => store.runs.get(id)!);
    const wallS = (Date.parse(row.finishedAt!) - Date.parse(row.createdAt)) / 1000;
    return { truth: truthOf(store, row.id), updates: runs.reduce((n, r) => n + r.step, 0), wallS };
  } finally {
    store.close();
  }
}

const grokkedIn = (backend: Backend, runId: number): boolean => backend.store.runs.get(runId)?.phases?.t4_99 != null;

/** Trains the history grids to their full budget, one after another; null when there are none. */
async function runHistory(b: Backend): Promise<{ updates: number; wallS: number; grokked: number } | null> {
  if (!HISTORY_OPS.length) return null;
  let updates = 0;
  let wallS = 0;
  let grokked = 0;
  for (const op of HISTORY_OPS) {
    const r = await runSweep(b, gridOf(op), 'full');
    updates += r.updates;
    wallS += r.wallS;
    grokked += r.view.cells.filter((c) => grokkedIn(b, c.runs[0]!.id)).length;
  }
  return { updates, wallS, grokked };
}

async function main(): Promise<void> {
  const test = gridOf('add');
  if (ONLY === 'full') {
    await withBackend('full', (b) => runSweep(b, test, 'full'));
    return;
  }
  if (ONLY === 'history') {
    await withBackend('history', runHistory);
    return;
  }
  const predicted = await withBackend('predict', async (b) => {
    const history = HISTORY_DB ? null : await runHistory(b);
    const historyGrokked = history?.grokked ?? 0;
    const r = await runSweep(b, test, 'predict');
    const predictions = r.view.cells.map((c) => ({
      key: cellKey(b.store, c.runs[0]!.id),
      coords: c.coords,
      prediction: b.store.analyses.latest(c.runs[0]!.id, 'prediction')?.result as PredictionView,
    }));
    return { ...r, history, historyGrokked, predictions };
  });

  // the full grid: the truth, and the compute a brute-force phase diagram costs; read last: a kept full grid may still be training in another process while this one predicts
  const full = FULL_DB
    ? storedFull(FULL_DB, test)
    : await withBackend('full', async (b) => {
        const r = await runSweep(b, test, 'full');
        return { updates: r.updates, wallS: r.wallS, truth: truthOf(b.store, r.view.id) };
      });
  const cells = predicted.predictions.map(({ key, coords, prediction: p }) => {
    const truth = full.truth.get(key);
    if (!truth) throw new Error(`the full grid has no cell ${key}`);
    const rule = ruleProbability(PREDICTOR_FEATURES.map((n) => p.features[n]!));
    return {
      coords,
      ...truth,
      predicted: p.willGrok,
      probability: p.probability,
      method: p.method,
      ruleSays: rule >= 0.5,
      features: p.features,
    };
  });
  const agreement = cells.filter((c) => c.grokked === c.predicted).length / cells.length;
  const ruleAgreement = cells.filter((c) => c.grokked === c.ruleSays).length / cells.length;
  const first = predicted.predictions[0]!.prediction;
  const result = {
    grid: `optimizer.lr (logspace 1e-3..1e-2) × optimizer.weightDecay (0.1, 0.3, 1, 3), a+b mod 31, r = 0.6, MLP of examples/grok-fast.json`,
    steps: STEPS,
    window: WINDOW,
    workers: WORKERS,
    predictor: { method: first.method, trainedOn: first.trainedOn, cvAccuracy: first.cvAccuracy, note: first.note },
    history: predicted.history
      ? {
          task: HISTORY_OPS.map((op) => `a ${op} b mod 31`).join(', '),
          updates: predicted.history.updates,
          wallS: predicted.history.wallS,
          grokked: predicted.historyGrokked,
        }
      : null,
    historyDb: HISTORY_DB || null,
    predict: { updates: predicted.updates, wallS: predicted.wallS },
    full: { updates: full.updates, wallS: full.wallS, grokked: cells.filter((c) => c.grokked).length },
    computeRatio: full.updates / predicted.updates,
    wallRatio: full.wallS / predicted.wallS,
    agreement,
    ruleAgreement,
    cells,
  };
  if (args.includes('--json')) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(
      `compute: full ${full.updates} updates vs predict ${predicted.updates} (${result.computeRatio.toFixed(1)}× less); wall ${full.wallS.toFixed(0)} s vs ${predicted.wallS.toFixed(0)} s`,
    );
    console.log(
      `predictor: ${first.method}${first.method === 'calibrated' ? ` on ${first.trainedOn} runs of ${HISTORY_DB || HISTORY_OPS.map((op) => `a ${op} b`).join(', ')} (CV ${((first.cvAccuracy ?? 0) * 100).toFixed(0)}%)` : ''}`,
    );
    console.log(
      `agreement with the full phase diagram: ${(agreement * 100).toFixed(0)}% (default rule: ${(ruleAgreement * 100).toFixed(0)}%)`,
    );
    for (const c of cells) {
      console.log(
        `  lr ${Number(c.coords['optimizer.lr']).toPrecision(3)} wd ${c.coords['optimizer.weightDecay']}: grokked ${c.grokked ? 'yes' : 'no '} (val ${((c.finalValAcc ?? 0) * 100).toFixed(1)}%), predicted ${c.predicted ? 'yes' : 'no '} p=${c.probability.toFixed(2)}, rule ${c.ruleSays ? 'yes' : 'no'}`,
      );
    }
  }
}

void main();
