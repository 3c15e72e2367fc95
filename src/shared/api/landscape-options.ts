// The options of a loss landscape (000 §4, App. B): one zod schema holds every option's default, range and the rules
// between options; the API contract, "grokscope analyze landscape" and the landscape viewer's form all parse through
// it. The resolver fills the defaults in against the run's stored checkpoint steps, so it stays pure.
import { z } from 'zod';
import { chooseCheckpoints, requireStored, thinIndices } from './checkpoint-choice';
import { OptionError, checkpointSteps, interval, oneOf, parseOptions, wholeNumber } from './option-rules';

/** '1d': f(α) = L(θ + αδ) at one checkpoint; '1d-training': one such slice per checkpoint (an α × step matrix);
 *  '2d': L(θ + αδ + βη) on a grid. */
export const LANDSCAPE_KINDS = ['1d', '1d-training', '2d'] as const;
export type LandscapeKind = (typeof LANDSCAPE_KINDS)[number];

/**
 * Where a direction points, at the checkpoint θ_t it is drawn around:
 *  random  Gaussian N(0, I), seeded (the seed of the second direction is seed + 1)
 *  target  θ* − θ_t, θ* the run's final checkpoint (000 Fig. 4)
 *  next    θ_{t+1} − θ_t, the next stored checkpoint
 *  init    θ_0 − θ_t, θ_0 rebuilt from the run's seed and init.scale exactly as training drew it (000 Fig. 3)
 *  pca     the first (for the first direction) or second (second direction) principal direction of the trajectory
 *          θ_s − θ_T over the stored checkpoints (000 App. B.2; a unit vector)
 */
export const DIRECTION_KINDS = ['random', 'target', 'next', 'init', 'pca'] as const;
export type DirectionKind = (typeof DIRECTION_KINDS)[number];

/** 'filter': each filter of the direction scaled to the norm of the same filter of θ_t (Li et al. 2018, 000 §4);
 *  'raw': the direction as drawn (for target / next / init, α = 1 reaches that checkpoint exactly). */
export const DIRECTION_NORMALIZATIONS = ['filter', 'raw'] as const;
export type DirectionNormalization = (typeof DIRECTION_NORMALIZATIONS)[number];

/** One-dimensional parameters (biases, LayerNorm gains) under filter-wise normalisation: set to zero (Li et al.'s
 *  'biasbn'), 'per-scalar' (each scalar is its own filter, 000 §4: b_k(δ) ← b_k(δ)/|b_k(δ)| · |b_k(θ)|) or 'keep' (left
 *  as drawn). */
export const ONE_DIM_MODES = ['zero', 'per-scalar', 'keep'] as const;
export type OneDimMode = (typeof ONE_DIM_MODES)[number];

/** The data each point is evaluated on: 'train' is one full-batch forward pass per point, the rows' val arrays empty. */
export const LANDSCAPE_SPLITS = ['train+val', 'train'] as const;
export type LandscapeSplits = (typeof LANDSCAPE_SPLITS)[number];

/**
 * Named conventions for the options not given:
 *  li-2018       Li et al. (2018), the default: filter-wise normalisation, one-dimensional parameters' directions
 *                zeroed (their 'biasbn'), α ∈ [−1, 1]
 *  notsawo-2023  000 §4 and Fig. 3: filter-wise normalisation with each bias scalar its own filter
 *                (b_k(δ) ← b_k(δ)/|b_k(δ)|·|b_k(θ)|, oneDim 'per-scalar'), α ∈ [−3, 3]
 * Options given explicitly win over the preset.
 */
export const LANDSCAPE_PRESETS = ['li-2018', 'notsawo-2023'] as const;
export type LandscapePreset = (typeof LANDSCAPE_PRESETS)[number];
export const LANDSCAPE_PRESET_VALUES: Record<LandscapePreset, { oneDim: OneDimMode; range: [number, number] }> = {
  'li-2018': { oneDim: 'zero', range: [-1, 1] },
  'notsawo-2023': { oneDim: 'per-scalar', range: [-3, 3] },
};

export const LANDSCAPE_DEFAULTS = {
  range: [-1, 1] as [number, number],
  points1d: 51,
  points2d: 41,
  maxCheckpoints: 40,
  /** checkpoints of the trajectory sent for PCA and the projection on a 2d plane (evenly thinned, last kept) */
  trajectoryCheckpoints: 40,
  seed: 0,
} as const;

/** Grids above a few hundred points per axis take minutes on a CPU; the bound keeps a typo from taking hours. */
export const LANDSCAPE_LIMITS = {
  points: [2, 1001],
  rangeBound: 1000,
  maxCheckpoints: [1, 500],
  steps: 1000,
  seedMax: 2 ** 31 - 1,
} as const;

