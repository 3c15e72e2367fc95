// Sweep configs (DESIGN.md "Config files"): a base run config, axes over any config path (explicit values,
// linspace or logspace), seeds per cell, and the early-stopping policy. expandSweep turns one into the runs of its
// grid, each validated by the run schema, with every problem located by its sweep path.
import { z } from 'zod';
import { memoryProblem } from './memory-estimate';
import { problemsFromZod, type ConfigProblem } from './errors';
import { RunConfigSchema, type RunConfig } from './run-config';

const int = () => z.number().int();
const Range = z.strictObject({
  from: z.number(),
  to: z.number(),
  count: int().min(2).max(1000).describe('number of points, ends included'),
});

export const SweepAxisSchema = z
  .strictObject({
    path: z.string().min(1).max(200).describe('the run-config setting this axis varies, e.g. optimizer.lr or task.trainFraction'),
    values: z
      .array(z.union([z.number(), z.string(), z.boolean()]))
      .min(1)
      .max(1000)
      .optional()
      .describe('explicit values'),
    linspace: Range.optional().describe('count evenly spaced values from..to'),
    logspace: Range.optional().describe('count values evenly spaced in log10 from..to (both > 0)'),
  })
  .superRefine((a, ctx) => {
    const given = (['values', 'linspace', 'logspace'] as const).filter((k) => a[k] !== undefined);
    if (given.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `needs exactly one of values, linspace, logspace; got ${given.length ? given.join(', ') : 'none'}`,
      });
    if (a.logspace && !(a.logspace.from > 0 && a.logspace.to > 0))
      ctx.addIssue({ code: 'custom', path: ['logspace'], message: `from and to must be > 0, got ${a.logspace.from} and ${a.logspace.to}` });
  });

export const SWEEP_MODES = ['predict', 'confirm', 'full'] as const;
export type SweepMode = (typeof SWEEP_MODES)[number];
/** updates before the prediction, or `auto`: the shipped predictor's windows in turn */
export type SweepWindow = number | 'auto';

export const SweepConfigSchema = z.strictObject({
  name: z.string().max(200).optional(),
  base: z.record(z.string(), z.unknown()).describe('a run config: the settings every cell shares'),
  axes: z.array(SweepAxisSchema).min(1).max(4).describe('the grid: one axis per varied setting'),
  seeds: z
    .union([int().min(1).max(100), z.array(int().min(0)).min(1).max(100)])
    .default(1)
    .describe('initialisation seeds per cell: a count (seeds 0..n−1) or a list'),
  policy: z
    .strictObject({
      mode: z
        .enum(SWEEP_MODES)
        .default('predict')
        .describe(
          'predict: every cell to the predictor window; confirm: then continue the cells predicted to grok; full: every cell to its budget',
        ),
      window: z
        .union([int().min(8).max(100_000), z.literal('auto')])
        .default('auto')
        .describe(
          "updates before the grokking prediction (000 §3); auto: the shipped predictor's windows in turn (200, 400, 1000, 2000, 4000), each cell stopping at the first confident one",
        ),
    })
    .prefault({}),
});

export type SweepConfig = z.output<typeof SweepConfigSchema>;
export type SweepAxis = z.output<typeof SweepAxisSchema>;

/** The values of an axis, in order. */
export function axisValues(a: SweepAxis): (number | string | boolean)[] {
  if (a.values) return a.values;
  const r = (a.linspace ?? a.logspace)!;
  const out: number[] = [];
  for (let i = 0; i < r.count; i++) {
    const f = i / (r.count - 1);
    out.push(a.logspace ? 10 ** (Math.log10(r.from) + f * (Math.log10(r.to) - Math.log10(r.from))) : r.from + f * (r.to - r.from));
  }
  // 10^(log10 x) is not always x: give the ends exactly as written.
  out[0] = r.from;
  out[r.count - 1] = r.to;
  return out;
}

export interface SweepCell {
  /** position in the grid, one index per axis */
  index: number[];
  /** axis path → value */
  coords: Record<string, number | string | boolean>;
  seed: number;
  config: RunConfig;
}

