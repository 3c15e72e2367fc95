// The runs table's search box: words separated by spaces, each a column test or text to find.
//   lr>1e-3   wd=1   t4<=2000   optimizer.beta2!=0.98   status:completed   tag:paper   duration>5m   created>=2026-12-01
//   grokking  "mod 97"                      (text: in the name, task, model, tags or notes; quotes keep spaces)
// Every word must hold. `:` means "contains" for text and "equals" for numbers. Pure.
import type { RunSummary } from '../api/types';
import { configValue, isConfigPath, knownField, RUN_FIELDS, type FieldKind, type RunField } from './run-fields';

type Op = '>' | '>=' | '<' | '<=' | '=' | '!=' | ':';

export type RunTerm =
  | { kind: 'text'; text: string }
  | {
      kind: 'compare';
      key: string;
      op: Op;
      raw: string;
      /** the known column, or null for a config path */
      field: RunField | null;
      /** raw as a number in the column's unit, or null; read once here, not once per run */
      num: number | null;
    };

export interface RunQuery {
  terms: RunTerm[];
  /** sentences naming what could not be read, e.g. `unknown column "foo" in "foo>1"` */
  problems: string[];
}

const COMPARE = /^([A-Za-z_][\w.]*)(>=|<=|!=|>|<|=|:)(.+)$/;

/** Splits on spaces outside double quotes; the quotes go. */
function words(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:[^\s"]+|"[^"]*")+/g)) out.push(m[0].replace(/"/g, ''));
  return out.filter((w) => w.length > 0);
}

/** "90s", "5m", "2h", "1d" or plain seconds, in milliseconds. */
function parseDuration(v: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(v.trim());
  if (!m) return null;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 's']!;
  return Number(m[1]) * unit;
}

/** The number a term compares with, in the column's unit (dates in ms since 1970, durations in ms). */
function termNumber(raw: string, kind: FieldKind | null): number | null {
  if (kind === 'date') {
    const t = Date.parse(raw);
    return Number.isFinite(t) ? t : null;
  }
  if (kind === 'duration') return parseDuration(raw);
  const n = Number(raw);
  return raw.trim() !== '' && Number.isFinite(n) ? n : null;
}

export function parseRunQuery(text: string): RunQuery {
  const terms: RunTerm[] = [];
  const problems: string[] = [];
  for (const w of words(text)) {
    const m = COMPARE.exec(w);
    if (!m) {
      terms.push({ kind: 'text', text: w.toLowerCase() });
      continue;
    }
    const [, key, op, raw] = m as unknown as [string, string, Op, string];
    const field = knownField(key);
    if (!field && !isConfigPath(key)) {
      const known = RUN_FIELDS.map((x) => x.key).join(', ');
      problems.push(`unknown column "${key}" in "${w}": use one of ${known}, or a config path such as optimizer.beta2`);
      continue;
    }
    const kind = field?.kind ?? null;
    const ordered = op === '>' || op === '>=' || op === '<' || op === '<=';
    if (ordered && kind === 'text') {
      problems.push(`"${w}": ${key} is text; compare it with =, != or : (contains)`);
      continue;
    }
    if (ordered && termNumber(raw, kind) === null) {
      const want = kind === 'date' ? 'a date such as 2026-12-01' : kind === 'duration' ? 'a duration such as 90s, 5m or 2h' : 'a number';
      problems.push(`"${w}": ${op} needs ${want}, not "${raw}"`);
      continue;
    }
    terms.push({ kind: 'compare', key, op, raw, field: field ?? null, num: termNumber(raw, kind) });
  }
  return { terms, problems };
}

const lower = (v: unknown): string => String(v).toLowerCase();

function matchCompare(t: Extract<RunTerm, { kind: 'compare' }>, r: RunSummary, now: number): boolean {
  // tags: each tag on its own ("tag:wd" finds "wd 1"; "tag=wd" only "wd")
  if (t.field?.key === 'tags') {
    const want = lower(t.raw);
    const has = r.tags.some((tag) => (t.op === ':' ? lower(tag).includes(want) : lower(tag) === want));
    return t.op === '!=' ? !has : has;
  }
  const v = t.field ? t.field.get(r, now) : configValue(r, t.key);
  const n = t.num;
  if (v === null) return t.op === '!=';
  if (typeof v === 'number' && n !== null) {
    switch (t.op) {
      case '>':
        return v > n;
      case '>=':
        return v >= n;
      case '<':
        return v < n;
      case '<=':
        return v <= n;
      case '!=':
        return v !== n;
      default:
        return v === n;
    }
  }
  if (t.op === '>' || t.op === '>=' || t.op === '<' || t.op === '<=') return false;
  const s = lower(v);
  const want = lower(t.raw);
  if (t.op === ':') return s.includes(want);
  return t.op === '=' ? s === want : s !== want;
}

// A run's searchable text, lower-cased once per run object: the table's rows are replaced, never changed, when a
// run changes, so a keystroke over 10,000 runs builds no strings.
const texts = new WeakMap<RunSummary, string>();
function haystack(r: RunSummary): string {
  let hay = texts.get(r);
  if (hay === undefined) {
    hay = `${r.name}\n${r.task}\n${r.model}\n${r.tags.join('\n')}\n${r.notes}`.toLowerCase();
    texts.set(r, hay);
  }
  return hay;
}

/** Whether a run passes every term (a query with problems is read without its unreadable words). */
export function matchRun(q: RunQuery, r: RunSummary, now: number): boolean {
  for (const t of q.terms) {
    if (t.kind === 'compare') {
      if (!matchCompare(t, r, now)) return false;
      continue;
    }
    if (!haystack(r).includes(t.text)) return false;
  }
  return true;
}

/** The config paths a query or a column list reads (the table loads configs only when one does). */
export const configPathsOf = (q: RunQuery): string[] =>
  q.terms.flatMap((t) => (t.kind === 'compare' && !knownField(t.key) && isConfigPath(t.key) ? [t.key] : []));
