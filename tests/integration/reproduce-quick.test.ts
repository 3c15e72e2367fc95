// `grokscope reproduce NAME --quick` as users run it, one per reproduction, each asserting the paper's effect from
// its JSON outcome (not only that it ran): 000-pca ≥ 90% of the trajectory's variance in 2 PCs, nanda-2023 t4/t2 ≥ 10,
// 000-t4-powerlaw γ > 0 with its 95% interval above 0, 004-encodings both encodings grok with a transformer over
// seeds, 003-lu the U and the L by 003 Eq. 1, 003-teacher-student t ∝ γ^−1 within 0.25 of the exponent, 003-mnist a
// rise of ≥ 20 points after memorising, 000-hessian λmin < 0 at a slingshot (the last four about 50 s, 70 s, 40 s and
// 165 s), 000-fig2 ρ(early energy, final validation accuracy) > 0 over a 3 × 3 lr × wd grid (55 s), 000-stopping the
// A.2 rule saving ≥ 25% of the updates (79 s), 004-optimisers AdamW generalising the most of 004 §4.3's eight
// variants, ≥ 10 points above the best without weight decay (52-65 s), 003-constant-norm the lag from train to test
// accuracy (95%) at constant norm, α = 0.8, ≤ 1/4 of normal training's (46-117 s). Measured on the shared 2-core
// machine under load (load average 10+): the first four took 15 s, 73 s, 144 s and 149 s; the transformer
// reproductions and the 10-run sweep are over the minute a quick reproduction aims at. 003-representation asserts the
// part of 003 §5.1 seen at quick size (R frozen: |Δ test loss| ≥ 5× |Δ training loss| between m = 0 and 1) and its fail
// on the grokking part (40-90 s).
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { ReproOutcome } from '../../src/main/reproductions/types';
import { tempDir } from './backend-helpers';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'grokscope.js');
const tmp = tempDir('reproduce');
afterAll(() => tmp.cleanup());

const reproduce = (name: string): { code: number | null; outcome: ReproOutcome; stderr: string } => {
  const r = spawnSync(process.execPath, [BIN, 'reproduce', name, '--quick', '--json', '--db', tmp.file(`${name}.db`)], {
    cwd: tmp.dir,
    encoding: 'utf8',
    timeout: 500_000,
  });
  if (!r.stdout) throw new Error(`no outcome (exit ${r.status}): ${r.stderr}`);
  return { code: r.status, outcome: JSON.parse(r.stdout) as ReproOutcome, stderr: r.stderr };
};
const measure = (o: ReproOutcome, name: string): number | null => {
  const m = o.measures.find((x) => x.name === name);
  if (!m) throw new Error(`no measure "${name}" in ${o.measures.map((x) => x.name).join(', ')}`);
  return m.value;
};

