// TensorBoard's debiased exponential moving average, so smoothed curves here read like the ones
// researchers already know from TensorBoard / W&B for the same run.
//
//   last_n = last_{n-1}·w + (1 − w)·v_n,  last_0 = 0
//   smoothed_n = last_n / (1 − w^n)     (n counts finite points so far)
//
// Without the debias term the curve would start near 0 and crawl up (a zero-initialised EMA);
// with it a constant series stays constant from its first point.

/** Smooth `values` with weight `w` ∈ [0, 1). Non-finite values (NaN, ±Infinity: a diverged run)
 *  pass through unsmoothed and do not update the average. w = 0 returns the input values. */
export function emaSmooth(values: ArrayLike<number>, weight: number): number[] {
  if (!Number.isFinite(weight) || weight < 0 || weight >= 1) {
    throw new RangeError(`smoothing weight must be a number in [0, 1), got ${String(weight)}`);
  }
  const n = values.length;
  const out = new Array<number>(n);
  if (weight === 0) {
    for (let i = 0; i < n; i++) out[i] = values[i]!;
    return out;
  }
  let last = 0;
  // w^n (n = finite points so far), kept as a running product rather than Math.pow each step.
  let wPow = 1;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    wPow *= weight;
    out[i] = last / (1 - wPow);
  }
  return out;
}
