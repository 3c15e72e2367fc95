// The options of Omnigrok's reduced landscape (003 §2-5): one zod schema with every default and range, parsed by the
// API contract, "grokscope analyze reduced" and the service; the resolver fills the defaults in from the run's config
// and checks every cell's config before a compute process starts.
import { z } from 'zod';
import { CellConfigError, cellConfig } from '../config/reduced-cell';
import { LR_SCHEDULES, type LrSchedule, type RunConfig } from '../config/run-config';
import { OptionError, oneOf, parseOptions, says, wholeNumber } from './option-rules';

/**
 * The second axis of the reduced landscape: the training-set size (task.trainSize for the sample tasks,
 * task.trainFraction for the table tasks) or the representation messiness m (task.messiness).
 */
export const REDUCED_AXES = ['task.trainSize', 'task.trainFraction', 'task.messiness'] as const;
export type ReducedAxisPath = (typeof REDUCED_AXES)[number];

export const REDUCED_LR_SCALINGS = ['fixed', 'with-norm'] as const;
export type ReducedLrScaling = (typeof REDUCED_LR_SCALINGS)[number];

export const REDUCED_DEFAULTS = {
  /** w/w0 from 1/4 to 4, log-spaced: the range where 003 Figs. 2-3 show the L and the U */
  scales: [0.25, 0.4, 0.63, 1, 1.59, 2.52, 4],
  maxSteps: 1000,
  evalPoints: 50,
} as const;

/** Named budgets: 'fast' (the defaults above: minutes on a CPU) and 'paper', 003's own (App. E: Adam at lr 1e-3 for
 *  10⁴ steps per cell; α from 0.1 to 10 as in App. B's Fig. 8, 21 log-spaced values). A preset only fills the options
 *  not given. */
export const REDUCED_PRESETS = ['fast', 'paper'] as const;
export type ReducedPreset = (typeof REDUCED_PRESETS)[number];
const PAPER_SCALES = Array.from({ length: 21 }, (_, k) => Number((10 ** (-1 + k / 10)).toPrecision(3)));
export const REDUCED_PRESET_VALUES: Record<ReducedPreset, { scales: readonly number[]; steps: number | null }> = {
  fast: { scales: REDUCED_DEFAULTS.scales, steps: null },
  paper: { scales: PAPER_SCALES, steps: 10_000 },
};

/** The two readings of a cell (landscape-types ReducedCell): 003 Eq. 1's, every metric at the training-loss minimiser
 *  on the sphere (the default), or each metric's best value over training independently. */
export const REDUCED_READINGS = ['at-train-min', 'best-over-training'] as const;
export type ReducedReading = (typeof REDUCED_READINGS)[number];

export const REDUCED_LIMITS = { scaleMax: 1000, values: 100, steps: 1_000_000 } as const;

const list = (of: z.ZodNumber, what: string) => {
  const e = says(`must be 1 to ${REDUCED_LIMITS.values} ${what}`);
  return z.array(of, e).min(1, e).max(REDUCED_LIMITS.values, e);
};
const scaleError = says(`must be factors in (0, ${REDUCED_LIMITS.scaleMax}]`);

