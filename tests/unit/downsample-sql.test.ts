// The server-side thinning of long series (MetricsRepo.downsampled): in JS up to SQL_THIN_ABOVE steps; beyond, by
// range scans in SQLite (exactly the JS reference, downsampleMinMax, for consecutive steps) or, when there are at
// least as many 64-step summaries as buckets, from the summaries alone (equal to a reference computed from the raw
// points). Spikes and NaN gaps survive; uneven steps keep every spike, the first and last point, within maxPoints.
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store';
import { SQL_THIN_ABOVE } from '../../src/main/store/metrics-repo';
import { rebuildBuckets } from '../../src/main/store/migrations';
import { downsampleMinMax } from '../../src/shared/analysis/downsample';
import { seededRandom } from '../../src/shared/analysis/rng';
import { OWNER, smallConfig, tempDir } from './store-helpers';

const tmp = tempDir('downsample-sql');
const store = openStore(tmp.file('d.db'));
afterAll(() => {
  store.close();
  tmp.cleanup();
});
const run = store.runs.insert({ name: 'long', config: smallConfig(), createdAt: '2026-01-01T00:00:00Z', owner: OWNER });

/** Writes a series and returns it as stored (NaN kept). */
function put(name: string, steps: number[], values: number[]) {
  store.metrics.insertBatch(
    run,
    steps.map((s, i) => [name, s, values[i]!] as [string, number, number]),
  );
  return { steps, values };
}

/** The summary path's reference from the raw points: per 64-step range its min and max (earliest on ties, NaN
 *  ignored), ranges grouped into equal runs, each run's extremes in step order, first and last point added. */
