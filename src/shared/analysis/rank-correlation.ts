// Spearman's rank correlation: Pearson's correlation of the ranks, ties given their average rank
// (scipy.stats.spearmanr's default), so a grid where many runs end at 100% accuracy is ranked fairly.

/** 1-based ranks, ties averaged. */
export function averageRanks(x: ArrayLike<number>): number[] {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const ranks = new Array<number>(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && x[order[j + 1]!] === x[order[i]!]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = r;
    i = j + 1;
  }
  return ranks;
}

/** Means and centred sums of squares and products of paired samples (the pieces of OLS and of Pearson's r). */
export function centredMoments(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): { mx: number; my: number; sxx: number; sxy: number; syy: number } {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return { mx, my, sxx, sxy, syy };
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`correlation of ${n} values with ${y.length} values`);
  if (n < 2) throw new RangeError(`correlation needs at least 2 pairs, got ${n}`);
  const { sxx, sxy, syy } = centredMoments(x, y);
  // A constant variable has no rank order: the correlation is undefined (scipy returns nan).
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  for (const [name, v] of [
    ['x', x],
    ['y', y],
  ] as const) {
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i]!)) throw new RangeError(`spearman: ${name}[${i}] is ${String(v[i])}`);
    }
  }
  return pearson(averageRanks(x), averageRanks(y));
}
