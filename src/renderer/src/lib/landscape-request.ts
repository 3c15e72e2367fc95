// The landscape viewer's form → the options of analysis.landscape, checked by the API's own schema before anything is
// sent, with its problem per option (e.g. "points: must be a whole number from 2 to 1001, got 1"). Pure, so it is
// unit-tested.
import {
  LANDSCAPE_DEFAULTS,
  LandscapeOptionsSchema,
  landscapeCrossProblems,
  type DirectionKind,
  type DirectionNormalization,
  type LandscapeKind,
  type LandscapeOptions,
  type LandscapeParams,
  type OneDimMode,
} from '../../../shared/api/landscape-options';
import { OptionError, optionProblems } from '../../../shared/api/option-rules';
import {
  REDUCED_LIMITS,
  ReducedOptionsSchema,
  resolveReduced,
  type ReducedAxisPath,
  type ReducedLrScaling,
  type ReducedOptions,
} from '../../../shared/api/reduced-options';
import type { LrSchedule, RunConfig } from '../../../shared/config/run-config';

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

/** Slices over training shown at once: fewer than the API's default, so the viewer's first grid comes back quickly. */
const FORM_MAX_CHECKPOINTS = 20;

export function defaultForm(lastStep: number | null): LandscapeForm {
  return {
    mode: '1d',
    step: lastStep,
    steps: [],
    maxCheckpoints: FORM_MAX_CHECKPOINTS,
    direction: 'random',
    direction2: 'random',
    normalization: 'filter',
    oneDim: 'zero',
    orthogonalize: false,
    seed: LANDSCAPE_DEFAULTS.seed,
    from: LANDSCAPE_DEFAULTS.range[0],
    to: LANDSCAPE_DEFAULTS.range[1],
    points: LANDSCAPE_DEFAULTS.points1d,
    from2: null,
    to2: null,
    points2: null,
  };
}

export function landscapeRequest(f: LandscapeForm): { options: LandscapeOptions; problems: Record<string, string> } {
  const kind = modeKind(f.mode);
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
    if (f.steps.length > 0) options.steps = [...f.steps].sort((a, b) => a - b);
    else options.maxCheckpoints = f.maxCheckpoints;
  } else if (f.step !== null) options.step = f.step;
  if (kind === '2d') {
    options.direction2 = f.direction2;
    options.orthogonalize = f.orthogonalize;
    if (f.from2 !== null || f.to2 !== null) options.range2 = [f.from2 ?? f.from, f.to2 ?? f.to];
    if (f.points2 !== null) options.points2 = f.points2;
  }
  const parsed = LandscapeOptionsSchema.safeParse(options);
  const problems = parsed.success ? {} : optionProblems(parsed.error);
  // the schema skips the rules between options while a field is malformed; the form shows every problem at once
  for (const p of landscapeCrossProblems(options)) problems[p.option] ??= p.problem;
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
export function parseNumberList(
  text: string,
  name: string,
  rule: (v: number) => boolean,
  ruleText: string,
): { value: number[] | null; problem: string | null } {
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
  if (parts.length === 0) return { value: null, problem: null };
  const value = parts.map(Number);
  const bad = parts.find((p, i) => !Number.isFinite(value[i]!) || !rule(value[i]!));
  if (bad !== undefined) return { value: null, problem: `${name}: "${bad}" is not ${ruleText}` };
  if (value.length > 100) return { value: null, problem: `${name}: at most 100 values, got ${value.length}` };
  return { value, problem: null };
}

/** The reduced-landscape panel's fields: lists as typed, '' or null where the API's default applies. */
export interface ReducedForm {
  scales: string;
  axis: ReducedAxisPath | '';
  values: string;
  updates: number | null;
  lrScaling: ReducedLrScaling;
  lrSchedule: LrSchedule | '';
}

/** The panel's fields → the options of analysis.reduced, checked by the API's schema, each problem as "option: …";
 *  with the run's config, every cell's config is checked too (as the back end will), before anything is launched. */
export function reducedRequest(f: ReducedForm, config?: RunConfig): { options: ReducedOptions; problems: string[] } {
  // a token that is no number is named here; a number out of range by the schema below
  const scales = parseNumberList(f.scales, 'scales', () => true, `a factor in (0, ${REDUCED_LIMITS.scaleMax}]`);
  const values = parseNumberList(f.values, 'values', () => true, 'a number');
  const options: ReducedOptions = { lrScaling: f.lrScaling };
  if (f.lrSchedule) options.lrSchedule = f.lrSchedule;
  if (scales.value) options.scales = scales.value;
  if (f.axis) options.axis = f.axis;
  if (values.value) options.values = values.value;
  if (f.updates !== null) options.steps = f.updates;
  const parsed = ReducedOptionsSchema.safeParse(options);
  // the panel calls a cell's optimiser updates "updates", as the CLI does
  const named = Object.entries(parsed.success ? {} : optionProblems(parsed.error)).map(
    ([k, m]) => `${k === 'steps' ? 'updates' : k}: ${m}`,
  );
  const problems = [
    scales.problem,
    values.problem,
    ...named,
    values.value && !f.axis ? 'values: choose the axis they are values of' : null,
  ].filter((p): p is string => p !== null);
  if (problems.length === 0 && config) {
    try {
      resolveReduced(config, options);
    } catch (e) {
      if (!(e instanceof OptionError)) throw e;
      problems.push(e.message);
    }
  }
  return { options, problems };
}
