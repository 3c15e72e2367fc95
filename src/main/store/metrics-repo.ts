// The metrics table: (run, metric, step) → value, clustered on that key (WITHOUT ROWID), so reading one series is a
// single range scan. SQLite stores NaN as NULL; it is read back as NaN so a diverged run's last points survive.
import type { Db } from './db';
import { downsampleMinMax, type Downsampled } from '../../shared/analysis/downsample';

/** Series spanning more steps than this are thinned inside SQLite instead of being read whole (see downsampled). */
export const SQL_THIN_ABOVE = 100_000;

export type MetricRow = [name: string, step: number, value: number];

export interface StoredSeries {
  steps: number[];
  values: number[];
}

export class MetricsRepo {
  private readonly insertStmt;
  private readonly seriesStmt;
  private readonly namesStmt;
  private readonly countStmt;
  private readonly deleteAfterStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare('INSERT OR REPLACE INTO metrics (run_id, name, step, value) VALUES (?, ?, ?, ?)');
    // One scan, one string: SQLite builds both JSON arrays in C (numbers round-trip exactly; NaN is stored as NULL,
    // ±Infinity as ±9e999), which is ~2x faster than materialising 100k row arrays through the driver.
    this.seriesStmt = db.prepare<[number, string], [string, string]>(`
      SELECT json_group_array(step), json_group_array(value)
      FROM (SELECT step, value FROM metrics WHERE run_id = ? AND name = ? ORDER BY step)`);
    this.seriesStmt.raw(true);
    // Distinct names by hopping along the primary key (one index seek per name, not a scan of every point).
    this.namesStmt = db.prepare<{ run: number }, { name: string }>(`
      WITH RECURSIVE n(name) AS (
        SELECT (SELECT MIN(name) FROM metrics WHERE run_id = @run)
        UNION ALL
        SELECT (SELECT MIN(name) FROM metrics WHERE run_id = @run AND name > n.name) FROM n WHERE n.name IS NOT NULL
      )
      SELECT name FROM n WHERE name IS NOT NULL`);
    this.countStmt = db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM metrics WHERE run_id = ?');
    this.deleteAfterStmt = db.prepare('DELETE FROM metrics WHERE run_id = ? AND step > ?');
    // Each is one index seek (MIN/MAX of the last key column within an equality prefix).
    this.firstStepStmt = db.prepare<[number, string], number | null>('SELECT MIN(step) FROM metrics WHERE run_id = ? AND name = ?').pluck();
    this.lastStepStmt = db.prepare<[number, string], number | null>('SELECT MAX(step) FROM metrics WHERE run_id = ? AND name = ?').pluck();
    // With exactly one min() or max(), SQLite's bare column (step) comes from the row holding that extreme.
    this.bucketMinStmt = db
      .prepare<[number, string, number, number], [number | null, number | null]>(
        'SELECT step, MIN(value) FROM metrics WHERE run_id = ? AND name = ? AND step >= ? AND step < ?',
      )
      .raw(true);
    this.bucketMaxStmt = db
      .prepare<[number, string, number, number], [number | null, number | null]>(
        'SELECT step, MAX(value) FROM metrics WHERE run_id = ? AND name = ? AND step >= ? AND step < ?',
      )
      .raw(true);
    this.firstInStmt = db
      .prepare<[number, string, number, number], [number, number | null]>(
        'SELECT step, value FROM metrics WHERE run_id = ? AND name = ? AND step >= ? AND step < ? ORDER BY step LIMIT 1',
      )
      .raw(true);
    this.pointStmt = db.prepare<[number, string, number], number | null>('SELECT value FROM metrics WHERE run_id = ? AND name = ? AND step = ?').pluck();
  }

  private readonly firstStepStmt;
  private readonly lastStepStmt;
  private readonly bucketMinStmt;
  private readonly bucketMaxStmt;
  private readonly firstInStmt;
  private readonly pointStmt;

  /**
   * A series thinned to at most `maxPoints` points with min-max buckets (shared/analysis/downsample.ts: first and
   * last point, then the lowest and the highest of each bucket, so one-step spikes survive). A series spanning up to
   * SQL_THIN_ABOVE steps is read whole and thinned in JS. A longer one is thinned inside SQLite, never materialising
   * its points here: the steps between the first and the last are cut into equal step ranges and each range gives
   * its extremes through two index range scans. For consecutive steps those ranges are exactly the JS function's
   * index buckets, so both paths give the same points; for uneven steps they are equal ranges of the x axis, which
   * is what a chart shows. (A 1,000,000-step series: one pass over its rows in C, instead of 1,000,000 values parsed.)
   */
  downsampled(runId: number, name: string, maxPoints: number): Downsampled {
    const first = this.firstStepStmt.get(runId, name) ?? null;
    const last = this.lastStepStmt.get(runId, name) ?? null;
    if (first === null || last === null || last - first + 1 <= Math.max(SQL_THIN_ABOVE, maxPoints)) {
      const s = this.series(runId, name);
      return downsampleMinMax(s.steps, s.values, maxPoints);
    }
    if (!Number.isFinite(maxPoints) || maxPoints < 4) throw new RangeError(`maxPoints must be a number ≥ 4, got ${String(maxPoints)}`);
    const buckets = Math.floor((Math.floor(maxPoints) - 2) / 2);
    const value = (v: number | null | undefined) => (v === null || v === undefined ? NaN : v);
    const steps: number[] = [first];
    const values: number[] = [value(this.pointStmt.get(runId, name, first))];
    const lo = first + 1;
    const span = last - lo; // interior steps: [first + 1, last)
    for (let b = 0; b < buckets; b++) {
      const s0 = lo + Math.floor((b * span) / buckets);
      const s1 = lo + Math.floor(((b + 1) * span) / buckets);
      if (s1 <= s0) continue;
      const [minStep, minValue] = this.bucketMinStmt.get(runId, name, s0, s1)!;
      if (minStep === null) continue; // no points in this range
      if (minValue === null) {
        // every point of the range is NaN: keep its first as a gap, as the JS version does
        const [gapStep] = this.firstInStmt.get(runId, name, s0, s1)!;
        steps.push(gapStep);
        values.push(NaN);
        continue;
      }
      const [maxStep, maxValue] = this.bucketMaxStmt.get(runId, name, s0, s1)!;
      const pts: [number, number][] = [[minStep, minValue]];
      if (maxStep !== null && maxStep !== minStep) pts.push([maxStep, value(maxValue)]);
      pts.sort((x, y) => x[0] - y[0]);
      for (const [st, v] of pts) {
        steps.push(st);
        values.push(v);
      }
    }
    steps.push(last);
    values.push(value(this.pointStmt.get(runId, name, last)));
    return { steps, values, downsampled: true };
  }

  /** Inserts rows (callers batch them inside one transaction; see services/run-writer.ts). */
  insert(runId: number, rows: readonly MetricRow[]): void {
    for (const [name, step, value] of rows) this.insertStmt.run(runId, name, step, value);
  }

  /** Inserts rows in their own transaction. */
  insertBatch(runId: number, rows: readonly MetricRow[]): void {
    this.db.transaction(() => this.insert(runId, rows))();
  }

  series(runId: number, name: string): StoredSeries {
    const [stepsJson, valuesJson] = this.seriesStmt.get(runId, name) ?? ['[]', '[]'];
    const steps = JSON.parse(stepsJson) as number[];
    const values = JSON.parse(valuesJson) as (number | null)[];
    for (let i = 0; i < values.length; i++) if (values[i] === null) values[i] = NaN;
    return { steps, values: values as number[] };
  }

  names(runId: number): string[] {
    return this.namesStmt.all({ run: runId }).map((r) => r.name);
  }

  count(runId: number): number {
    return this.countStmt.get(runId)?.n ?? 0;
  }

  /** Drops points after `step` (a run resumed from an earlier checkpoint rewrites them). */
  deleteAfter(runId: number, step: number): void {
    this.deleteAfterStmt.run(runId, step);
  }
}
