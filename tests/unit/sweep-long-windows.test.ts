// Windows past the per-update loss the loop records (STEP_LOSS_UPDATES), and a predict sweep's cell that trains on
// without a confident answer (issue 20): the early run reads the loss that is recorded and the evaluations up to W; a
// sweep decides at such a window on an evaluation, and stops a trained-on cell once it reaches the level (observed).
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/main/store';
import { earlyRunOf, shippedEarlyRunOf } from '../../src/main/services/early-run';
import { createEventBus } from '../../src/main/services/events';
import { SweepService, type SweepExecutor } from '../../src/main/services/sweeps';
import { SHIPPED } from '../../src/main/services/shipped-prediction';
import { STEP_LOSS_METRIC, STEP_LOSS_UPDATES } from '../../src/shared/analysis/predictor';
import type { ShippedPredictor } from '../../src/shared/analysis/predictor-shipped';
import { SweepConfigSchema, expandSweep } from '../../src/shared/config/sweep-config';
import type { MetricRow } from '../../src/main/store/metrics-repo';
import { OWNER, smallConfig, tempDir } from './store-helpers';

const tmp = tempDir('long-windows');
afterAll(() => tmp.cleanup());

/** The per-update loss of the recorded updates and every metric the early features read, evaluated every 100 up to `evalTo`. */
function seedMetrics(store: Store, id: number, evalTo: number, valAcc: (s: number) => number): void {
  const rows: MetricRow[] = [];
  for (let n = 1; n <= STEP_LOSS_UPDATES; n++) rows.push([STEP_LOSS_METRIC, n, 3 * Math.exp(-n / 400) * (1 + 0.1 * Math.sin(n / 3))]);
  for (let s = 0; s <= evalTo; s += 100)
    rows.push(
      ['train_acc', s, Math.min(1, s / 300)],
      ['val_acc', s, valAcc(s)],
      ['train_loss', s, 3.4 * Math.exp(-s / 100)],
      ['val_loss', s, 3.4 + s / 1000],
      ['weight_norm', s, 40 - s / 1000],
      ['cos_init', s, 1 - s / 20000],
    );
  store.metrics.insert(id, rows);
}

describe('an early window longer than the recorded per-update loss', () => {
  const store = openStore(tmp.file('early.db'));
  afterAll(() => store.close());
  const id = store.runs.insert({ name: 'long', config: smallConfig({ steps: 10_000 }), createdAt: new Date().toISOString(), owner: OWNER });
  seedMetrics(store, id, 2500, (s) => s / 10_000);
  const run = store.runs.get(id)!;

  it('reads the recorded loss for the spectral part and the evaluations up to W for the rest', () => {
    const early = shippedEarlyRunOf(store, run, 2000);
    if ('reason' in early) throw new Error(early.reason);
    expect(early.stepLoss).toHaveLength(STEP_LOSS_UPDATES);
    expect(early.valAccAtW).toBeCloseTo(0.2, 12);
    expect(early.trajectory.weightNorm).toEqual([40, 39, 38]);
    expect(early.budget).toBe(10_000);
  });

  it('refuses a window the run has not been evaluated at or beyond, and a spectral window longer than the loss', () => {
    expect(shippedEarlyRunOf(store, run, 4000)).toEqual({ reason: `run ${id} has no evaluation at or after update 4000` });
    const spectral = earlyRunOf(store, run, 2000);
    expect('reason' in spectral && spectral.reason).toMatch(
      /per-update training loss of 1000 updates; the spectral window needs the first 2000/,
    );
  });
});

/** The shipped model with every band at 1/2 (never confident, so every cell trains on after its last window), with
 *  a window past the recorded loss (its last model's copy at 2000, if it has none). */
const last = SHIPPED.models.at(-1)!;
const models = last.window > STEP_LOSS_UPDATES ? SHIPPED.models : [...SHIPPED.models, { ...last, window: 2000 }];
const neverConfident: ShippedPredictor = { ...SHIPPED, models: models.map((m) => ({ ...m, band: 0.5 })) };

/** A predict sweep of one cell (10,000 updates) and its expanded grid. */
function oneCellPredictSweep(name: string) {
  const config = SweepConfigSchema.parse({
    name,
    base: smallConfig({ steps: 10_000 }),
    axes: [{ path: 'optimizer.lr', values: [1e-3] }],
    policy: { mode: 'predict' },
  });
  const grid = expandSweep(config);
  if (!grid.ok) throw new Error(JSON.stringify(grid.problems));
  return { config, grid };
}