describe('grokscope reproduce --quick', () => {
  it('--list names every reproduction with its criterion; an unknown name is exit 2', () => {
    const l = spawnSync(process.execPath, [BIN, 'reproduce', '--list', '--json'], { encoding: 'utf8' });
    expect(l.status).toBe(0);
    const names = (JSON.parse(l.stdout) as { name: string; criterion: { full: string } }[]).map((x) => x.name);
    expect(names).toEqual(expect.arrayContaining(['000-pca', 'nanda-2023', '000-t4-powerlaw', '004-encodings', '004-optimisers']));
    const bad = spawnSync(process.execPath, [BIN, 'reproduce', 'no-such'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('no reproduction named "no-such"');
  });

  it('000-pca: at least 90% of the trajectory variance in the first two principal components', () => {
    const { code, outcome } = reproduce('000-pca');
    expect(outcome).toMatchObject({ name: '000-pca', quick: true, passed: true });
    expect(code).toBe(0);
    expect(measure(outcome, 'PC1 + PC2 share')).toBeGreaterThanOrEqual(0.9);
    expect(outcome.runIds).toHaveLength(1);
  }, 300_000);

  it('nanda-2023: memorises early and generalises an order of magnitude later (t4/t2 ≥ 10)', () => {
    const { code, outcome } = reproduce('nanda-2023');
    expect(outcome.passed).toBe(true);
    expect(code).toBe(0);
    expect(measure(outcome, 't4/t2')).toBeGreaterThanOrEqual(10);
    expect(measure(outcome, 'final validation accuracy')).toBeGreaterThanOrEqual(0.99);
  }, 400_000);

  it('000-t4-powerlaw: t4 falls with r as a power law, γ > 0 with its 95% interval excluding 0', () => {
    const { code, outcome } = reproduce('000-t4-powerlaw');
    expect(outcome.passed).toBe(true);
    expect(code).toBe(0);
    expect(measure(outcome, 'γ')).toBeGreaterThan(0);
    expect(measure(outcome, 'γ 95% lower')).toBeGreaterThan(0);
    expect(outcome.sweepId).not.toBeNull();
    expect(measure(outcome, 'runs fitted')).toBeGreaterThanOrEqual(8);
  }, 500_000);

  it('004-encodings: a transformer groks in both encodings, every seed (t4/t2 ≥ 5)', () => {
    const { code, outcome } = reproduce('004-encodings');
    expect(outcome.passed).toBe(true);
    expect(code).toBe(0);
    for (const enc of ['three-token', 'power']) expect(measure(outcome, `${enc} r=0.7: seeds reaching 99%`)).toBe(2);
    expect(outcome.runIds).toHaveLength(4);
  }, 500_000);

  it('003-lu: by 003 Eq. 1 the reduced test loss is U-shaped (minimum at α = 1) and the training loss L-shaped', () => {
    const { code, outcome } = reproduce('003-lu');
    expect(outcome.passed).toBe(true);
    expect(code).toBe(0);
    expect(measure(outcome, 'α at the test-loss minimum (Eq. 1)')).toBe(1);
    expect(measure(outcome, 'test loss at the smallest α / minimum')).toBeGreaterThanOrEqual(10);
    expect(measure(outcome, 'test loss at the largest α / minimum')).toBeGreaterThanOrEqual(10);
  }, 400_000);

  it('003-teacher-student: time to 95% test accuracy falls as 1/weight decay (slope within 0.25 of −1, interval below 0)', () => {
    const { code, outcome } = reproduce('003-teacher-student');
    expect(outcome.passed).toBe(true);
    expect(code).toBe(0);
    expect(measure(outcome, 'slope 95% upper')).toBeLessThan(0);
    expect(Math.abs(measure(outcome, 'slope of log10 t vs log10 γ')! + 1)).toBeLessThanOrEqual(0.25);
  }, 400_000);

  it('003-mnist: fits the training images first, test accuracy rises ≥ 20 points afterwards', () => {
    const { code, outcome } = reproduce('003-mnist');
    expect(outcome.passed).toBe(true);
    expect(code).toBe(0);
    expect(measure(outcome, 'test accuracy at t2')).toBeLessThan(0.5);
    expect(measure(outcome, 'rise after t2')).toBeGreaterThanOrEqual(0.2);
  }, 300_000);

  it('000-hessian: λmin turns negative at a slingshot, ≥ 100× the |λmin| elsewhere after memorising', () => {
    const { code, outcome } = reproduce('000-hessian');
    expect(outcome.passed).toBe(true);
    expect(code).toBe(0);
    expect(measure(outcome, 'slingshots after t2')).toBeGreaterThanOrEqual(1);
    expect(measure(outcome, 'λmin at the slingshot')).toBeLessThan(0);
  }, 500_000);

  it('000-fig2: early spectral energy ranks with final validation accuracy over lr × wd (ρ > 0), with its figure', () => {
    const { code, outcome } = reproduce('000-fig2');
    expect(outcome.passed).toBe(true);
    expect(code).toBe(0);
    expect(measure(outcome, 'cells')).toBe(9);
    expect(measure(outcome, 'Spearman ρ (energy, final val acc)')).toBeGreaterThan(0);
    expect(outcome.figure?.series.flatMap((s) => s.points)).toHaveLength(9);
  }, 300_000);

  it('000-stopping: the A.2 rule (stop at t4(r) + ε if not generalised) saves ≥ 25% of the budget, its losses counted', () => {
    const { code, outcome } = reproduce('000-stopping');
    expect(outcome.passed).toBe(true);
    expect(code).toBe(0);
    expect(measure(outcome, 'γ of t4(r)')).toBeGreaterThan(0);
    expect(measure(outcome, 'compute saved')).toBeGreaterThanOrEqual(0.25);
    const lost = measure(outcome, 'cells lost (stopped, generalised later)')!;
    expect(lost).toBeLessThanOrEqual(measure(outcome, 'cells stopped')!);
    expect(measure(outcome, 'updates with the rule')).toBeLessThan(measure(outcome, 'updates to the budget')!);
  }, 300_000);

  it('004-optimisers: of the eight §4.3 variants AdamW generalises the most, ≥ 10 points above any without weight decay', () => {
    const { code, outcome } = reproduce('004-optimisers');
    expect(outcome.passed).toBe(true);
    expect(code).toBe(0);
    const withWd = measure(outcome, 'best AdamW variant: mean final val acc')!;
    expect(withWd).toBeGreaterThanOrEqual(measure(outcome, 'best variant without weight decay: mean final val acc')! + 0.1);
    expect(measure(outcome, '(h) full-batch AdamW: mean final val acc')).toBeGreaterThanOrEqual(0.99);
    expect(outcome.runIds).toHaveLength(8);
    expect(outcome.figure?.categories).toHaveLength(8);
  }, 300_000);

  // Measured (EXPERIMENTS.md): the landscape part of 003 §5.1 shows (|Δ test loss| = 10× |Δ training loss| between
  // m = 0 and m = 1 at α = 4); the trainable-R part does not at this size: R's linearity rises 0.23 → 0.47 but no
  // grokking within 3000 updates, so the reproduction as a whole fails its criterion (exit 1) and this test says so.
  it('003-representation: R frozen, the test loss depends on m ≥ 5× more than the training loss; R trained turns more linear', () => {
    const { code, outcome } = reproduce('003-representation');
    expect(outcome).toMatchObject({ name: '003-representation', quick: true });
    expect(measure(outcome, '(a) |Δ test loss| / |Δ training loss| at the largest α')).toBeGreaterThanOrEqual(5);
    expect(measure(outcome, '(a) test loss m = 1 − m = 0 at the largest α')).toBeGreaterThan(0);
    const start = measure(outcome, '(c) linearity R² of R at the start')!;
    expect(measure(outcome, '(c) linearity R² of R at the end')).toBeGreaterThan(start + 0.1);
    expect(measure(outcome, '(b) t_fit (train acc ≥ 95%)')).not.toBeNull();
    // the part not reproduced at quick size: test accuracy never reaches 85%, so the verdict is a fail
    expect(measure(outcome, '(b) t_gen (test acc ≥ 85%)')).toBeNull();
    expect(outcome.passed).toBe(false);
    expect(code).toBe(1);
    expect(outcome.runIds).toHaveLength(1);
  }, 300_000);

  it('003-constant-norm: held at 0.8 of its initial norm, test accuracy follows train accuracy ≥ 4× sooner than in normal training', () => {
    const { code, outcome } = reproduce('003-constant-norm');
    expect(outcome.passed).toBe(true);
    expect(code).toBe(0);
    const trainN = measure(outcome, 'normal: first step train acc ≥ 95%')!;
    const testN = measure(outcome, 'normal: first step test acc ≥ 95%');
    const trainC = measure(outcome, 'constant norm: first step train acc ≥ 95%')!;
    const testC = measure(outcome, 'constant norm: first step test acc ≥ 95%');
    // the normal run groks (test long after train) and the constrained one generalises within the budget
    expect(testC).not.toBeNull();
    if (testN !== null) {
      expect(testN).toBeGreaterThanOrEqual(5 * trainN);
      expect(testC! - trainC).toBeLessThanOrEqual((testN - trainN) / 4);
    }
    expect(measure(outcome, 'lag ratio (constant norm / normal)')).toBeLessThanOrEqual(0.25);
    expect(outcome.runIds).toHaveLength(2);
    expect(outcome.figure?.series).toHaveLength(4);
  }, 300_000);
});
