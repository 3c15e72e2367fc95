// Phase-diagram fits of a sweep over r: points grouped by the other axis, the power law recovered from exact data,
// and the reason when a group has too few points.
import { describe, expect, it } from 'vitest';
import type { SweepView } from '../../src/shared/api/types';
import { buildPhaseFitOption, phaseFitGroups } from '../../src/shared/figures/phase-fit';
import { renderSvg } from '../../src/main/services/figure-export';

const rs = [0.3, 0.4, 0.5, 0.6, 0.8];
const t4 = (r: number, gamma: number) => Math.round(2e6 * (100 * r) ** -gamma + 300);
const view: SweepView = {
  id: 1,
  name: 'r sweep',
  status: 'completed',
  mode: 'full',
  window: 400,
  createdAt: '',
  finishedAt: null,
  steps: 1_000_000,
  axes: [
    { path: 'optimizer.weightDecay', values: [0.1, 1] },
    { path: 'task.trainFraction', values: rs },
  ],
  cells: [0, 1].flatMap((i) =>
    rs.map((r, j) => ({
      index: [i, j],
      coords: {},
      runs: [
        {
          id: 1,
          seed: 0,
          status: 'completed' as const,
          step: 1,
          totalSteps: 1,
          valAcc: 1,
          t2: 1,
          t4: i === 0 && j === 0 ? null : t4(r, 2),
          predicted: null,
          energy: null,
          held: false,
        },
      ],
    })),
  ),
};

describe('phase-diagram fit', () => {
  it('groups by the other axis, fits t4 = a·r^−γ + b per group, and says why a group has no fit', () => {
    const groups = phaseFitGroups(view)!;
    expect(groups.map((g) => g.label)).toEqual(['optimizer.weightDecay = 0.1', 'optimizer.weightDecay = 1']);
    expect(groups[0]!.points).toHaveLength(4); // r = 30% never generalised there
    expect(groups[1]!.points[0]).toEqual([30, t4(0.3, 2)]);
    expect(groups[1]!.fit!.gamma.value).toBeCloseTo(2, 1);
    expect(groups[0]!.fit).not.toBeNull();
    const svg = renderSvg(buildPhaseFitOption(groups, { title: 'r sweep' }), { width: 800, height: 500 });
    expect(svg).toContain('training fraction r (%)');
    const short = phaseFitGroups({ ...view, cells: view.cells.slice(0, 3) })!;
    expect(short[0]!.note).toBe('2 training fractions generalised; the fit needs 4'); // r = 30% never did
    expect(phaseFitGroups({ ...view, axes: [view.axes[0]!] })).toBeNull();
  });
});
