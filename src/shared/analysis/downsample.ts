// Thin a long metric series for the wire and for charts, keeping its extremes.
//
// Why min-max buckets and not LTTB: grokking curves carry one-step events that matter — the
// "slingshot" loss spikes, a divergence, the step where validation accuracy jumps. LTTB picks one
// point per bucket by triangle area and can drop a one-point spike when a neighbour bucket's choice
// makes a larger triangle; min-max keeps both the lowest and the highest value of every bucket, so
// every spike survives whatever the zoom. It is also one linear pass (1e6 points in milliseconds).

export interface Downsampled {
  steps: number[];
  values: number[];
  /** true when points were dropped */
  downsampled: boolean;
}

/** Keep at most `maxPoints` (≥ 4) points: first and last, plus the min and max of ≈ maxPoints/2
 *  buckets of consecutive points, in step order. Returns a copy of the input when it already fits.
 *  NaN values only survive when a whole bucket is NaN (so the gap stays visible). */
export function downsampleMinMax(steps: ArrayLike<number>, values: ArrayLike<number>, maxPoints: number): Downsampled {
  if (steps.length !== values.length) {
    throw new RangeError(`steps and values differ in length (${steps.length} vs ${values.length})`);
  }
  if (!Number.isFinite(maxPoints) || maxPoints < 4) {
    throw new RangeError(`maxPoints must be a number ≥ 4, got ${String(maxPoints)}`);
  }
  const limit = Math.floor(maxPoints);
  const n = values.length;
  if (n <= limit) {
    return { steps: Array.from(steps), values: Array.from(values), downsampled: false };
  }

  // Interior points 1..n-2 go into buckets; each bucket yields ≤ 2 points, plus first and last.
  const buckets = Math.floor((limit - 2) / 2);
  const interior = n - 2;
  const outSteps: number[] = [steps[0]!];
  const outValues: number[] = [values[0]!];

  for (let b = 0; b < buckets; b++) {
    // Bucket b covers interior indices [start, end), sizes differ by at most one.
    const start = 1 + Math.floor((b * interior) / buckets);
    const end = 1 + Math.floor(((b + 1) * interior) / buckets);
    let iMin = -1;
    let iMax = -1;
    let vMin = Infinity;
    let vMax = -Infinity;
    for (let i = start; i < end; i++) {
      const v = values[i]!;
      if (Number.isNaN(v)) continue;
      if (iMin < 0 || v < vMin) {
        vMin = v;
        iMin = i;
      }
      if (iMax < 0 || v > vMax) {
        vMax = v;
        iMax = i;
      }
    }
    if (iMin < 0) {
      if (start < end) {
        outSteps.push(steps[start]!);
        outValues.push(values[start]!);
      }
      continue;
    }
    const first = Math.min(iMin, iMax);
    const second = Math.max(iMin, iMax);
    outSteps.push(steps[first]!);
    outValues.push(values[first]!);
    if (second !== first) {
      outSteps.push(steps[second]!);
      outValues.push(values[second]!);
    }
  }

  outSteps.push(steps[n - 1]!);
  outValues.push(values[n - 1]!);
  return { steps: outSteps, values: outValues, downsampled: true };
}
