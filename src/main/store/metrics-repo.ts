// The metrics table: (run, metric, step) → value, clustered on that key (WITHOUT ROWID), so reading one series is a
// single range scan. SQLite stores NaN as NULL; it is read back as NaN so a diverged run's last points survive.
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';
import { downsampleMinMax, type Downsampled } from '../../shared/analysis/downsample';
import { BUCKET_STEPS, rebuildBuckets } from './migrations';

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
    // Folds a point into its 64-step summary: a lower (higher) value, or an equal one at an earlier step, replaces the
    // minimum (maximum); NaN (NULL) never does. In an UPDATE every right-hand side sees the row's old values.
    const lower =
      '(excluded.min_value IS NOT NULL AND (min_value IS NULL OR excluded.min_value < min_value OR (excluded.min_value = min_value AND excluded.min_step < min_step)))';
    const higher =
      '(excluded.max_value IS NOT NULL AND (max_value IS NULL OR excluded.max_value > max_value OR (excluded.max_value = max_value AND excluded.max_step < max_step)))';
    this.bucketStmt = db.prepare(
      `INSERT INTO metric_buckets (run_id, name, bucket, min_step, min_value, max_step, max_value) VALUES (@run, @name, @bucket, @step, @value, @step, @value)
       ON CONFLICT (run_id, name, bucket) DO UPDATE SET
         min_step = CASE WHEN ${lower} THEN excluded.min_step ELSE min_step END,
         min_value = CASE WHEN ${lower} THEN excluded.min_value ELSE min_value END,
         max_step = CASE WHEN ${higher} THEN excluded.max_step ELSE max_step END,
         max_value = CASE WHEN ${higher} THEN excluded.max_value ELSE max_value END`,
    );
    this.summaryStmt = db
      .prepare<[number, string], [number, number, number | null, number, number | null]>(
        'SELECT bucket, min_step, min_value, max_step, max_value FROM metric_buckets WHERE run_id = ? AND name = ? ORDER BY bucket',
      )
      .raw(true);
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
    this.pointStmt = db
      .prepare<[number, string, number], number | null>('SELECT value FROM metrics WHERE run_id = ? AND name = ? AND step = ?')
      .pluck();
  }

  private readonly bucketStmt;
  private readonly summaryStmt;
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
   * is what a chart shows. When the series spans at least as many 64-step summaries (table metric_buckets) as there
   * are buckets, the buckets are made of whole summaries instead and no point is scanned (a 1,000,000-step series:
   * 15,625 summary rows instead of 1,000,000 points).
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
    if (Math.floor(last / BUCKET_STEPS) - Math.floor(first / BUCKET_STEPS) + 1 >= buckets)
      return this.fromSummaries(runId, name, first, last, buckets);
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

  /**
   * Min-max thinning from the 64-step summaries alone (no point is read but the first and the last): the summary
   * rows are split into `buckets` runs of consecutive rows (sizes differing by at most one), and each run gives its
   * lowest and highest point, the earliest on ties. An all-NaN run keeps its first step as a gap.
   */
  private fromSummaries(runId: number, name: string, first: number, last: number, buckets: number): Downsampled {
    const rows = this.summaryStmt.all(runId, name);
    const value = (v: number | null | undefined) => (v === null || v === undefined ? NaN : v);
    const steps: number[] = [first];
    const values: number[] = [value(this.pointStmt.get(runId, name, first))];
    const k = rows.length;
    for (let g = 0; g < buckets; g++) {
      const start = Math.floor((g * k) / buckets);
      const end = Math.floor(((g + 1) * k) / buckets);
      if (end <= start) continue;
      let lo: [number, number] | null = null;
      let hi: [number, number] | null = null;
      for (let i = start; i < end; i++) {
        const [, minStep, minValue, maxStep, maxValue] = rows[i]!;
        if (minValue !== null && (lo === null || minValue < lo[1])) lo = [minStep, minValue];
        if (maxValue !== null && (hi === null || maxValue > hi[1])) hi = [maxStep, maxValue];
      }
      const pts: [number, number][] = [];
      if (lo === null || hi === null) pts.push([rows[start]![1], NaN]);
      else {
        pts.push(lo);
        if (hi[0] !== lo[0]) pts.push(hi);
      }
      pts.sort((a, b) => a[0] - b[0]);
      // the first and the last point are there already
      for (const [st, v] of pts)
        if (st !== first && st !== last) {
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
    for (const [name, step, value] of rows) {
      this.insertStmt.run(runId, name, step, value);
      this.bucketStmt.run({ run: runId, name, bucket: Math.floor(step / BUCKET_STEPS), step, value: Number.isNaN(value) ? null : value });
    }
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

  /** Every point after `step`, by metric (one index range per name): what another process wrote since then. */
  pointsAfter(runId: number, step: number): MetricRow[] {
    this.afterStmt ??= this.db
      .prepare<[number, string, number], [string, number, number | null]>(
        'SELECT name, step, value FROM metrics WHERE run_id = ? AND name = ? AND step > ? ORDER BY step',
      )
      .raw(true);
    const stmt = this.afterStmt;
    return this.names(runId).flatMap((name) => stmt.all(runId, name, step).map(([n, s, v]): MetricRow => [n, s, v ?? NaN]));
  }
  private afterStmt: Statement<[number, string, number], [string, number, number | null]> | undefined;

  /** Drops points after `step` (a run resumed from an earlier checkpoint rewrites them). */
  deleteAfter(runId: number, step: number): void {
    this.db.transaction(() => {
      this.deleteAfterStmt.run(runId, step);
      rebuildBuckets(this.db, runId, step);
    })();
  }
}
