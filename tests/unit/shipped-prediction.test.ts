// The shipped predictor on stored runs (issue 20): what it answers (level, budget, t's interval, its held-out record),
// an observed level as a certainty, the recalibration on the user's own finished runs, and the sweep policy's
// decisions at its windows: stop when confident, ask again at the next window when not, train on after the last.
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store';
import { predictRun } from '../../src/main/services/run-analysis';
import { SHIPPED } from '../../src/main/services/shipped-prediction';
import { decideAtWindow, verdictOf, windowsFor } from '../../src/main/services/sweep-policy';
import { predictShipped, windowLadder, type ShippedPredictor } from '../../src/shared/analysis/predictor-shipped';
import { earlyRunOf } from '../../src/main/services/early-run';
import { spectralParams } from '../../src/main/services/run-analysis';
import { seedEarlyRun, tempDir } from './store-helpers';

const tmp = tempDir('shipped');
afterAll(() => tmp.cleanup());

/** The shipped model with every window's band set: 0.5 is never confident, 0 always. */
const withBand = (band: number): ShippedPredictor => ({ ...SHIPPED, models: SHIPPED.models.map((m) => ({ ...m, band })) });

describe('the shipped predictor', () => {
  const store = openStore(tmp.file('s.db'));
  afterAll(() => store.close());

  it('ships a model per window with its provenance and held-out record, and asks at the windows shorter than the budget', () => {
    expect(SHIPPED.models.map((m) => m.window)).toEqual([200, 400, 1000, 2000, 4000]);
    expect(SHIPPED.provenance.corpus.runs).toBeGreaterThan(0);
    expect(SHIPPED.provenance.commit).toMatch(/^[0-9a-f]{40}$/);
    for (const m of SHIPPED.models) {
      expect(m.featureNames.at(-1)).toBe('log10(budget / window)');
      expect(m.heldOut.length).toBeGreaterThanOrEqual(2); // leave-one-task-out over the corpus's operations
    }
    expect(windowLadder(SHIPPED, 10_000)).toEqual([200, 400, 1000, 2000, 4000]);
    expect(windowLadder(SHIPPED, 500)).toEqual([200, 400]);
    expect(windowsFor('auto', 150)).toEqual([]);
    expect(windowsFor(300, 1000)).toEqual([300]);
  });

  it('answers P(level within the budget) with the model at the window, its band and the held-out record it was fitted with', () => {
    const id = seedEarlyRun(store, 0.1, null, 400, { weightDecay: 1 });
    const p = predictRun(store, id);
    const model = SHIPPED.models.find((m) => m.window === 400)!;
    expect(p).toMatchObject({ method: 'shipped', atStep: 400, trainedOn: SHIPPED.provenance.corpus.runs });
    const wb = p.withinBudget!;
    expect(wb).toMatchObject({ level: SHIPPED.level, budget: 1000, observed: false, refinedOn: 0 });
    expect(wb.confident).toBe(Math.abs(p.probability - 0.5) >= model.band - 1e-12);
    expect(wb.heldOut.coverage).toBe(model.pooled.coverage);
    // the same answer as the pure function on the same early run: the service adds nothing of its own
    const early = earlyRunOf(store, store.runs.get(id)!, 400);
    if ('reason' in early) throw new Error(early.reason);
    const direct = predictShipped(SHIPPED, model, early, 1000, spectralParams({ window: 400 }));
    expect(p.probability).toBeCloseTo(direct.probability, 12);
    // the interval's points are ordered where they exist
    const { low, median, high } = wb.tLevel;
    if (low !== null && median !== null) expect(low).toBeLessThanOrEqual(median);
    if (median !== null && high !== null) expect(median).toBeLessThanOrEqual(high);
  });

  it('calls a run that reached the level within its window certain, not predicted', () => {
    const id = seedEarlyRun(store, 0.1, null);
    store.metrics.insert(id, [['val_acc', 200, 0.995]]);
    const p = predictRun(store, id, { window: 200 });
    expect(p.probability).toBe(1);
    expect(p.withinBudget).toMatchObject({ observed: true, confident: true });
    expect(verdictOf({ ...p, runId: id, params: spectralParams(), outcome: null })).toBe(
      'reached 99% validation accuracy within its window',
    );
  });

  it("is recalibrated on the user's finished runs once there are enough of both outcomes", () => {
    const s2 = openStore(tmp.file('history.db'));
    try {
      const target = seedEarlyRun(s2, 0.1, null, 400, { weightDecay: 0.3 });
      expect(predictRun(s2, target).withinBudget!.refinedOn).toBe(0);
      // a history whose outcomes say nothing of the shipped model's answer: the same six settings once reaching the
      // level and once not, so the recalibrated model can only learn the base rate, ½
      for (let i = 0; i < 6; i++) seedEarlyRun(s2, 0.1, true, 400, { weightDecay: 0.01 * (i + 1) });
      for (let i = 0; i < 6; i++) seedEarlyRun(s2, 0.1, false, 400, { weightDecay: 0.01 * (i + 1) });
      const after = predictRun(s2, target);
      expect(after.withinBudget!.refinedOn).toBe(12);
      expect(after.probability).toBeCloseTo(0.5, 3);
    } finally {
      s2.close();
    }
  });
});

describe("a predict sweep's decision at a window", () => {
  const store = openStore(tmp.file('policy.db'));
  afterAll(() => store.close());

  it('asks again at the next window when not confident (holding there in predict mode), and trains on after the last', () => {
    const id = seedEarlyRun(store, 0.1, null);
    const never = withBand(0.5);
    const first = decideAtWindow(store, id, 'predict', 200, [200, 400], never);
    expect(first).toMatchObject({ action: 'ask-again', holdAt: 400 });
    expect(decideAtWindow(store, id, 'confirm', 200, [200, 400], never)).toMatchObject({ action: 'ask-again', holdAt: undefined });
    expect(decideAtWindow(store, id, 'predict', 400, [200, 400], never)).toMatchObject({ action: 'go-on' });
  });

  it('stops a confident cell in predict mode with what was predicted, and in confirm mode only when it will not reach the level', () => {
    const id = seedEarlyRun(store, 0.1, null);
    const always = withBand(0);
    const d = decideAtWindow(store, id, 'predict', 200, [200, 400], always);
    expect(d.action).toBe('stop');
    if (d.action !== 'stop') return;
    expect(d.verdict).toMatch(/^predicted (not )?to reach 99% within 1,000 updates \(p = [01]\.\d\d(, t ≈ [\d,]+)?\)$/);
    const confirm = decideAtWindow(store, id, 'confirm', 200, [200, 400], always);
    expect(confirm.action).toBe(d.prediction.willGrok ? 'go-on' : 'stop');
  });

  it('lets a cell without a usable window train on', () => {
    const short = seedEarlyRun(store, 0.1, null, 100);
    expect(decideAtWindow(store, short, 'predict', 200, [200, 400])).toEqual({ action: 'go-on', prediction: null });
  });
});
