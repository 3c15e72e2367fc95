// The analysis service over a real SQLite store: spectral signature and prediction of stored runs, the calibrated
// model once enough finished runs exist, results kept in the analyses table, and readable errors for runs without
// an early window.
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store';
import { AnalysisInputError, predictRun, spectralOfRun } from '../../src/main/services/run-analysis';
import { seedEarlyRun as addRun, tempDir } from './store-helpers';

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

  it('uses the default rule until enough finished runs exist, then a calibrated model', () => {
    const target = addRun(store, 0.18, null);
    const first = predictRun(store, target);
    expect(first.method).toBe('rule');
    expect(first.note).toMatch(/calibration needs/);
    expect(first.outcome).toBeNull();
    for (let i = 0; i < 6; i++) addRun(store, 0.15 + 0.01 * i, true);
    for (let i = 0; i < 6; i++) addRun(store, 0.01 + 0.002 * i, false);
    const second = predictRun(store, target);
    expect(second).toMatchObject({ method: 'calibrated', willGrok: true, trainedOn: 12, cvAccuracy: 1, atStep: 400 });
    expect(store.analyses.forRun(target).filter((a) => a.kind === 'prediction')).toHaveLength(1); // replaced, not piled up
  });

  it('explains why a run without a full early window cannot be analysed, and names a missing run', () => {
    const short = addRun(store, 0.1, null, 120);
    expect(() => predictRun(store, short)).toThrow(AnalysisInputError);
    expect(() => predictRun(store, short)).toThrow(`run ${short} has the per-update training loss of 120 updates; the spectral window needs the first 400`);
    expect(() => spectralOfRun(store, 9999)).toThrow(/no run with id 9999/);
  });
});
