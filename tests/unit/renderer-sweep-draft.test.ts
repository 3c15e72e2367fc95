// The sweep editor's model: numeric paths for autocompletion, growing and shrinking axes, previews, and checks that
// name the problem the way a sweep file's check does.
import { describe, expect, it } from 'vitest';
import { checkSweepDraft, defaultSweepDraft, numericPaths, previewValues, resizeAxis } from '../../src/renderer/src/lib/sweep-draft';

const base = {
  seed: 0,
  task: { kind: 'modular', op: 'add', p: 23, trainFraction: 0.5 },
  model: { kind: 'mlp', embedDim: 16, width: 32, depth: 1 },
  optimizer: { lr: 0.001, weightDecay: 1 },
  training: { steps: 500 },
};

describe('sweep draft', () => {
  it('lists the numeric settings of the base config (not the seed)', () => {
    expect(numericPaths(base)).toEqual([
      'task.p',
      'task.trainFraction',
      'model.embedDim',
      'model.width',
      'model.depth',
      'optimizer.lr',
      'optimizer.weightDecay',
      'training.steps',
    ]);
  });

  it('grows and shrinks ranges by a point and lists by their last value', () => {
    const d = defaultSweepDraft(base);
    expect(resizeAxis(d.rows, 1).count).toBe(5);
    expect(resizeAxis({ ...d.rows, count: 2 }, -1).count).toBe(2);
    expect(resizeAxis(d.cols!, 1).values).toBe('0.1, 0.3, 1, 3, 6');
    expect(resizeAxis(d.cols!, -1).values).toBe('0.1, 0.3, 1');
    expect(previewValues(d.cols!)).toEqual([0.1, 0.3, 1, 3]);
    expect(previewValues({ ...d.rows, from: -1 })).toBeNull();
  });

  it('checks into a sweep of rows × columns × seeds, or names what is wrong', () => {
    const d = defaultSweepDraft(base);
    const ok = checkSweepDraft({ ...d, seeds: 2 });
    if (!ok.ok) throw new Error(JSON.stringify(ok.problems));
    expect(ok.cells).toHaveLength(4 * 4 * 2);
    expect(ok.config.policy).toEqual({ mode: 'predict', window: 'auto' });
    expect(checkSweepDraft({ ...d, baseText: '{' })).toMatchObject({
      ok: false,
      problems: [{ path: 'base', message: expect.stringMatching(/^not valid JSON/) }],
    });
    const bad = checkSweepDraft({ ...d, rows: { ...d.rows, path: 'optimizer.lrr' } });
    expect(bad).toMatchObject({
      ok: false,
      problems: [{ path: 'axes[0].path', message: expect.stringContaining('"optimizer.lrr" is not a setting') }],
    });
  });
});
