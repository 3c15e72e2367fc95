// Curves against wall-clock time as well as step (issue 18, deliver 4; W&B's "relative time (wall)"). The back end
// stamps each metrics batch of a training process with the time it arrived, as one more series: `wall_time`, Unix
// seconds, at the batch's step. A chart by wall time maps every point's step to seconds since the run's first stamp,
// linearly between stamps (the per-update losses between two evaluations), so no other series needs a time of its own.
import type { MetricSeries, Phases } from '../api/types';

export const WALL_TIME_METRIC = 'wall_time';

/** A batch's rows with the wall-clock stamp of its step added (`nowMs` as Date.now()). */
export function withWallTime<R extends [string, number, number]>(step: number, rows: readonly R[], nowMs: number): R[] {
  return [...rows, [WALL_TIME_METRIC, step, nowMs / 1000] as R];
}

/** step → seconds since the first stamp; null when the run has no stamps (runs made before they were recorded). */
export function wallClock(series: readonly MetricSeries[]): ((step: number) => number) | null {
  const w = series.find((s) => s.name === WALL_TIME_METRIC);
  if (!w || w.steps.length === 0) return null;
  // stamps in step order, each no earlier than the one before (a resumed run's clock goes on from its stamps)
  const steps: number[] = [];
  const secs: number[] = [];
  for (let i = 0; i < w.steps.length; i++) {
    const s = w.steps[i]!;
    const t = w.values[i]!;
    if (!Number.isFinite(s) || !Number.isFinite(t) || (steps.length && s <= steps[steps.length - 1]!)) continue;
    steps.push(s);
    secs.push(Math.max(t, secs.length ? secs[secs.length - 1]! : t));
  }
  if (steps.length === 0) return null;
  const t0 = secs[0]!;
  const n = steps.length;
  return (step: number): number => {
    if (n === 1) return 0;
    // the segment holding step (the first or last one extended beyond the stamps)
    let lo = 0;
    let hi = n - 1;
    if (step <= steps[0]!) hi = 1;
    else if (step >= steps[n - 1]!) lo = n - 2;
    else
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (steps[mid]! <= step) lo = mid;
        else hi = mid;
      }
    const f = (step - steps[lo]!) / (steps[hi]! - steps[lo]!);
    return Math.max(0, secs[lo]! + f * (secs[hi]! - secs[lo]!) - t0);
  };
}

/** The series (and phases) with steps replaced by seconds since the run's first stamp; null without stamps. */
export function byWallTime(
  series: readonly MetricSeries[],
  phases: Phases | null,
): { series: MetricSeries[]; phases: Phases | null } | null {
  const at = wallClock(series);
  if (!at) return null;
  const moved = series.filter((s) => s.name !== WALL_TIME_METRIC).map((s) => ({ ...s, steps: s.steps.map(at) }));
  const p = phases && (Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, v === null ? null : at(v)])) as unknown as Phases);
  return { series: moved, phases: p };
}

/** Seconds as a chart's time axis writes them: 45s, 2m 30s, 1h 5m. */
export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return String(s);
  const r = Math.round(s);
  if (Math.abs(s) < 10 && r !== s) return `${Number(s.toPrecision(2))}s`;
  if (r < 60) return `${r}s`;
  if (r < 3600) return r % 60 ? `${Math.floor(r / 60)}m ${r % 60}s` : `${r / 60}m`;
  const m = Math.round(r / 60);
  return m % 60 ? `${Math.floor(m / 60)}h ${m % 60}m` : `${m / 60}h`;
}