function fromRawSummaries(steps: number[], values: number[], maxPoints: number) {
  const ranges = new Map<number, { first: number; lo: [number, number] | null; hi: [number, number] | null }>();
  steps.forEach((s, i) => {
    const v = values[i]!;
    const b = Math.floor(s / 64);
    const r = ranges.get(b) ?? { first: s, lo: null, hi: null };
    ranges.set(b, r);
    if (Number.isNaN(v)) return;
    if (!r.lo || v < r.lo[1]) r.lo = [s, v];
    if (!r.hi || v > r.hi[1]) r.hi = [s, v];
  });
  const rs = [...ranges.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
  const groups = Math.floor((maxPoints - 2) / 2);
  const outS = [steps[0]!];
  const outV = [values[0]!];
  for (let g = 0; g < groups; g++) {
    const part = rs.slice(Math.floor((g * rs.length) / groups), Math.floor(((g + 1) * rs.length) / groups));
    if (part.length === 0) continue;
    const los = part.filter((r) => r.lo).map((r) => r.lo!);
    const his = part.filter((r) => r.hi).map((r) => r.hi!);
    let pts: [number, number][];
    if (los.length === 0) pts = [[part[0]!.first, NaN]];
    else {
      const lo = los.reduce((a, b) => (b[1] < a[1] ? b : a));
      const hi = his.reduce((a, b) => (b[1] > a[1] ? b : a));
      pts = hi[0] === lo[0] ? [lo] : [lo, hi].sort((a, b) => a[0] - b[0]);
    }
    for (const [s, v] of pts)
      if (s !== steps[0] && s !== steps.at(-1)) {
        outS.push(s);
        outV.push(v);
      }
  }
  outS.push(steps.at(-1)!);
  outV.push(values.at(-1)!);
  return { steps: outS, values: outV };
}

describe('MetricsRepo.downsampled', () => {
  it('thins a 250,000-step series inside SQLite to exactly the JS reference, spikes and NaN gaps included', () => {
    const r = seededRandom(5);
    const n = 250_000;
    expect(n).toBeGreaterThan(SQL_THIN_ABOVE);
    const steps = Array.from({ length: n }, (_, i) => i);
    // a noisy decay (distinct values: no ties to break), two one-step spikes, and a stretch of NaN
    const values = steps.map((s) => Math.exp(-s / 50_000) + r.next() * 1e-3);
    values[123_457] = 40;
    values[200_001] = -5;
    for (let s = 150_000; s < 151_000; s++) values[s] = NaN;
    put('loss', steps, values);
    // more buckets than 64-step summaries (3,907): thinned by range scans, exactly the JS reference
    for (const maxPoints of [10_000, 8000]) {
      const sql = store.metrics.downsampled(run, 'loss', maxPoints);
      const ref = downsampleMinMax(steps, values, maxPoints);
      expect(sql.downsampled).toBe(true);
      expect(sql.steps).toEqual(ref.steps);
      expect(sql.values).toEqual(ref.values);
      expect(sql.steps.length).toBeLessThanOrEqual(maxPoints);
    }
    // fewer buckets: made of whole summaries, equal to a reference computed here from the raw points
    for (const maxPoints of [2000, 1001, 10]) {
      const sql = store.metrics.downsampled(run, 'loss', maxPoints);
      const ref = fromRawSummaries(steps, values, maxPoints);
      expect(sql.steps).toEqual(ref.steps);
      expect(sql.values).toEqual(ref.values);
      expect(sql.steps.length).toBeLessThanOrEqual(maxPoints);
    }
    const d = store.metrics.downsampled(run, 'loss', 2000);
    expect(d.values).toContain(40);
    expect(d.values).toContain(-5);
    expect(d.values.some(Number.isNaN)).toBe(true); // the gap stays visible
    expect(d.steps[0]).toBe(0);
    expect(d.steps.at(-1)).toBe(n - 1);
  });

  it('uneven steps (dense early, sparse late): spikes kept, within maxPoints, in step order', () => {
    const steps: number[] = [];
    for (let s = 0; s < 1000; s++) steps.push(s);
    for (let s = 1000; s <= 2_000_000; s += 10) steps.push(s);
    const values = steps.map((s) => 1 / (1 + s));
    const spikeAt = steps.indexOf(1_234_560);
    values[spikeAt] = 9;
    values[5] = -1;
    put('uneven', steps, values);
    const d = store.metrics.downsampled(run, 'uneven', 500);
    expect(d.steps.length).toBeLessThanOrEqual(500);
    expect(d.steps.length).toBeGreaterThan(400);
    expect(d.steps[0]).toBe(0);
    expect(d.steps.at(-1)).toBe(2_000_000);
    for (let i = 1; i < d.steps.length; i++) expect(d.steps[i]!).toBeGreaterThan(d.steps[i - 1]!);
    expect(d.steps[d.values.indexOf(9)]).toBe(1_234_560);
    expect(d.values).toContain(-1);
    // every returned point is a stored point
    const byStep = new Map(steps.map((s, i) => [s, values[i]!]));
    for (let i = 0; i < d.steps.length; i++) expect(d.values[i]).toBe(byStep.get(d.steps[i]!));
  });

  it('keeps the 64-step summaries equal to a recomputation from the points, also after points are dropped', () => {
    const dump = () => store.db.prepare('SELECT * FROM metric_buckets WHERE run_id = ? ORDER BY name, bucket').raw(true).all(run);
    const kept = dump();
    expect(kept.length).toBeGreaterThan(3000);
    rebuildBuckets(store.db, run, -1);
    expect(dump()).toEqual(kept);
    // a resume drops points after its checkpoint; the summaries follow
    store.metrics.deleteAfter(run, 200_010);
    const after = dump();
    rebuildBuckets(store.db, run, -1);
    expect(dump()).toEqual(after);
    expect(store.metrics.downsampled(run, 'loss', 2000).steps.at(-1)).toBe(200_010);
  });

  it('returns a short series whole, and an absent one empty', () => {
    put('short', [0, 10, 20], [3, Infinity, -Infinity]);
    expect(store.metrics.downsampled(run, 'short', 2000)).toEqual({
      steps: [0, 10, 20],
      values: [3, Infinity, -Infinity],
      downsampled: false,
    });
    expect(store.metrics.downsampled(run, 'absent', 2000)).toEqual({ steps: [], values: [], downsampled: false });
  });
});
