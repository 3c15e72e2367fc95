// Spearman's ρ against scipy.stats.spearmanr (values printed by scipy 1.x for these inputs) and closed forms.
import { describe, expect, it } from 'vitest';
import { averageRanks, pearson, spearman } from '../../src/shared/analysis/rank-correlation';

describe('rank correlation', () => {
  it('averages tied ranks', () => {
    expect(averageRanks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });

  it('is ±1 for any monotone relation, Pearson is not', () => {
    const x = [1, 2, 3, 4, 5, 6];
    expect(
      spearman(
        x,
        x.map((v) => Math.exp(v)),
      ),
    ).toBeCloseTo(1, 15);
    expect(
      spearman(
        x,
        x.map((v) => -(v ** 3)),
      ),
    ).toBeCloseTo(-1, 15);
    expect(
      pearson(
        x,
        x.map((v) => Math.exp(v)),
      ),
    ).toBeLessThan(0.95);
  });

  it('matches scipy.stats.spearmanr with ties', () => {
    // spearmanr([1,2,2,5,3,9],[0.1,0.1,0.4,1,1,0.2]).statistic
    expect(spearman([1, 2, 2, 5, 3, 9], [0.1, 0.1, 0.4, 1, 1, 0.2])).toBeCloseTo(0.5523003264745422, 12);
    // spearmanr([3,1,4,1,5,9,2,6],[2,7,1,8,2,8,1,8]).statistic
    expect(spearman([3, 1, 4, 1, 5, 9, 2, 6], [2, 7, 1, 8, 2, 8, 1, 8])).toBeCloseTo(0.19885368120992467, 12);
  });

  it('is NaN for a constant variable and refuses bad input', () => {
    expect(spearman([1, 2, 3], [1, 1, 1])).toBeNaN();
    expect(() => spearman([1, 2], [1, 2, 3])).toThrow(/2 values with 3/);
    expect(() => spearman([1, Number.NaN], [1, 2])).toThrow(/x\[1\] is NaN/);
  });
});
