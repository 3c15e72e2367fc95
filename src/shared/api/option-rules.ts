// Building blocks of the analysis options' schemas (landscape, reduced landscape, probes). Every check carries one
// message naming the allowed range and the value given, so the API, the CLI (which swaps the option for its flag) and
// the forms word a problem the same way: "points must be a whole number from 2 to 1001, got 1".
import { z } from 'zod';

/** An option the resolver refuses; services turn it into their input error, the CLI into a usage error. */
export class OptionError extends Error {
  constructor(
    /** the option as the API names it ('' for the whole request) */
    readonly option: string,
    /** what is wrong, without the option's name */
    readonly problem: string,
  ) {
    super(option ? `${option} ${problem}` : problem);
    this.name = 'OptionError';
  }
}

/** A value as a message shows it: NaN (an empty form field) reads as nothing, strings (raw flags) quoted. */
function showValue(v: unknown): string {
  if (v === undefined || (typeof v === 'number' && Number.isNaN(v))) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (Array.isArray(v)) return v.length > 8 ? `[${v.slice(0, 8).map(showValue).join(', ')}, …]` : `[${v.map(showValue).join(', ')}]`;
  return String(v);
}

/** One message for every way a value can miss (wrong type, bound, integrality), with the value given appended. */
export const says = (message: string) => ({ error: (issue: { input?: unknown }) => `${message}, got ${showValue(issue.input)}` });

export function wholeNumber(lo: number, hi: number) {
  const e = says(`must be a whole number from ${lo} to ${hi}`);
  return z.number(e).int(e).min(lo, e).max(hi, e);
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, says(`must be one of ${values.join(', ')}`));
}

/** Ascending, bounded, at most `max` of them: checkpoint steps. */
export const checkpointSteps = (max: number) =>
  z
    .array(wholeNumber(0, Number.MAX_SAFE_INTEGER), says(`must be a list of checkpoint steps`))
    .max(max, says(`must list at most ${max} steps`));

/** [from, to] with from < to, both within ±bound. */
export function interval(bound: number) {
  const e = says(`must be [from, to] with from < to, both within [−${bound}, ${bound}]`);
  const end = z.number(e).min(-bound, e).max(bound, e);
  return z.tuple([end, end], e).refine(([a, b]) => a < b, e);
}

/** A message per option: the first problem of each, keyed by the option (the top-level key). */
export function optionProblems(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const option = issue.path.length > 0 ? String(issue.path[0]) : '';
    out[option] ??= issue.message;
  }
  return out;
}

/** Parses with the schema; the first problem is thrown as an OptionError. */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const [option, problem] = Object.entries(optionProblems(r.error))[0]!;
  throw new OptionError(option, problem);
}
