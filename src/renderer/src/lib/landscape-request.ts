// The landscape viewer's form → the options of analysis.landscape, with a readable problem per field (named as the
// API's option, e.g. "range: from must be below to") before anything is sent. Pure, so it is unit-tested.
import type { DirectionKind, DirectionNormalization, LandscapeKind, LandscapeOptions, LandscapeParams, OneDimMode } from '../../../shared/api/landscape-types';

/** What the viewer draws: the three kinds of grid, 2d drawn as contours or as a 3D surface. */
export type LandscapeMode = '1d' | '1d-training' | '2d' | '3d';
export const MODE_LABELS: Record<LandscapeMode, string> = {
  '1d': '1D slice',
  '1d-training': '1D slices over training',
  '2d': '2D contour',
  '3d': '3D surface',
};
export const modeKind = (m: LandscapeMode): LandscapeKind => (m === '3d' ? '2d' : m);

export interface LandscapeForm {
  mode: LandscapeMode;
  /** centre checkpoint (1d, 2d) */
  step: number | null;
  /** 1d-training: chosen checkpoints; empty = all, thinned to maxCheckpoints */
  steps: number[];
  maxCheckpoints: number;
  direction: DirectionKind;
  direction2: DirectionKind;
  normalization: DirectionNormalization;
  oneDim: OneDimMode;
  orthogonalize: boolean;
  seed: number;
  from: number;
  to: number;
  points: number;
  /** 2d: β range and points; null = those of α */
  from2: number | null;
  to2: number | null;
  points2: number | null;
}

export function defaultForm(lastStep: number | null): LandscapeForm {
  return {
    mode: '1d',
    step: lastStep,
    steps: [],
    maxCheckpoints: 20,
    direction: 'random',
    direction2: 'random',
    normalization: 'filter',
    oneDim: 'zero',
    orthogonalize: false,
    seed: 0,
    from: -1,
    to: 1,
    points: 51,
    from2: null,
    to2: null,
    points2: null,
  };
}

/** Grid sizes above these take minutes on a CPU; the API accepts up to 1001 per axis. */
export const MAX_POINTS = 1001;

export function landscapeRequest(f: LandscapeForm): { options: LandscapeOptions; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const kind = modeKind(f.mode);
  const whole = (name: string, v: number, lo: number, hi: number) => {
    if (!Number.isInteger(v) || v < lo || v > hi) problems[name] = `must be a whole number from ${lo} to ${hi}, got ${Number.isNaN(v) ? 'nothing' : v}`;
  };
  const range = (name: string, a: number, b: number) => {
    if (!Number.isFinite(a) || !Number.isFinite(b)) problems[name] = 'from and to must both be numbers';
    else if (!(a < b)) problems[name] = `from (${a}) must be below to (${b})`;
    else if (Math.abs(a) > 1000 || Math.abs(b) > 1000) problems[name] = 'must lie within [−1000, 1000]';
  };
  range('range', f.from, f.to);
  whole('points', f.points, 2, MAX_POINTS);
  whole('seed', f.seed, 0, 2 ** 31 - 1);
  const options: LandscapeOptions = {
    kind,
    direction: f.direction,
    normalization: f.normalization,
    oneDim: f.oneDim,
    seed: f.seed,
    range: [f.from, f.to],
    points: f.points,
  };
  if (kind === '1d-training') {
    whole('maxCheckpoints', f.maxCheckpoints, 1, 500);
    if (f.steps.length > 0) options.steps = [...f.steps].sort((a, b) => a - b);
    else options.maxCheckpoints = f.maxCheckpoints;
  } else if (f.step !== null) options.step = f.step;
  if (kind === '2d') {
    options.direction2 = f.direction2;
    options.orthogonalize = f.orthogonalize;
    if (f.from2 !== null || f.to2 !== null) {
      const a = f.from2 ?? f.from;
      const b = f.to2 ?? f.to;
      range('range2', a, b);
      options.range2 = [a, b];
    }
    if (f.points2 !== null) {
      whole('points2', f.points2, 2, MAX_POINTS);
      options.points2 = f.points2;
    }
    if (f.direction === f.direction2 && f.direction !== 'random' && f.direction !== 'pca')
      problems.direction2 = `the same ${f.direction} direction twice spans no plane: pick another second direction`;
  }
  return { options, problems };
}

/** Rows of a grid of this form (for the "n × m points" hint). */
export function gridPoints(f: LandscapeForm): number {
  const k = modeKind(f.mode);
  if (k === '2d') return f.points * (f.points2 ?? f.points);
  if (k === '1d-training') return f.points * (f.steps.length || f.maxCheckpoints);
  return f.points;
}

/** The form that asks for a stored grid again (same parameters, so the same stored key): opening a stored landscape
 *  shows its settings, and Compute on them continues it if it was cut short. A 2d grid keeps the 3D view if shown. */
export function formFromParams(p: LandscapeParams, prev: LandscapeForm): LandscapeForm {
  const same2 = p.range2 === null || (p.range2[0] === p.range[0] && p.range2[1] === p.range[1]);
  return {
    ...prev,
    mode: p.kind === '2d' && prev.mode === '3d' ? '3d' : p.kind,
    step: p.kind === '1d-training' ? prev.step : (p.steps[0] ?? prev.step),
    steps: p.kind === '1d-training' ? [...p.steps] : [],
    direction: p.direction,
    direction2: p.direction2 ?? prev.direction2,
    normalization: p.normalization,
    oneDim: p.oneDim,
    orthogonalize: p.orthogonalize,
    seed: p.seed,
    from: p.range[0],
    to: p.range[1],
    points: p.points,
    from2: same2 ? null : p.range2![0],
    to2: same2 ? null : p.range2![1],
    points2: p.points2 === null || p.points2 === p.points ? null : p.points2,
  };
}

/** A comma- or space-separated list of numbers; null when blank (the API's default), a problem when not numbers. */
export function parseNumberList(text: string, name: string, rule: (v: number) => boolean, ruleText: string): { value: number[] | null; problem: string | null } {
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
  if (parts.length === 0) return { value: null, problem: null };
  const value = parts.map(Number);
  const bad = parts.find((p, i) => !Number.isFinite(value[i]!) || !rule(value[i]!));
  if (bad !== undefined) return { value: null, problem: `${name}: "${bad}" is not ${ruleText}` };
  if (value.length > 100) return { value: null, problem: `${name}: at most 100 values, got ${value.length}` };
  return { value, problem: null };
}