describe('a predict sweep cell with no confident answer', () => {
  it('asks at each window, trains on after the last, and stops once an evaluation shows it at the level', async () => {
    const store = openStore(tmp.file('sweep.db'));
    const calls: string[] = [];
    const stops: string[] = [];
    const executor: SweepExecutor = {
      submit: (id, holdAt) => calls.push(`submit ${id} ${holdAt}`),
      stop: async (id, note) => {
        calls.push(`stop ${id}`);
        stops.push(note);
      },
      continue: async (id, holdAt) => void calls.push(`continue ${id} ${holdAt}`),
      restart: (id) => calls.push(`restart ${id}`),
    };
    const events = createEventBus();
    const sweeps = new SweepService(store, events, executor, () => undefined, OWNER, neverConfident);
    try {
      const { config, grid } = oneCellPredictSweep('trained on');
      const { runIds } = sweeps.start(config, grid.cells);
      const id = runIds[0]!;
      const windows = models.map((m) => m.window).filter((w) => w < 10_000);
      expect(windows.at(-1)).toBeGreaterThan(STEP_LOSS_UPDATES);
      expect(calls).toEqual([`submit ${id} ${windows[0]}`]);
      seedMetrics(store, id, 9000, (s) => (s < 8000 ? 0.05 : 0.995));
      const progress = (points: { name: string; step: number; value: number }[]) =>
        events.emit('run.progress', { runId: id, step: Math.max(...points.map((p) => p.step)), totalSteps: 10_000, points });
      for (const w of windows)
        // a window within the recorded loss ends with a per-update loss; one past it with an evaluation
        progress([w <= STEP_LOSS_UPDATES ? { name: STEP_LOSS_METRIC, step: w, value: 1 } : { name: 'val_acc', step: w, value: 0.05 }]);
      const asked = windows.slice(1).map((w) => `continue ${id} ${w}`);
      expect(calls.slice(1)).toEqual([...asked, `continue ${id} undefined`]);
      progress([{ name: 'val_acc', step: 7900, value: 0.6 }]);
      expect(stops).toEqual([]);
      progress([{ name: 'val_acc', step: 8000, value: 0.995 }]);
      expect(stops).toHaveLength(1);
      expect(stops[0]).toBe(
        `stopped by sweep 1 at update 8,000: reached 99% validation accuracy (observed, not predicted); resume to train to the full budget`,
      );
      progress([{ name: 'val_acc', step: 8100, value: 0.996 }]);
      expect(stops).toHaveLength(1); // stopped once
    } finally {
      sweeps.dispose();
      store.close();
    }
  });

  it('after its back end died, a resumed sweep asks again at the latest window reached and stops the cell at the level', async () => {
    const store = openStore(tmp.file('resumed.db'));
    const stops: string[] = [];
    const noop = async () => undefined;
    const executor: SweepExecutor = {
      submit: () => undefined,
      stop: async (_id, note) => void stops.push(note),
      continue: noop,
      restart: () => undefined,
    };
    const { config, grid } = oneCellPredictSweep('resumed');
    const first = new SweepService(store, createEventBus(), executor, () => undefined, OWNER, neverConfident);
    const { id: sweepId, runIds } = first.start(config, grid.cells);
    const id = runIds[0]!;
    seedMetrics(store, id, 9000, (s) => (s < 8000 ? 0.05 : 0.995));
    first.dispose(); // the back end died with the cell past its last window: a new one knows nothing of its decisions
    store.runs.setStatus(id, 'interrupted', { error: 'interrupted: its Grokscope process is gone' });
    const events = createEventBus();
    const second = new SweepService(store, events, executor, () => undefined, OWNER, neverConfident);
    try {
      await second.resume(sweepId);
      const progress = (step: number, value: number) =>
        events.emit('run.progress', { runId: id, step, totalSteps: 10_000, points: [{ name: 'val_acc', step, value }] });
      progress(7500, 0.05); // asked once, at the latest window (not the first): still not confident, it trains on
      expect(stops).toEqual([]);
      const lastWindow = Math.max(...models.map((m) => m.window).filter((w) => w < 10_000));
      expect((store.analyses.latest(id, 'prediction')?.result as { atStep: number }).atStep).toBe(lastWindow);
      progress(8000, 0.995);
      expect(stops).toEqual([
        `stopped by sweep ${sweepId} at update 8,000: reached 99% validation accuracy (observed, not predicted); resume to train to the full budget`,
      ]);
    } finally {
      second.dispose();
      store.close();
    }
  });
});
