// Sweep configs: axis values (explicit, linspace, logspace), grid expansion with seeds, and located problems for
// bad axes and for values the run schema refuses.
import { describe, expect, it } from 'vitest';
import { axisValues, expandSweep, SweepConfigSchema } from '../../src/shared/config/sweep-config';

const base = {
  task: { kind: 'modular', op: 'add', p: 23, trainFraction: 0.5 },
  model: { kind: 'mlp', embedDim: 16, width: 32, depth: 1 },
  training: { steps: 1000 },
};
const sweep = (over: Record<string, unknown>) => SweepConfigSchema.parse({ name: 'grid', base, axes: [], ...over });

describe('sweep axes', () => {
  it('give explicit values, linspace and logspace with exact ends', () => {
    expect(axisValues({ path: 'x', values: [1, 'a', true] })).toEqual([1, 'a', true]);
    expect(axisValues({ path: 'x', linspace: { from: 0.2, to: 0.8, count: 4 } }).map((v) => Number((v as number).toFixed(12)))).toEqual([
      0.2, 0.4, 0.6, 0.8,
    ]);
    const log = axisValues({ path: 'x', logspace: { from: 1e-4, to: 1e-2, count: 3 } }) as number[];
    expect(log[0]).toBe(1e-4);
    expect(log[1]).toBeCloseTo(1e-3, 15);
    expect(log[2]).toBe(1e-2);
  });

  it('refuses an axis with none or two of values / linspace / logspace, and a non-positive logspace', () => {
    const r = SweepConfigSchema.safeParse({
      base,
      axes: [{ path: 'optimizer.lr' }, { path: 'a', values: [1], linspace: { from: 0, to: 1, count: 2 } }],
    });
    expect(r.success).toBe(false);
    const msgs = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(msgs).toContain('axes.0: needs exactly one of values, linspace, logspace; got none');
    expect(msgs).toContain('axes.1: needs exactly one of values, linspace, logspace; got values, linspace');
    const neg = SweepConfigSchema.safeParse({ base, axes: [{ path: 'optimizer.lr', logspace: { from: 0, to: 1, count: 3 } }] });
    expect(neg.error!.issues[0]!.message).toMatch(/from and to must be > 0/);
  });
});

describe('expandSweep', () => {
  it('builds the grid × seeds, last axis fastest, each a valid run config with its coordinates and name', () => {
    const r = expandSweep(
      sweep({
        axes: [
          { path: 'optimizer.lr', values: [1e-3, 1e-2] },
          { path: 'optimizer.weightDecay', logspace: { from: 0.1, to: 10, count: 3 } },
        ],
        seeds: 2,
      }),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.cells).toHaveLength(2 * 3 * 2);
    expect(r.cells.map((c) => [...c.index, c.seed]).slice(0, 4)).toEqual([
      [0, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
      [0, 1, 1],
    ]);
    const c = r.cells[3]!;
    expect(c.config.optimizer.lr).toBe(1e-3);
    expect(c.config.optimizer.weightDecay).toBeCloseTo(1, 12);
    expect(c.config.seed).toBe(1);
    expect(c.coords).toEqual({ 'optimizer.lr': 1e-3, 'optimizer.weightDecay': c.config.optimizer.weightDecay });
    expect(c.config.name).toBe('grid · lr=0.001 weightDecay=1 · seed 1');
    expect(c.config.task).toMatchObject({ p: 23, trainFraction: 0.5 }); // the base is shared
  });

  it('names unknown paths, a seed axis, repeated axes, a bad base and values the run schema refuses', () => {
    const bad = expandSweep(
      sweep({
        axes: [
          { path: 'optimizer.lrr', values: [1] },
          { path: 'seed', values: [1] },
        ],
      }),
    );
    expect(bad).toEqual({
      ok: false,
      problems: [
        { path: 'axes[0].path', message: '"optimizer.lrr" is not a setting of the base config (with its defaults filled in)' },
        { path: 'axes[1].path', message: 'vary the initialisation seed with "seeds", not an axis' },
      ],
    });
    const twice = expandSweep(
      sweep({
        axes: [
          { path: 'task.p', values: [23] },
          { path: 'task.p', values: [29] },
        ],
      }),
    );
    expect(twice.ok ? [] : twice.problems.map((p) => p.message)).toContain('"task.p" is already an axis');
    const badBase = expandSweep(
      SweepConfigSchema.parse({ base: { ...base, training: { steps: -1 } }, axes: [{ path: 'task.p', values: [23] }] }),
    );
    expect(badBase.ok ? [] : badBase.problems).toEqual([{ path: 'base.training.steps', message: 'must be >= 1, got -1' }]);
    const values = expandSweep(sweep({ axes: [{ path: 'task.trainFraction', values: [0.5, 1.5] }] }));
    expect(values.ok ? [] : values.problems).toEqual([
      { path: 'axes[0]', message: 'at trainFraction=1.5: task.trainFraction: must be < 1, got 1.5' },
    ]);
  });

  it('names a bad axis value once, not once per cell of its row or column', () => {
    const grid = expandSweep(
      sweep({
        axes: [
          { path: 'optimizer.lr', values: [0.01, -1] },
          { path: 'optimizer.weightDecay', values: [0.1, 1, 3] },
        ],
        seeds: 2,
      }),
    );
    expect(grid.ok ? [] : grid.problems).toEqual([{ path: 'axes[0]', message: 'at lr=-1: optimizer.lr: must be > 0, got -1' }]);
  });
});
