// "Export all figures of this run" (app menu and `grokscope export RUN --all`): every curve figure with points and
// every analysis the run has is written as SVG and as PNG at 2×; figures with nothing to draw are listed with why;
// a missing run writes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportAllRunFigures } from '../../src/main/services/figure-export-all';
import { ApiError } from '../../src/shared/api/contract';
import { buildCurveOption } from '../../src/shared/figures/curves';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'grokscope-figs-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const steps = Array.from({ length: 50 }, (_, i) => i * 10);
const series = (name: string, f: (s: number) => number) => ({ name, steps, values: steps.map(f), downsampled: false });
const phases = { t1: 10, t2: 100, t3: 20, t4: 400, t2_99: 90, t4_99: 380 };

function handlers(opts: { missing?: boolean } = {}) {
  return {
    'runs.get': async ({ id }: { id: number }) => {
      if (opts.missing) throw new ApiError('not_found', `no run ${id}`);
      return { id, name: 'grokking', phases } as never;
    },
    'runs.metrics': async () => [
      series('train_loss', (s) => Math.exp(-s / 100)),
      series('val_loss', (s) => 2 * Math.exp(-s / 300)),
      series('train_acc', (s) => Math.min(1, s / 100)),
      series('val_acc', (s) => Math.min(1, s / 400)),
      { name: 'weight_norm', steps: [], values: [], downsampled: false },
    ],
    'analysis.spectral': async () => {
      throw new ApiError('invalid_input', 'the run has fewer than 64 updates of step_loss');
    },
    'analysis.pca': async () => {
      throw new ApiError('invalid_input', 'PCA needs at least 3 checkpoints');
    },
    'analysis.stored': async () => ({ hessian: null, id: null }),
  } as never;
}

describe('export all figures of a run', () => {
  it('writes SVG and 2× PNG of every figure with data, and says why the others were skipped', async () => {
    const r = await exportAllRunFigures(handlers(), 7, path.join(dir, 'figs'), { smoothing: 0.6 });
    expect(readdirSync(path.join(dir, 'figs')).sort()).toEqual([
      'run-7-accuracy.png',
      'run-7-accuracy.svg',
      'run-7-loss.png',
      'run-7-loss.svg',
    ]);
    expect(r.files.map((f) => path.basename(f)).sort()).toEqual(readdirSync(path.join(dir, 'figs')).sort());
    expect(r.skipped.map((s) => s.figure)).toEqual(
      expect.arrayContaining(['weight-norm', 'grad-norm', 'spectral', 'trajectory', 'hessian', 'intrinsic-dim']),
    );
    expect(r.skipped.find((s) => s.figure === 'spectral')!.reason).toMatch(/fewer than 64 updates/);
    const png = readFileSync(path.join(dir, 'figs', 'run-7-loss.png'));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1600, 1000]);
    const svg = readFileSync(path.join(dir, 'figs', 'run-7-loss.svg'), 'utf8');
    const legend = (buildCurveOption('loss', [], {}) as { legend: { data: string[] } }).legend.data;
    for (const name of legend) expect(svg).toContain(`>${name}<`);
    expect(svg).toContain('>Run #7 grokking: loss<');
  });

  it('writes nothing for a missing run', async () => {
    await expect(exportAllRunFigures(handlers({ missing: true }), 9, path.join(dir, 'none'))).rejects.toThrow(/no run 9/);
    expect(existsSync(path.join(dir, 'none'))).toBe(false);
  });
});
