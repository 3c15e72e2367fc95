// The analysis service over a real SQLite store: spectral signature and prediction of stored runs, the calibrated
// model once enough finished runs exist, results kept in the analyses table, and readable errors for runs without
// an early window.
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store';
import { ApiError } from '../../src/shared/api/contract';
import { predictRun, spectralOfRun } from '../../src/main/services/run-analysis';
import { seedEarlyRun as addRun, tempDir } from './store-helpers';
import { createBackend } from '../../src/main/services/create-backend';
import { dispatch } from '../../src/shared/api/dispatch';
import { createEventBus } from '../../src/main/services/events';
import { predictEarly } from '../../src/main/services/early-prediction';
import { PREDICTOR_FEATURES } from '../../src/shared/analysis/predictor';

const tmp = tempDir('analysis');
afterAll(() => tmp.cleanup());
describe('run analysis service', () => {
  const store = openStore(tmp.file('a.db'));
  afterAll(() => store.close());

  it('computes and stores the spectral signature of a run', () => {
    const id = addRun(store, 0.1, null);
    const r = spectralOfRun(store, id);
    expect(r.params).toEqual({ window: 400, cutoff: 0.05, bandHigh: 0.2, detrend: true });
    expect(r.signature.window).toBe(400);
    expect(r.signature.energy).toBeGreaterThan(0);
    const saved = store.analyses.latest(id, 'spectral');
    expect(saved?.status).toBe('done');
    expect((saved?.result as { energy: number }).energy).toBeCloseTo(r.signature.energy, 12);
  });

  // the rule and the user's calibrated model answer at windows the shipped model was not fitted at (300 here)
  const W = { window: 300 };

  it('uses the default rule until enough finished runs exist, then a calibrated model', () => {
    const target = addRun(store, 0.18, null);
    const first = predictRun(store, target, W);
    expect(first.method).toBe('rule');
    expect(first.note).toMatch(/calibration needs/);
    expect(first.outcome).toBeNull();
    for (let i = 0; i < 6; i++) addRun(store, 0.15 + 0.01 * i, true);
    for (let i = 0; i < 6; i++) addRun(store, 0.01 + 0.002 * i, false);
    const second = predictRun(store, target, W);
    expect(second).toMatchObject({ method: 'calibrated', willGrok: true, trainedOn: 12, cvAccuracy: 1, cvNested: true, atStep: 300 });
    // what it learnt from, by task: all twelve of the run's own task (the seeded config)
    expect(second.trainedOnTasks).toHaveLength(1);
    expect(second.trainedOnTasks![0]!.runs).toBe(12);
    expect(second.trainedOnTasks![0]!.task).toMatch(/^a\+b mod \d+$/);
    expect(second.ownTaskRuns).toBe(12);
    expect(store.analyses.forRun(target).filter((a) => a.kind === 'prediction')).toHaveLength(1); // replaced, not piled up
  });

  it('reads a prediction stored by an earlier version, and replaces it with the current features when asked again', () => {
    const id = addRun(store, 0.18, null);
    const old = {
      runId: id,
      willGrok: true,
      probability: 0.9,
      method: 'rule',
      features: { 'log10 relative spectral energy': -1.5, 'Hjorth mobility': 0.14 },
    };
    store.analyses.save(id, 'prediction', { window: 300 }, old, new Date().toISOString());
    expect((store.analyses.latest(id, 'prediction')?.result as typeof old).features['Hjorth mobility']).toBe(0.14);
    const now = predictRun(store, id, W);
    expect(Object.keys(now.features)).toEqual([...PREDICTOR_FEATURES]);
    expect(now.features['weight-norm change over [0, W] (decades)']).toBeCloseTo(Math.log10(43 / 40), 12); // seeded norm 40 + s/100
    expect(Object.keys((store.analyses.latest(id, 'prediction')?.result as typeof old).features)).toEqual([...PREDICTOR_FEATURES]);
  });

  it('names the evaluation metrics a run lacks for the trajectory features', () => {
    const id = addRun(store, 0.1, null);
    store.db.prepare("DELETE FROM metrics WHERE run_id = ? AND name IN ('weight_norm', 'val_loss')").run(id);
    expect(() => predictRun(store, id)).toThrow(`run ${id} has no val_loss, weight_norm recorded at updates 0, 200 and 400`);
  });

  it('explains why a run without a full early window cannot be analysed, and names a missing run', () => {
    const short = addRun(store, 0.1, null, 120);
    expect(() => predictRun(store, short)).toThrow(ApiError);
    expect(() => predictRun(store, short)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => predictRun(store, short)).toThrow(
      `run ${short} has the per-update training loss of 120 updates; the spectral window needs the first 400`,
    );
    expect(() => spectralOfRun(store, 9999)).toThrow(/no run with id 9999/);
  });
});

