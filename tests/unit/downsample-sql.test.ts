// The server-side thinning of long series (MetricsRepo.downsampled): inside SQLite for series spanning more than
// SQL_THIN_ABOVE steps, in JS below. For consecutive steps both give exactly the points of the JS reference
// (downsampleMinMax on the whole series), spikes and NaN gaps included; for uneven steps the result keeps every
// spike, the first and the last point, stays within maxPoints and in step order.
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store';
import { SQL_THIN_ABOVE } from '../../src/main/store/metrics-repo';
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
  store.metrics.insertBatch(run, steps.map((s, i) => [name, s, values[i]!] as [string, number, number]));
  return { steps, values };
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
    for (const maxPoints of [2000, 1001, 10]) {
      const sql = store.metrics.downsampled(run, 'loss', maxPoints);
      const ref = downsampleMinMax(steps, values, maxPoints);
      expect(sql.downsampled).toBe(true);
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

  it('returns a short series whole, and an absent one empty', () => {
    put('short', [0, 10, 20], [3, Infinity, -Infinity]);
    expect(store.metrics.downsampled(run, 'short', 2000)).toEqual({ steps: [0, 10, 20], values: [3, Infinity, -Infinity], downsampled: false });
    expect(store.metrics.downsampled(run, 'absent', 2000)).toEqual({ steps: [], values: [], downsampled: false });
  });
});
