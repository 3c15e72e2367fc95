// A run's metric series as the run page shows them: fetched once ('runs.metrics'), then grown by 'run.progress'
// points. The arrays are plain (not reactive proxies: thousands of points); `version` tells the charts to redraw.
import type { EventPayloads } from '../../../shared/api/contract';
import type { MetricSeries } from '../../../shared/api/types';

type Point = EventPayloads['run.progress']['points'][number];

const REDRAW_MS = 250;

export class LiveSeries {
  version = $state(0);
  step = $state(0);
  // Deliberately not reactive (no SvelteMap): thousands of points; `version` is the one signal.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly byName = new Map<string, MetricSeries>();
  /** points that arrived while the initial fetch was in flight */
  private buffered: Point[] | null = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastBump = 0;

  /** Before a (re)fetch: hold live points until the fetched series are in. */
  startBuffering(): void {
    this.buffered ??= [];
  }

  /** Installs the fetched series, then replays any live points newer than what the fetch returned. */
  load(series: MetricSeries[]): void {
    this.byName.clear();
    for (const s of series) this.byName.set(s.name, { ...s, steps: [...s.steps], values: [...s.values] });
    const pending = this.buffered ?? [];
    this.buffered = null;
    this.appendPoints(pending);
    this.bump();
  }

  /** Live points; before load() they wait in a buffer so the order stays right. */
  append(points: Point[], step: number): void {
    if (step > this.step) this.step = step;
    if (this.buffered) {
      this.buffered.push(...points);
      return;
    }
    if (this.appendPoints(points)) this.bump();
  }

  private appendPoints(points: Point[]): boolean {
    let changed = false;
    for (const p of points) {
      let s = this.byName.get(p.name);
      if (!s) this.byName.set(p.name, (s = { name: p.name, steps: [], values: [], downsampled: false }));
      const last = s.steps[s.steps.length - 1];
      // A point the fetch already returned (or an out-of-order duplicate) is skipped.
      if (last !== undefined && p.step <= last) continue;
      s.steps.push(p.step);
      s.values.push(p.value);
      if (p.step > this.step) this.step = p.step;
      changed = true;
    }
    return changed;
  }

  /** Redraws at most 4 times a second however fast points arrive; a timer (not rAF) so hidden tabs keep up. */
  private bump(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastBump + REDRAW_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.lastBump = Date.now();
      this.version++;
    }, wait);
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** A snapshot for the chart builder; arrays are shared, so callers must not mutate them. */
  all(): MetricSeries[] {
    return [...this.byName.values()];
  }

  get(name: string): MetricSeries | undefined {
    return this.byName.get(name);
  }

  /** Number of points of the named series (what the chart draws). */
  count(name: string): number {
    return this.byName.get(name)?.steps.length ?? 0;
  }
}
