// Seed groups, as W&B and Aim draw them: runs whose configs differ only in their initialisation seed (and name) are
// one experiment repeated; their curves become a mean with a min–max or ±1 std band, their phases a mean ± std. Pure.
import { configLeaves } from './config-diff';
import type { Phases } from './phases';

/** Settings that do not make runs different experiments: the name, and the seed a sweep's `seeds` varies. */
export const SEED_PATHS: readonly string[] = ['name', 'seed'];

/** The runs' indices grouped by their configs without the seed paths, groups in order of their first run. */
export function seedGroups(configs: readonly unknown[], ignore: readonly string[] = SEED_PATHS): number[][] {
  const byKey = new Map<string, number[]>();
  configs.forEach((c, i) => {
    const leaves = [...configLeaves(c).entries()].filter(([p]) => !ignore.includes(p)).sort(([a], [b]) => (a < b ? -1 : 1));
    const key = JSON.stringify(leaves);
    const group = byKey.get(key);
    if (group) group.push(i);
    else byKey.set(key, [i]);
  });
  return [...byKey.values()];
}

/** The runs' indices grouped by one setting's value (W&B's "group by"), groups in order of their first run; a run
 *  without the setting is a group of its own kind ("–"). */
export function groupsBy(configs: readonly unknown[], path: string): { value: string; members: number[] }[] {
  const byValue = new Map<string, number[]>();
  configs.forEach((c, i) => {
    const v = configLeaves(c).get(path) ?? '–';
    const group = byValue.get(v);
    if (group) group.push(i);
    else byValue.set(v, [i]);
  });
  return [...byValue].map(([value, members]) => ({ value, members }));
}

export interface Curve {
  steps: readonly number[];
  values: readonly number[];
}

/** A group's curve at each step: mean, standard deviation (population, as W&B's band), min, max and how many runs
 *  reached the step. */
export interface BandCurve {
  steps: number[];
  mean: number[];
  std: number[];
  min: number[];
  max: number[];
  count: number[];
}

/** Linear interpolation of a curve at x, or NaN outside the steps it covers (a run that has not got there yet). */
function valueAt(c: Curve, x: number, from: number): { v: number; at: number } {
  const { steps, values } = c;
  let i = from;
  while (i < steps.length && steps[i]! < x) i++;
  if (i >= steps.length) return { v: NaN, at: i };
  if (steps[i] === x) return { v: values[i]!, at: i };
  if (i === 0) return { v: NaN, at: i };
  const s0 = steps[i - 1]!;
  const s1 = steps[i]!;
  const v0 = values[i - 1]!;
  const v1 = values[i]!;
  return { v: v0 + ((v1 - v0) * (x - s0)) / (s1 - s0), at: i };
}

/** Mean, std, min and max over the curves at every step any of them has; a curve counts only between its first and
 *  last step (runs of one group evaluate at the same steps, but downsampling and live runs make them differ). */
export function bandCurve(curves: readonly Curve[]): BandCurve {
  const steps = [...new Set(curves.flatMap((c) => [...c.steps]))].filter(Number.isFinite).sort((a, b) => a - b);
  const out: BandCurve = { steps: [], mean: [], std: [], min: [], max: [], count: [] };
  const cursor = curves.map(() => 0);
  for (const x of steps) {
    const vs: number[] = [];
    curves.forEach((c, k) => {
      const { v, at } = valueAt(c, x, cursor[k]!);
      cursor[k] = Math.max(0, at - 1);
      if (Number.isFinite(v)) vs.push(v);
    });
    if (vs.length === 0) continue;
    const mean = vs.reduce((a, b) => a + b, 0) / vs.length;
    const variance = vs.reduce((a, b) => a + (b - mean) ** 2, 0) / vs.length;
    out.steps.push(x);
    out.mean.push(mean);
    out.std.push(Math.sqrt(variance));
    out.min.push(Math.min(...vs));
    out.max.push(Math.max(...vs));
    out.count.push(vs.length);
  }
  return out;
}

/** One phase step over a group: mean and std over the runs that reached it, and how many did. */
/** The phase steps of 000 §2.3 a group's table shows. */
export const PHASE_STEPS = ['t1', 't2', 't3', 't4'] as const;
export type PhaseStep = (typeof PHASE_STEPS)[number];

export interface PhaseStat {
  mean: number | null;
  std: number | null;
  reached: number;
  runs: number;
}

export function phaseStats(phases: readonly Phases[]): Record<PhaseStep, PhaseStat> {
  const stat = (key: PhaseStep): PhaseStat => {
    const xs = phases.map((p) => p[key]).filter((x): x is number => x !== null);
    if (xs.length === 0) return { mean: null, std: null, reached: 0, runs: phases.length };
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    return { mean, std, reached: xs.length, runs: phases.length };
  };
  return Object.fromEntries(PHASE_STEPS.map((k) => [k, stat(k)])) as Record<PhaseStep, PhaseStat>;
}