export const reducedOptionShape = {
  /** the budget the other defaults come from: 'fast' (default) or 'paper' (10⁴ updates per cell, α 0.1 … 10, 21 values) */
  preset: oneOf(REDUCED_PRESETS).optional().describe("'fast' (default) or 'paper': 10⁴ updates, α 0.1…10 (21 values)"),
  /** weight-norm factors α: w = α·w0, w0 the norm of the standard initialisation (default 0.25 … 4, 7 values, log) */
  scales: list(z.number(scaleError).gt(0, scaleError).max(REDUCED_LIMITS.scaleMax, scaleError), 'factors')
    .optional()
    .describe('weight-norm factors α (w = α·w0)'),
  /** the second axis (default: messiness for the messiness task, else the task's size field) */
  axis: oneOf(REDUCED_AXES).optional(),
  /** its values (default: the run's own value only) */
  values: list(z.number(says('must be numbers')), 'numbers').optional(),
  /** optimiser updates per cell (default: min(run's steps, 1000)) */
  steps: wholeNumber(1, REDUCED_LIMITS.steps).optional(),
  /** evaluate every k updates (default: max(1, steps/50)) */
  evalEvery: wholeNumber(1, REDUCED_LIMITS.steps).optional(),
  /** 'with-norm': each cell's learning rate is the run's times α (Adam moves weights by ≈ lr per update whatever their
   *  norm, so large-norm cells otherwise need α times the updates to converge); default 'fixed' */
  lrScaling: oneOf(REDUCED_LR_SCALINGS).optional().describe("'with-norm': each cell's lr is the run's times α"),
  /** each cell's learning-rate schedule over its updates (default: the run's); 'cosine' lets a cell settle into its
   *  minimum, so the best loss over training is not set by Adam's noise floor at a constant rate */
  lrSchedule: oneOf(LR_SCHEDULES).optional().describe("each cell's lr schedule (default: the run's)"),
};

export const ReducedOptionsSchema = z.strictObject(reducedOptionShape);
export type ReducedOptions = z.input<typeof ReducedOptionsSchema>;

export interface ReducedParams {
  scales: number[];
  axis: ReducedAxisPath;
  values: number[];
  steps: number;
  evalEvery: number;
  lrScaling: ReducedLrScaling;
  /** absent: the run's own schedule (grids stored before this option) */
  lrSchedule?: LrSchedule;
}

/** The task field a reduced landscape's second axis sets, by default. */
function defaultAxis(config: RunConfig): ReducedAxisPath {
  if (config.task.kind === 'messiness') return 'task.messiness';
  return 'trainSize' in config.task ? 'task.trainSize' : 'task.trainFraction';
}

/** The second axes a run's task has: the fields of REDUCED_AXES its config holds (modular: trainFraction; the sample
 *  tasks: trainSize; messiness: messiness and trainFraction; MNIST: trainSize and messiness). */
export const reducedAxesOf = (config: RunConfig): ReducedAxisPath[] =>
  REDUCED_AXES.filter((a) => typeof (config.task as Record<string, unknown>)[a.slice('task.'.length)] === 'number');

/** Fills the defaults in from the run's config; every cell's config must be valid (e.g. not trainFraction 1.2, not
 *  trainSize on a modular task). Throws an OptionError naming the problem. */
export function resolveReduced(config: RunConfig, options: ReducedOptions): ReducedParams {
  const o = parseOptions(ReducedOptionsSchema, options);
  const axis = o.axis ?? defaultAxis(config);
  const own = (config.task as Record<string, unknown>)[axis.slice('task.'.length)];
  if (typeof own !== 'number')
    throw new OptionError('', `task "${config.task.kind}" has no ${axis}; choose axis ${reducedAxesOf(config).join(' or ')}`);
  const preset = REDUCED_PRESET_VALUES[o.preset ?? 'fast'];
  const steps = o.steps ?? preset.steps ?? Math.min(config.training.steps, REDUCED_DEFAULTS.maxSteps);
  const p: ReducedParams = {
    scales: [...(o.scales ?? preset.scales)],
    axis,
    values: [...(o.values ?? [own as number])],
    steps,
    evalEvery: o.evalEvery ?? Math.max(1, Math.floor(steps / REDUCED_DEFAULTS.evalPoints)),
    lrScaling: o.lrScaling ?? 'fixed',
    ...(o.lrSchedule ? { lrSchedule: o.lrSchedule } : {}),
  };
  for (const v of p.values)
    try {
      cellConfig(config, p, p.scales[0]!, v);
    } catch (e) {
      if (e instanceof CellConfigError) throw new OptionError('', e.message);
      throw e;
    }
  return p;
}
