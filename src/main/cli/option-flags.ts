// The analyses' flags → their API options, parsed by the same shared schemas as the API, so ranges and rules are
// written once; a problem is worded by the schema and names the flag: "--points must be a whole number from 2 to
// 1001, got 1". Only the syntax of a flag's text (a list, a pair) is checked here.
import type { z } from 'zod';
import { OptionError, parseOptions } from '../../shared/api/option-rules';
import { stringFlag, type ParsedArgs } from './args';
import { UsageError } from './errors';

/** The flag of each API option whose name differs (the rest are spelled alike). */
export const FLAG_OF: Record<string, string> = {
  step: 'checkpoint',
  maxCheckpoints: 'max-checkpoints',
  oneDim: 'one-dim',
  evalEvery: 'eval-every',
  lrScaling: 'lr-scaling',
  lrSchedule: 'lr-schedule',
  maxIter: 'max-iter',
  maxPoints: 'max-points',
  excludeOneDim: 'exclude-one-dim',
};
/** "grokscope analyze reduced" calls a cell's optimiser updates --updates (its --steps would read as checkpoints). */
export const REDUCED_FLAG_OF: Record<string, string> = { ...FLAG_OF, steps: 'updates' };

/** Parses the options with the schema; a problem becomes a usage error naming the flag. */
export function parseFlags<S extends z.ZodType>(
  schema: S,
  options: Record<string, unknown>,
  flagOf: Record<string, string> = FLAG_OF,
): z.output<S> {
  try {
    return parseOptions(schema, options);
  } catch (e) {
    if (e instanceof OptionError) throw new UsageError(e.option ? `--${flagOf[e.option] ?? e.option} ${e.problem}` : e.problem);
    throw e;
  }
}

/** A whole-number flag as a number, or its text when it is not digits (the schema then names it). */
export function wholeFlag(a: ParsedArgs, name: string): number | string | undefined {
  const v = stringFlag(a, name);
  return v !== undefined && /^[0-9]+$/.test(v) ? Number(v) : v;
}

/** A comma-separated list of numbers. */
export function numbersFlag(a: ParsedArgs, name: string, what: string): number[] | undefined {
  const v = stringFlag(a, name);
  if (v === undefined) return undefined;
  const nums = v.split(',').map((s) => (s.trim() === '' ? NaN : Number(s.trim())));
  if (nums.some((n) => !Number.isFinite(n)))
    throw new UsageError(`--${name} must be ${what} separated by commas, got ${JSON.stringify(v)}`);
  return nums;
}

/** FROM,TO: two numbers (their order and bounds are the schema's). */
export function rangeFlag(a: ParsedArgs, name: string): number[] | undefined {
  const r = numbersFlag(a, name, 'two numbers FROM,TO');
  if (r !== undefined && r.length !== 2)
    throw new UsageError(
      `--${name} must be two numbers FROM,TO separated by commas (e.g. -1,1), got ${JSON.stringify(stringFlag(a, name))}`,
    );
  return r;
}

/** --steps S,S,...: checkpoint steps. */
export function checkpointsFlag(a: ParsedArgs): number[] | undefined {
  const v = stringFlag(a, 'steps');
  if (v === undefined) return undefined;
  const steps = v.split(',').map((s) => s.trim());
  if (steps.some((s) => !/^[0-9]+$/.test(s)))
    throw new UsageError(`--steps must be checkpoint steps separated by commas, got ${JSON.stringify(v)}`);
  return steps.map(Number);
}

/** The options object without the flags that were not given. */
export const given = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