describe('analysis API methods', () => {
  it('answer through dispatch as every transport calls them, with invalid_input and not_found for bad runs', async () => {
    const backend = createBackend({
      dbPath: tmp.file('api.db'),
      launcher: {
        launch: () => {
          throw new Error('no compute here');
        },
      },
      mode: 'browser',
    });
    try {
      const id = addRun(backend.store, 0.2, null);
      const short = addRun(backend.store, 0.2, null, 30);
      const p = await dispatch(backend.handlers, 'analysis.predict', { id, window: 300 });
      expect(p).toMatchObject({ ok: true, result: { runId: id, method: 'rule', willGrok: true, atStep: 300 } });
      const shipped = await dispatch(backend.handlers, 'analysis.predict', { id });
      expect(shipped).toMatchObject({ ok: true, result: { runId: id, method: 'shipped', atStep: 400, withinBudget: { budget: 1000 } } });
      const s = await dispatch(backend.handlers, 'analysis.spectral', { id, window: 200 });
      expect(s).toMatchObject({ ok: true, result: { runId: id, params: { window: 200, cutoff: 0.05 } } });
      expect(await dispatch(backend.handlers, 'analysis.predict', { id: short })).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' },
      });
      expect(await dispatch(backend.handlers, 'analysis.predict', { id: 999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await dispatch(backend.handlers, 'sweeps.get', { id: 999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await dispatch(backend.handlers, 'analysis.spectral', { id, cutoff: 1.5 })).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' },
      });
      // stored probes come back as they were saved, null when never computed
      expect(await dispatch(backend.handlers, 'analysis.stored', { id })).toEqual({ ok: true, result: { hessian: null, id: null } });
      backend.store.analyses.save(id, 'hessian', { steps: [10] }, { runId: id, points: [] }, new Date().toISOString());
      expect(await dispatch(backend.handlers, 'analysis.stored', { id })).toMatchObject({
        ok: true,
        result: { hessian: { runId: id }, id: null },
      });
    } finally {
      await backend.close();
    }
  });
});

describe('early prediction', () => {
  it('predicts once when the window completes, again when the run finishes, and never for a run without a window', () => {
    const store = openStore(tmp.file('early.db'));
    const events = createEventBus();
    const seen: { runId: number; outcome: boolean | null }[] = [];
    events.subscribe((e, p) => {
      if (e === 'run.prediction') seen.push({ runId: (p as { runId: number }).runId, outcome: (p as { outcome: boolean | null }).outcome });
    });
    let flushes = 0;
    const stop = predictEarly(store, events, () => flushes++);
    try {
      const id = addRun(store, 0.2, null);
      const progress = (step: number) =>
        events.emit('run.progress', { runId: id, step, totalSteps: 1000, points: [{ name: 'step_loss', step, value: 1 }] });
      progress(390);
      expect(seen).toEqual([]);
      progress(400);
      progress(410);
      expect(seen).toEqual([{ runId: id, outcome: null }]);
      expect(flushes).toBe(1);
      store.runs.setStatus(id, 'completed', { step: 1000 });
      events.emit('run.status', { runId: id, status: 'completed', error: null, phases: null });
      expect(seen).toHaveLength(2);
      expect(seen[1]!.outcome).toBe(false); // t4_99 never set for this run
      const short = addRun(store, 0.2, null, 30);
      events.emit('run.status', { runId: short, status: 'completed', error: null, phases: null });
      expect(seen).toHaveLength(2);
    } finally {
      stop();
      store.close();
    }
  });
});
