// `grokscope analyze` as users run it, on a database seeded with runs whose answers are known: the prediction
// switches from the rule to a calibrated model, the spectral numbers come out, and the power-law fit recovers the
// exponent of exact t4 = a·r^−γ + b data. Bad input exits 2 with a message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { openStore } from '../../src/main/store';
import { seedEarlyRun, tempDir } from '../unit/store-helpers';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'grokscope.js');
const tmp = tempDir('cli-analyze');
afterAll(() => tmp.cleanup());
const DB = tmp.file('a.db');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args, '--db', DB], { cwd: tmp.dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let target = 0;
let short = 0;
let withCheckpoints = 0;
const fitIds: number[] = [];
const GAMMA = 2;
beforeAll(() => {
  const store = openStore(DB);
  target = seedEarlyRun(store, 0.18, null);
  short = seedEarlyRun(store, 0.1, null, 50);
  for (let i = 0; i < 6; i++) seedEarlyRun(store, 0.15 + 0.01 * i, true);
  for (let i = 0; i < 6; i++) seedEarlyRun(store, 0.01 + 0.002 * i, false);
  for (const r of [0.3, 0.4, 0.5, 0.6, 0.8]) {
    fitIds.push(seedEarlyRun(store, 0.1, true, 400, { trainFraction: r, t4: Math.round(1e6 * (100 * r) ** -GAMMA + 500) }));
  }
  fitIds.push(seedEarlyRun(store, 0.1, false, 400, { trainFraction: 0.2 }));
  withCheckpoints = seedEarlyRun(store, 0.1, true);
  for (const step of [10, 20, 40, 80, 160]) {
    const data = Float32Array.from({ length: 12 }, (_, k) => Math.cos(k + step / 50) * (1 + step / 100));
    store.checkpoints.save(
      withCheckpoints,
      { step, params: [{ name: 'w', shape: [12], data }], optimizer: [], rng: [] },
      new Date().toISOString(),
    );
  }
  store.close();
});

describe('grokscope analyze', () => {
  it('predict prints the prediction with the calibrated model and its nested cross-validated accuracy', () => {
    // at a window the shipped model was not fitted at (300): the user's calibrated model
    const r = cli(['analyze', 'predict', '--run', String(target), '--window', '300']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`run ${target}: predicted to grok: yes, p = 0\\.\\d\\d, at step 300`));
    // the calibration runs by task: the seeded runs differ only in training fraction, which is not a different task
    expect(r.stdout).toMatch(
      /calibrated: logistic model on (\d+) finished runs \(a\+b mod \d+: \1\), [1-5] of 5 features chosen by cross-validation, nested cross-validated accuracy \d+%/,
    );
    const j = JSON.parse(cli(['analyze', 'predict', '--run', String(target), '--window', '300', '--json']).stdout);
    expect(j).toMatchObject({ runId: target, method: 'calibrated', willGrok: true, atStep: 300 });
  });

  it("predict at the shipped model's window states the level, the budget, t's interval and the held-out record", () => {
    const r = cli(['analyze', 'predict', '--run', String(target)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/P\(validation accuracy ≥ 99% within [\d,]+ updates\) = [01]\.\d\d/);
    expect(r.stdout).toMatch(
      /shipped model fitted on [\d,]+ corpus runs.*held out of its fit it was right (\d+%|–) of the time when confident/,
    );
  });

  it('spectral prints the energy and the Hjorth parameters', () => {
    const r = cli(['analyze', 'spectral', '--run', String(target), '--window', '256', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.params.window).toBe(256);
    expect(j.signature.energy).toBeGreaterThan(0);
    expect(j.signature.mobility).toBeGreaterThan(0);
  });

  it('fit recovers γ of exact power-law data and names the run that never generalised', () => {
    const r = cli(['analyze', 'fit', '--runs', fitIds.join(','), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.powerLaw.gamma.value).toBeCloseTo(GAMMA, 1);
    expect(j.skipped).toEqual([{ runId: fitIds.at(-1), reason: 'never reached 99% validation accuracy' }]);
    expect(cli(['analyze', 'fit', '--runs', fitIds.join(',')]).stdout).toMatch(/γ = (1\.9|2\.0)\d* \[\d/);
  });

  it('pca prints the explained variance and α, β per checkpoint', () => {
    const r = cli(['analyze', 'pca', '--run', String(withCheckpoints)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PCA of θ_t − θ_T over 5 checkpoints, d = 12/);
    expect(r.stdout).toMatch(/explained variance: \d+\.\d%/);
    const j = JSON.parse(cli(['analyze', 'pca', '--run', String(withCheckpoints), '--json']).stdout);
    expect(j.steps).toEqual([10, 20, 40, 80, 160]);
    expect(j.alpha.at(-1)).toBeCloseTo(0, 6);
  });

  it('exits 2 with a readable message for a run without an early window, a missing run or a bad flag', () => {
    const s = cli(['analyze', 'predict', '--run', String(short)]);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain(`run ${short} has the per-update training loss of 50 updates; the spectral window needs the first 400`);
    expect(cli(['analyze', 'spectral', '--run', '999']).stderr).toContain('no run with id 999');
    expect(cli(['analyze', 'spectral', '--run', String(target), '--cutoff', '2']).stderr).toContain('--cutoff must be a fraction');
    expect(cli(['analyze', 'landscapes', '--run', '1']).stderr).toContain(
      'KIND must be one of spectral, predict, fit, pca, hessian, id, landscape, reduced',
    );
    expect(cli(['analyze', 'pca', '--run', String(short)]).stderr).toMatch(/has 0 checkpoints; trajectory PCA needs at least 3/);
    expect(cli(['analyze', 'fit', '--runs', `${fitIds[0]},${fitIds[1]}`]).stderr).toMatch(
      /needs runs that generalised at 4 or more distinct training fractions; got 2/,
    );
    for (const r of [s]) expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});
