// The options of the model probes at checkpoints (000 App. B.1 Hessian eigenvalues, App. C intrinsic dimension): one
// zod schema each with every default and range, parsed by the API contract, "grokscope analyze hessian|id" and the
// probe service, which fills the defaults in with the resolvers below.
import { z } from 'zod';
import { checkpointSteps, parseOptions, says, wholeNumber } from './option-rules';

export const HESSIAN_DEFAULTS = { maxCheckpoints: 12, maxIter: 30, tol: 1e-2, excludeOneDim: true } as const;
export const ID_DEFAULTS = { maxCheckpoints: 20, maxPoints: 1000 } as const;

/** Every probe of a checkpoint costs seconds to minutes: the bounds keep a typo from taking hours. */
const PROBE_LIMITS = { steps: 1000, maxCheckpoints: 200, maxIter: [2, 500], maxPoints: [4, 20_000] } as const;

const tolError = says('must be a number in (0, 1)');
const checkpointOptions = {
  /** checkpoint steps to probe; default: every stored checkpoint, evenly thinned to maxCheckpoints */
  steps: checkpointSteps(PROBE_LIMITS.steps).optional(),
  maxCheckpoints: wholeNumber(1, PROBE_LIMITS.maxCheckpoints).optional(),
};

export const HessianOptionsSchema = z.strictObject({
  ...checkpointOptions,
  /** leave out one-dimensional parameters (biases, LayerNorm gains), as the authors' code does (default true) */
  excludeOneDim: z.boolean().optional(),
  /** Lanczos: at most this many Hessian-vector products per eigenvalue (default 30), relative tolerance (default 1e-2) */
  maxIter: wholeNumber(...PROBE_LIMITS.maxIter).optional(),
  tol: z.number(tolError).gt(0, tolError).lt(1, tolError).optional(),
});
export type HessianProbeOptions = z.input<typeof HessianOptionsSchema>;

export const IdOptionsSchema = z.strictObject({
  ...checkpointOptions,
  /** at most this many points per split (evenly spaced rows): the neighbour search costs n²·D */
  maxPoints: wholeNumber(...PROBE_LIMITS.maxPoints).optional(),
});
export type IdProbeOptions = z.input<typeof IdOptionsSchema>;

/** The Hessian probe's options with the defaults filled in (steps stay as asked: the service picks the checkpoints). */
export function resolveHessian(options: HessianProbeOptions): Required<Omit<HessianProbeOptions, 'steps'>> & { steps?: number[] } {
  const o = parseOptions(HessianOptionsSchema, options);
  return {
    ...(o.steps ? { steps: o.steps } : {}),
    maxCheckpoints: o.maxCheckpoints ?? HESSIAN_DEFAULTS.maxCheckpoints,
    excludeOneDim: o.excludeOneDim ?? HESSIAN_DEFAULTS.excludeOneDim,
    maxIter: o.maxIter ?? HESSIAN_DEFAULTS.maxIter,
    tol: o.tol ?? HESSIAN_DEFAULTS.tol,
  };
}

/** The intrinsic-dimension probe's options with the defaults filled in. */
export function resolveId(options: IdProbeOptions): Required<Omit<IdProbeOptions, 'steps'>> & { steps?: number[] } {
  const o = parseOptions(IdOptionsSchema, options);
  return {
    ...(o.steps ? { steps: o.steps } : {}),
    maxCheckpoints: o.maxCheckpoints ?? ID_DEFAULTS.maxCheckpoints,
    maxPoints: o.maxPoints ?? ID_DEFAULTS.maxPoints,
  };
}
