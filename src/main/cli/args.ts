// A small, strict argument parser: every command declares its positionals and flags; anything else is invalid input
// (exit 2) with a message naming the offending argument. Accepts `--flag value` and `--flag=value`.
import { UsageError } from './errors';

export interface CommandSpec {
  name: string;
  positionals: string[];
  /** flag name (without --) → whether it takes a value */
  flags: Record<string, 'value' | 'boolean'>;
}

export interface ParsedArgs {
  positionals: Record<string, string>;
  flags: Record<string, string | true>;
}

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  const see = `see "grokscope ${spec.name} --help"`;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('-') && arg !== '-') {
      const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/s.exec(arg);
      const kind = m ? spec.flags[m[1]!] : undefined;
      if (!m || !kind) throw new UsageError(`unknown option ${JSON.stringify(arg)} for "grokscope ${spec.name}"; ${see}`);
      const name = m[1]!;
      if (Object.hasOwn(flags, name)) throw new UsageError(`--${name} is given more than once`);
      if (kind === 'boolean') {
        if (m[2] !== undefined) throw new UsageError(`--${name} takes no value, got ${JSON.stringify(arg)}`);
        flags[name] = true;
      } else if (m[2] !== undefined) {
        flags[name] = m[2];
      } else {
        const v = argv[i + 1];
        if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new UsageError(`--${name} needs a value; ${see}`);
        flags[name] = v;
        i++;
      }
      continue;
    }
    positionals.push(arg);
  }
  if (positionals.length > spec.positionals.length)
    throw new UsageError(
      `unexpected argument ${JSON.stringify(positionals[spec.positionals.length])} for "grokscope ${spec.name}"; ${see}`,
    );
  if (positionals.length < spec.positionals.length)
    throw new UsageError(`"grokscope ${spec.name}" needs ${spec.positionals.slice(positionals.length).join(' ')}; ${see}`);
  return { positionals: Object.fromEntries(spec.positionals.map((p, i) => [p, positionals[i]!])), flags };
}

export const stringFlag = (a: ParsedArgs, name: string): string | undefined => {
  const v = a.flags[name];
  return typeof v === 'string' ? v : undefined;
};

export function intFlag(a: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const v = stringFlag(a, name);
  if (v === undefined) return undefined;
  const n = /^[0-9]+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
}

export function choiceFlag<T extends string>(a: ParsedArgs, name: string, choices: readonly T[]): T | undefined {
  const v = stringFlag(a, name);
  if (v === undefined) return undefined;
  if (!(choices as readonly string[]).includes(v))
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

export function runIdArg(v: string): number {
  const n = /^[0-9]+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`RUN must be a run id (a positive integer, see "grokscope list"), got ${JSON.stringify(v)}`);
  return n;
}