const seedList = (s: SweepConfig['seeds']): number[] => (typeof s === 'number' ? Array.from({ length: s }, (_, i) => i) : s);

function hasPath(obj: unknown, parts: string[]): boolean {
  let at: unknown = obj;
  for (const p of parts) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, p)) return false;
    at = (at as Record<string, unknown>)[p];
  }
  return true;
}

function setPath(obj: Record<string, unknown>, parts: string[], value: unknown): void {
  let at = obj;
  for (const p of parts.slice(0, -1)) at = at[p] as Record<string, unknown>;
  at[parts.at(-1)!] = value;
}

const fmt = (v: number | string | boolean) => (typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v));

/** The runs of a sweep: the grid's cells (last axis fastest) × seeds, or the located problems. */
export function expandSweep(sweep: SweepConfig): { ok: true; cells: SweepCell[] } | { ok: false; problems: ConfigProblem[] } {
  const base = RunConfigSchema.safeParse(sweep.base, { reportInput: true });
  if (!base.success) return { ok: false, problems: problemsFromZod(base.error, ['base']) };
  const problems: ConfigProblem[] = [];
  const paths = sweep.axes.map((a) => a.path.split('.'));
  sweep.axes.forEach((a, i) => {
    if (!hasPath(base.data, paths[i]!))
      problems.push({ path: `axes[${i}].path`, message: `"${a.path}" is not a setting of the base config (with its defaults filled in)` });
    if (a.path === 'seed') problems.push({ path: `axes[${i}].path`, message: 'vary the initialisation seed with "seeds", not an axis' });
    if (sweep.axes.findIndex((b) => b.path === a.path) !== i)
      problems.push({ path: `axes[${i}].path`, message: `"${a.path}" is already an axis` });
  });
  if (problems.length) return { ok: false, problems };
  const values = sweep.axes.map(axisValues);
  const seeds = seedList(sweep.seeds);
  const cells: SweepCell[] = [];
  const index = values.map(() => 0);
  for (;;) {
    const raw = structuredClone(base.data) as unknown as Record<string, unknown>;
    const coords: Record<string, number | string | boolean> = {};
    index.forEach((k, a) => {
      const v = values[a]![k]!;
      setPath(raw, paths[a]!, v);
      coords[sweep.axes[a]!.path] = v;
    });
    for (const seed of seeds) {
      const label = Object.entries(coords)
        .map(([p, v]) => `${p.split('.').at(-1)}=${fmt(v)}`)
        .join(' ');
      const named = { ...raw, seed, name: `${sweep.name ?? 'sweep'} · ${label} · seed ${seed}`.slice(0, 200) };
      const r = RunConfigSchema.safeParse(named, { reportInput: true });
      if (!r.success) {
        for (const p of problemsFromZod(r.error)) {
          const axis = sweep.axes.findIndex((a) => p.path === a.path || p.path.startsWith(`${a.path}.`));
          // A bad value of one axis is named by that axis alone, and once: not again for every cell of its row or column.
          const at = axis >= 0 ? `${sweep.axes[axis]!.path.split('.').at(-1)}=${fmt(coords[sweep.axes[axis]!.path]!)}` : label;
          const problem = { path: axis >= 0 ? `axes[${axis}]` : `base.${p.path}`, message: `at ${at}: ${p.path}: ${p.message}` };
          if (!problems.some((q) => q.path === problem.path && q.message === problem.message)) problems.push(problem);
        }
      } else {
        const big = memoryProblem(r.data); // a cell too big for its backend is refused with the sweep, not after hours
        if (big) problems.push({ path: `base.${big.path}`, message: `at ${label}: ${big.path}: ${big.message}` });
        else cells.push({ index: [...index], coords, seed, config: r.data });
      }
    }
    // next grid point, last axis fastest
    let a = index.length - 1;
    while (a >= 0 && ++index[a]! >= values[a]!.length) index[a--] = 0;
    if (a < 0) break;
  }
  if (problems.length) return { ok: false, problems: [...new Map(problems.map((p) => [`${p.path}|${p.message}`, p])).values()] };
  return { ok: true, cells };
}
