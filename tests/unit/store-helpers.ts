// Shared by the store tests: a temporary folder per test file, and a minimal valid run config.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunConfigSchema, type ModularTask, type RunConfig } from '../../src/shared/config/run-config';
import { EMPTY_PHASES } from '../../src/shared/analysis/phases';
import { STEP_LOSS_METRIC } from '../../src/shared/analysis/predictor';
import type { MetricRow, Store } from '../../src/main/store';

export function tempDir(prefix: string): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `grokscope-${prefix}-`));
  return { dir, file: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const smallConfig = (over: Partial<{ steps: number; p: number; seed: number; name: string }> = {}): RunConfig =>
  RunConfigSchema.parse({
    ...(over.name ? { name: over.name } : {}),
    seed: over.seed ?? 0,
    task: { kind: 'modular', op: 'add', p: over.p ?? 11, trainFraction: 0.5 },
    model: { kind: 'mlp', embedDim: 8, width: 16, depth: 1 },
    training: { steps: over.steps ?? 100, evalEvery: 10 },
  });

export const OWNER = { host: 'test-host', pid: 1 };

/** A stored run with a per-update loss of `windowLen` updates (a decay with a period-16 oscillation of relative
 *  amplitude `osc`) and accuracies, losses, weight norm and cos(θ, θ_0) every 100 steps; finished (grokked or not)
 *  unless `grokked` is null. */
export function seedEarlyRun(
  store: Store,
  osc: number,
  grokked: boolean | null,
  windowLen = 400,
  over: { trainFraction?: number; weightDecay?: number; t4?: number } = {},
): number {
  const base = smallConfig({ steps: 1000 });
  const config: RunConfig = {
    ...base,
    task: { ...(base.task as ModularTask), trainFraction: over.trainFraction ?? (base.task as ModularTask).trainFraction },
    optimizer: { ...base.optimizer, weightDecay: over.weightDecay ?? base.optimizer.weightDecay },
  };
  const id = store.runs.insert({ name: `osc ${osc}`, config, createdAt: new Date().toISOString(), owner: OWNER });
  const rows: MetricRow[] = [];
  for (let n = 1; n <= windowLen; n++)
    rows.push([STEP_LOSS_METRIC, n, 3 * Math.exp(-n / 400) * (1 + osc * Math.sin((2 * Math.PI * n) / 16 + id))]);
  for (let s = 0; s <= 1000; s += 100) {
    rows.push(['train_acc', s, Math.min(1, s / 300)], ['val_acc', s, grokked && s > 400 ? Math.min(1, s / 900) : 0.05]);
    // the early window (up to update 400) differs between runs only in the loss's oscillation, so predictions follow
    // it; the evaluation metrics the trajectory features read are the same for every seeded run
    rows.push(
      ['train_loss', s, 3.4 * Math.exp(-s / 100)],
      ['val_loss', s, 3.4 + s / 1000],
      ['weight_norm', s, 40 + s / 100],
      ['cos_init', s, 1 - s / 2000],
    );
  }
  store.metrics.insert(id, rows);
  if (grokked !== null) {
    store.runs.setStatus(id, 'completed', { step: 1000, finishedAt: new Date().toISOString() });
    store.runs.setProgress(
      id,
      1000,
      { ...EMPTY_PHASES, t4_99: grokked ? (over.t4 ?? 900) : null },
      { trainLoss: 0, trainAcc: 1, valLoss: 1, valAcc: grokked ? 1 : 0.05 },
    );
  }
  return id;
}