const L = LANDSCAPE_LIMITS;
/** Every option, each with its range; the run id is the contract's. */
export const landscapeOptionShape = {
  /** the convention the defaults of oneDim and range come from (default 'li-2018'; 'notsawo-2023': 000 §4's) */
  preset: oneOf(LANDSCAPE_PRESETS).optional().describe("defaults' convention: 'li-2018' (default) or 'notsawo-2023' (000 §4)"),
  kind: oneOf(LANDSCAPE_KINDS).optional().describe('1d slice, one 1d slice per checkpoint, or a 2d surface'),
  /** the centre checkpoint θ_t (1d, 2d); default the last stored one */
  step: wholeNumber(0, Number.MAX_SAFE_INTEGER).optional().describe('centre checkpoint (default: the last)'),
  /** 1d-training: the checkpoints, one slice each */
  steps: checkpointSteps(L.steps).optional().describe('1d-training: the checkpoints (default: all, thinned to maxCheckpoints)'),
  /** 1d-training (default 40) */
  maxCheckpoints: wholeNumber(...L.maxCheckpoints).optional(),
  /** first direction δ (default 'random'; 'target' for 1d-training) */
  direction: oneOf(DIRECTION_KINDS).optional(),
  /** second direction η of a 2d surface (default 'random', or 'pca' when direction is 'pca') */
  direction2: oneOf(DIRECTION_KINDS).optional(),
  /** default 'filter' ('raw' for pca, whose directions are unit vectors the trajectory is projected on) */
  normalization: oneOf(DIRECTION_NORMALIZATIONS).optional(),
  /** default 'zero' */
  oneDim: oneOf(ONE_DIM_MODES).optional(),
  /** 2d: Gram-Schmidt the second direction against the first (after normalisation); default false */
  orthogonalize: z.boolean().optional(),
  /** random directions' seed (default 0) */
  seed: wholeNumber(0, L.seedMax).optional(),
  /** α range (default [−1, 1]; along a raw PCA direction, the trajectory's extent plus 10% on each side) */
  range: interval(L.rangeBound).optional(),
  /** default 51 for 1d and 1d-training, 41 for 2d */
  points: wholeNumber(...L.points).optional(),
  /** 2d: β range and points (default: those of α) */
  range2: interval(L.rangeBound).optional(),
  points2: wholeNumber(...L.points).optional(),
  splits: oneOf(LANDSCAPE_SPLITS).optional().describe("the data each point is evaluated on (default 'train+val')"),
};

/** What the caller may set (analysis.landscape); every field has a default. */
export type LandscapeOptions = z.input<z.ZodObject<typeof landscapeOptionShape>>;

/** The rules between options, each reported at the option that breaks it (worded to follow the option's name). */
export function landscapeCrossProblems(o: LandscapeOptions): { option: string; problem: string }[] {
  const kind = o.kind ?? '1d';
  const out: { option: string; problem: string }[] = [];
  if (kind !== '2d') {
    const extra = (['direction2', 'range2', 'points2'] as const).find((k) => o[k] !== undefined);
    if (extra) out.push({ option: extra, problem: `belongs to a 2d surface (as do direction2, range2 and points2); kind is ${kind}` });
  }
  if (kind === '1d-training' && o.step !== undefined)
    out.push({ option: 'step', problem: 'is not for 1d-training, which takes steps (one slice per checkpoint)' });
  if (kind !== '1d-training' && o.steps !== undefined)
    out.push({ option: 'steps', problem: `is not for ${kind}, which takes one centre checkpoint (step)` });
  const d = o.direction ?? 'random';
  if (kind === '2d' && o.direction2 === d && d !== 'random' && d !== 'pca')
    out.push({
      option: 'direction2',
      problem: `equals direction ("${d}"): the same direction twice spans no plane; pick another second direction`,
    });
  return out;
}

export function checkLandscapeOptions(o: LandscapeOptions, ctx: z.RefinementCtx): void {
  for (const p of landscapeCrossProblems(o)) ctx.addIssue({ code: 'custom', path: [p.option], message: p.problem });
}

export const LandscapeOptionsSchema = z.strictObject(landscapeOptionShape).superRefine(checkLandscapeOptions);

/** The options with every default filled in: what identifies a stored landscape (and what a resume must match). */
export interface LandscapeParams {
  kind: LandscapeKind;
  /** the centre checkpoint of each row's slice: one for 1d and 2d, one per row for 1d-training */
  steps: number[];
  direction: DirectionKind;
  direction2: DirectionKind | null;
  normalization: DirectionNormalization;
  oneDim: OneDimMode;
  orthogonalize: boolean;
  seed: number;
  range: [number, number];
  points: number;
  range2: [number, number] | null;
  points2: number | null;
  /** set only to 'train' (absent: 'train+val') */
  splits?: 'train';
}

/**
 * Fills the defaults in and checks the options against the run's stored checkpoint steps (ascending, at least one).
 * Throws an OptionError naming the problem.
 */
