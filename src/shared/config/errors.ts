// Turns zod issues into one-line messages a researcher can act on: `optimizer.lr: must be > 0, got -1`.
import type { z } from 'zod';

export interface ConfigProblem {
  /** dotted config path, e.g. `optimizer.lr`; '' for the whole document */
  path: string;
  message: string;
  /** 1-based line in the source file when known */
  line?: number;
}

const show = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v);
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return String(v);
};

export const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');

export function describeIssue(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'too_small': {
      const op = issue.inclusive ? '>=' : '>';
      if (issue.origin === 'array' || issue.origin === 'string') return `must have length ${op} ${issue.minimum}, got ${show(input)}`;
      return `must be ${op} ${issue.minimum}, got ${show(input)}`;
    }
    case 'too_big': {
      const op = issue.inclusive ? '<=' : '<';
      if (issue.origin === 'array' || issue.origin === 'string') return `must have length ${op} ${issue.maximum}`;
      return `must be ${op} ${issue.maximum}, got ${show(input)}`;
    }
    case 'invalid_type':
      if (input === undefined) return `is required (${issue.expected})`;
      return `must be ${issue.expected}, got ${show(input)}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${show(input)}`;
    case 'invalid_union':
      if ((issue as { note?: string }).note === 'No matching discriminator')
        return `is not a known kind, got ${show((input as Record<string, unknown> | undefined)?.['kind'] ?? input)}`;
      return `does not match any allowed form, got ${show(input)}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}, got ${show(input)}`;
    default:
      return issue.message;
  }
}

export function problemsFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): ConfigProblem[] {
  return error.issues.map((issue) => {
    const full = [...prefix, ...issue.path];
    // Unknown keys are reported at the object that holds them; point at the key itself.
    const path = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? formatPath([...full, issue.keys[0]!]) : formatPath(full);
    const message = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? 'unknown key' : describeIssue(issue);
    return { path, message };
  });
}

export const formatProblem = (p: ConfigProblem, file?: string): string =>
  `${file ? `${file}${p.line ? `:${p.line}` : ''}: ` : ''}${p.path || '(document)'}: ${p.message}`;
