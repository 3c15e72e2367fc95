// Benchmark of issue 6 (not a test): a learning-rate × weight-decay grid of modular addition run twice, once in
// `predict` mode (every cell trained for the predictor window, then stopped with its prediction) and once in `full`
// mode (every cell to its budget). Reports the compute of each (updates trained, wall time) and how often the
// predicted phase diagram agrees with the full one (grokked = validation accuracy reached 99%).
//
//   npx tsx scripts/bench-sweep.ts [--steps 4000] [--window 400] [--workers 2] [--json]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfigText } from '../src/shared/config/parse';
import { expandSweep, SweepConfigSchema, type SweepMode } from '../src/shared/config/sweep-config';
import type { SweepView } from '../src/shared/api/types';
import { createChildLauncher } from '../src/main/host/child-launcher';
import { createBackend } from '../src/main/services/create-backend';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const STEPS = flag('steps', 4000);
const WINDOW = flag('window', 400);
const WORKERS = flag('workers', 2);

const base = parseConfigText(readFileSync('examples/grok-fast.json', 'utf8'), 'examples/grok-fast.json');
if (!base.ok) throw new Error(JSON.stringify(base.problems));
const sweep = SweepConfigSchema.parse({
  name: 'bench lr x wd',
  base: { ...base.config, name: undefined, training: { ...base.config.training, steps: STEPS } },
  axes: [
    { path: 'optimizer.lr', logspace: { from: 1e-3, to: 1e-2, count: 4 } },
    { path: 'optimizer.weightDecay', values: [0.1, 0.3, 1, 3] },
  ],
  policy: { window: WINDOW },
});
const cells = expandSweep(sweep);
if (!cells.ok) throw new Error(JSON.stringify(cells.problems));

async function runSweep(mode: SweepMode): Promise<{ view: SweepView; wallS: number; updates: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), `grokscope-bench-sweep-${mode}-`));
  const backend = createBackend({ dbPath: path.join(dir, 'bench.db'), launcher: createChildLauncher(), maxConcurrent: WORKERS });
  try {
    const t0 = performance.now();
    const { id } = backend.sweeps.start(sweep, cells.ok ? cells.cells : [], mode);
    while (backend.store.sweeps.get(id)!.status !== 'completed') await new Promise((r) => setTimeout(r, 500));
    const wallS = (performance.now() - t0) / 1000;
    const view = backend.sweeps.view(id);
    const updates = view.cells.flatMap((c) => c.runs).reduce((n, r) => n + r.step, 0);
    return { view, wallS, updates };
  } finally {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const predict = await runSweep('predict');
  console.error(`predict: ${predict.updates} updates in ${predict.wallS.toFixed(0)} s`);
  const full = await runSweep('full');
  console.error(`full: ${full.updates} updates in ${full.wallS.toFixed(0)} s`);
  const grid = full.view.cells.map((c) => {
    const f = c.runs[0]!;
    const p = predict.view.cells.find((x) => x.index.join() === c.index.join())!.runs[0]!;
    // grokked in the full run: reached 99% validation accuracy (the predictor's label); valAcc is the final value
    const grokked = (f.valAcc ?? 0) >= 0.99;
    const predicted = (p.predicted ?? 0) >= 0.5;
    return { coords: c.coords, grokked, predicted, probability: p.predicted, finalValAcc: f.valAcc };
  });
  const agree = grid.filter((g) => g.grokked === g.predicted).length;
  const result = {
    grid: `${sweep.axes.map((a) => a.path).join(' × ')} (4 × 4), a+b mod 31, r = 0.6, MLP of examples/grok-fast.json`,
    steps: STEPS,
    window: WINDOW,
    workers: WORKERS,
    predict: { updates: predict.updates, wallS: predict.wallS },
    full: { updates: full.updates, wallS: full.wallS },
    computeRatio: full.updates / predict.updates,
    wallRatio: full.wallS / predict.wallS,
    agreement: agree / grid.length,
    cells: grid,
  };
  if (args.includes('--json')) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`compute: full ${full.updates} updates vs predict ${predict.updates} (${result.computeRatio.toFixed(1)}× less); wall ${full.wallS.toFixed(0)} s vs ${predict.wallS.toFixed(0)} s`);
    console.log(`agreement of the predicted phase diagram with the full one: ${agree}/${grid.length} cells`);
  }
}

void main();