export function resolveLandscape(runId: number, stored: readonly number[], options: LandscapeOptions): LandscapeParams {
  const o = parseOptions(LandscapeOptionsSchema, options);
  const all = stored;
  const kind = o.kind ?? '1d';
  const direction = o.direction ?? (kind === '1d-training' ? 'target' : 'random');
  const direction2 = kind === '2d' ? (o.direction2 ?? (direction === 'pca' ? 'pca' : 'random')) : null;
  const allPca = direction === 'pca' && (direction2 === null || direction2 === 'pca');
  const preset = LANDSCAPE_PRESET_VALUES[o.preset ?? 'li-2018'];
  const range = o.range ?? preset.range;
  const points = o.points ?? (kind === '2d' ? LANDSCAPE_DEFAULTS.points2d : LANDSCAPE_DEFAULTS.points1d);
  const last = all[all.length - 1]!;
  const usesNext = direction === 'next' || direction2 === 'next';
  const usesTarget = direction === 'target' || direction2 === 'target';
  // the trajectory PCA centres the T − 1 differences θ_s − θ_T, so PC k needs at least k + 2 checkpoints
  const pcaNeeds = direction2 === 'pca' ? 4 : direction === 'pca' ? 3 : 0;
  if (all.length < pcaNeeds) {
    const which = pcaNeeds === 4 ? 'the second PCA direction needs' : 'a PCA direction needs';
    throw new OptionError('', `run ${runId} has ${all.length} checkpoint(s); ${which} at least ${pcaNeeds}`);
  }
  let steps: number[];
  if (kind === '1d-training') {
    // θ* − θ_T and θ_{T+1} − θ_T do not exist at the final checkpoint: leave it out of the default
    const pool = usesNext || usesTarget ? all.slice(0, -1) : all;
    if (!(o.steps && o.steps.length > 0) && pool.length === 0)
      throw new OptionError('', `run ${runId} has only its final checkpoint; ${direction} directions need an earlier one`);
    steps = chooseCheckpoints(runId, all, o.steps, pool, o.maxCheckpoints ?? LANDSCAPE_DEFAULTS.maxCheckpoints);
  } else {
    const step = o.step ?? last;
    requireStored(runId, all, [step]);
    steps = [step];
  }
  if ((usesNext || usesTarget) && steps.includes(last)) {
    const which = usesNext ? 'θ_{t+1} − θ_t' : 'θ* − θ_t';
    throw new OptionError(
      '',
      `the ${which} direction is zero or missing at the final checkpoint (step ${last}); choose an earlier checkpoint`,
    );
  }
  return {
    kind,
    steps,
    direction,
    direction2,
    normalization: o.normalization ?? (allPca ? 'raw' : 'filter'),
    oneDim: o.oneDim ?? preset.oneDim,
    orthogonalize: kind === '2d' ? (o.orthogonalize ?? false) : false,
    seed: o.seed ?? LANDSCAPE_DEFAULTS.seed,
    range: [range[0], range[1]],
    points,
    range2: kind === '2d' ? ([...(o.range2 ?? range)] as [number, number]) : null,
    points2: kind === '2d' ? (o.points2 ?? points) : null,
    ...(o.splits === 'train' ? { splits: 'train' as const } : {}),
  };
}

/** The checkpoints the compute process gets as the trajectory (PCA, projection on a 2d plane); the last is θ*. */
export function trajectoryStepsOf(all: readonly number[], params: LandscapeParams): number[] {
  const needsTrajectory = params.kind === '2d' || params.direction === 'pca' || params.direction2 === 'pca';
  if (!needsTrajectory) return [all[all.length - 1]!];
  const thinned = thinIndices(all.length, LANDSCAPE_DEFAULTS.trajectoryCheckpoints).map((i) => all[i]!);
  return [...new Set([...thinned, ...params.steps])].sort((a, b) => a - b);
}

/**
 * Raw PCA directions are unit vectors in parameter space, where [−1, 1] rarely covers the path: an axis whose range
 * is not given, along a raw PCA direction, is fitted to the trajectory (see pcaExtent). Which axes: [α, β].
 */
export function pcaAxesToFit(params: LandscapeParams, options: LandscapeOptions): [boolean, boolean] {
  if (params.normalization !== 'raw' || params.kind === '1d-training') return [false, false];
  return [
    params.direction === 'pca' && options.range === undefined,
    params.kind === '2d' && params.direction2 === 'pca' && options.range2 === undefined,
  ];
}

/** Rounds to 3 significant digits, so a computed range reads well and keys stay stable. */
const round3 = (x: number): number => (x === 0 ? 0 : Number(x.toPrecision(3)));

/** The trajectory's extent along one axis, relative to the centre (as the compute process projects it), plus 10% on
 *  each side, as Li et al. frame the PCA plane around the path. */
export function pcaExtent(projections: readonly number[], centre: number): [number, number] {
  const xs = projections.map((x) => x - projections[centre]!);
  const lo = Math.min(0, ...xs);
  const hi = Math.max(0, ...xs);
  const pad = 0.1 * (hi - lo || 1);
  return [round3(lo - pad), round3(hi + pad)];
}
