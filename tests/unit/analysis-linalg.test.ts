import { describe, expect, it } from 'vitest';
import { cholesky, choleskySolve, dot, invertSPD } from '../../src/shared/analysis/linalg';

describe('small dense linear algebra', () => {
  // A = L·Lᵀ with L = [[2,0,0],[6,1,0],[-8,5,3]] (the classic worked example).
  const A = [
    [4, 12, -16],
    [12, 37, -43],
    [-16, -43, 98],
  ];
  it('factors a known SPD matrix exactly', () => {
    expect(cholesky(A)).toEqual([
      [2, 0, 0],
      [6, 1, 0],
      [-8, 5, 3],
    ]);
  });
  it('solves and inverts: A·x = b and A·A⁻¹ = I', () => {
    const b = [1, -2, 3];
    const x = choleskySolve(cholesky(A)!, b);
    A.forEach((row, i) => expect(dot(row, x)).toBeCloseTo(b[i]!, 10));
    const inv = invertSPD(A)!;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        expect(
          dot(
            A[i]!,
            inv.map((r) => r[j]!),
          ),
        ).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });
  it('returns null for matrices that are not positive definite, and rejects non-square ones', () => {
    expect(
      cholesky([
        [1, 2],
        [2, 1],
      ]),
    ).toBeNull();
    expect(invertSPD([[0]])).toBeNull();
    expect(() => cholesky([[1, 2]])).toThrow(/square/);
  });
});
