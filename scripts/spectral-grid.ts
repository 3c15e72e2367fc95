// The spectral signature's grid experiment (000 §3, Fig. 2): modular addition over a small learning-rate × weight-decay grid. For
// each cell: the spectral signature of the per-step training loss over the first W updates, and the final validation
// accuracy; then Spearman's rank correlation between the two over the grid. Prints a table, or JSON with --json.
//
//   npx tsx scripts/spectral-grid.ts [--steps 3000] [--window 400] [--r 0.6] [--json]
import { readFileSync } from 'node:fs';
import { spectralSignature } from '../src/shared/analysis/spectral';
import { spearman } from '../src/shared/analysis/rank-correlation';
import { parseConfigText } from '../src/shared/config/parse';
import type { ModularTask, RunConfig } from '../src/shared/config/run-config';
import { initBackend } from '../src/main/compute/engine/backend';
import { Trainer } from '../src/main/compute/train/trainer';
import { executionSettings } from '../src/main/host/execution-settings';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const STEPS = flag('steps', 3000);
const WINDOW = flag('window', 400);
const R = flag('r', 0.6);
const LRS = [2e-3, 5e-3, 1e-2];
const WDS = [0.1, 0.3, 1, 3];

const base = parseConfigText(readFileSync('examples/grok-fast.json', 'utf8'), 'examples/grok-fast.json');
if (!base.ok) throw new Error(JSON.stringify(base.problems));
const baseConfig = base.config;

interface Cell {
  lr: number;
  weightDecay: number;
  energy: number;
  relativeEnergy: number;
  lowBandEnergy: number;
  mobility: number;
  complexity: number;
  finalValAcc: number;
  t4_99: number | null;
}

async function cell(lr: number, weightDecay: number): Promise<Cell> {
  const config: RunConfig = {
    ...baseConfig,
    task: { ...(baseConfig.task as ModularTask), trainFraction: R },
    optimizer: { ...baseConfig.optimizer, lr, weightDecay },
    training: { ...baseConfig.training, steps: STEPS },
  };
  const t = new Trainer(config, executionSettings());
  const losses: number[] = [];
  let t4: number | null = null;
  let valAcc = 0;
  try {
    while (t.step < STEPS) {
      const { loss } = await t.update(false);
      if (losses.length < WINDOW) losses.push(loss);
      if (t.step % config.training.evalEvery === 0 || t.step === STEPS) {
        const rows = await t.evaluate(null);
        valAcc = rows.find((r) => r[0] === 'val_acc')![2];
        if (t4 === null && valAcc >= 0.99) t4 = t.step;
      }
    }
  } finally {
    t.dispose();
  }
  const sig = spectralSignature(losses, { window: WINDOW });
  const meanSquare = losses.reduce((s, v) => s + v * v, 0);
  return {
    lr,
    weightDecay,
    energy: sig.energy,
    relativeEnergy: sig.energy / meanSquare,
    lowBandEnergy: sig.lowBandEnergy,
    mobility: sig.mobility,
    complexity: sig.complexity,
    finalValAcc: valAcc,
    t4_99: t4,
  };
}

async function main(): Promise<void> {
  await initBackend('wasm');
  const cells: Cell[] = [];
  for (const lr of LRS) {
    for (const wd of WDS) {
      const c = await cell(lr, wd);
      cells.push(c);
      if (!args.includes('--json')) {
        console.error(
          `lr ${lr.toExponential(0)}  wd ${String(wd).padEnd(4)}  energy ${c.energy.toExponential(3)}  rel ${c.relativeEnergy.toExponential(3)}` +
            `  val acc ${(100 * c.finalValAcc).toFixed(1)}%  t4_99 ${c.t4_99 ?? '-'}`,
        );
      }
    }
  }
  const rho = spearman(
    cells.map((c) => c.energy),
    cells.map((c) => c.finalValAcc),
  );
  const rhoRel = spearman(
    cells.map((c) => c.relativeEnergy),
    cells.map((c) => c.finalValAcc),
  );
  const summary = {
    task: `a+b mod 31, r=${R}, MLP of examples/grok-fast.json`,
    steps: STEPS,
    window: WINDOW,
    cells,
    spearmanEnergyVsValAcc: rho,
    spearmanRelativeEnergyVsValAcc: rhoRel,
  };
  if (args.includes('--json')) console.log(JSON.stringify(summary, null, 2));
  else
    console.log(
      `Spearman ρ(energy, final val acc) = ${rho.toFixed(3)}; ρ(relative energy, final val acc) = ${rhoRel.toFixed(3)} over ${cells.length} runs`,
    );
}

void main();
