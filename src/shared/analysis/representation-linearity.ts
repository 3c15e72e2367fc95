// How linear a representation of the symbols 0..p−1 is (003 §5.1: a trainable R evolves from random towards
// R_linear, E_i = [i, 0, …, 0]). Each coordinate of E_i is fitted by a line a + b·i over the symbols; the linearity is
// the share of R's variance those lines explain, R² = 1 − SS_res / SS_tot in [0, 1]. It ignores an offset, a scale
// and a rotation of R (none changes what E_i + E_j can tell apart); for a scalar representation it is corr(E_i, i)².
// R_linear gives 1; a random Gaussian R about 1/(p − 1) in expectation.

/** R² of the per-coordinate line fits of rows [p, dim] (row-major) against the symbol index; NaN when R is constant. */
export function representationLinearity(rows: ArrayLike<number>, p: number, dim: number): number {
  if (rows.length !== p * dim) throw new Error(`representation has ${rows.length} values, expected ${p} × ${dim}`);
  if (p < 3) throw new Error(`a line through ${p} symbols always fits: need p ≥ 3`);
  const iMean = (p - 1) / 2;
  let sii = 0;
  for (let i = 0; i < p; i++) sii += (i - iMean) ** 2;
  let ssTot = 0;
  let ssFit = 0;
  for (let d = 0; d < dim; d++) {
    let mean = 0;
    for (let i = 0; i < p; i++) mean += rows[i * dim + d]!;
    mean /= p;
    let sie = 0;
    let see = 0;
    for (let i = 0; i < p; i++) {
      const e = rows[i * dim + d]! - mean;
      sie += (i - iMean) * e;
      see += e * e;
    }
    ssTot += see;
    ssFit += (sie * sie) / sii; // the variance the least-squares line explains
  }
  return ssTot > 0 ? ssFit / ssTot : NaN;
}
