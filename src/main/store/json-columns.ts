// The JSON stored in *_json columns, read defensively: a value written by anything (an older or damaged import, a
// hand edit, a disk error) is checked against the shape its column holds, so one bad row is reported, never thrown.
import { EMPTY_PHASES } from '../../shared/analysis/phases';
import { RunConfigSchema, type RunConfig } from '../../shared/config/run-config';

/** What a column holds; null means "any JSON" (e.g. analysis results, whose shape depends on the analysis kind). */
type ShapeCheck = (value: unknown) => string | null;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const stringArray: ShapeCheck = (v) => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? null : 'expected an array of strings');

/** Phases and final metrics: an object with these keys, each a number or null (the writer stores null for NaN and
 *  ±Infinity); a missing key would reach the API as undefined. */
const numbersOrNulls =
  (keys: readonly string[]): ShapeCheck =>
  (v) => {
    if (!isRecord(v)) return `expected an object of ${keys.join(', ')}`;
    for (const k of keys) if (!(k in v)) return `${k} is missing`;
    for (const [k, x] of Object.entries(v)) if (x !== null && typeof x !== 'number') return `${k} is not a number or null`;
    return null;
  };

const object: ShapeCheck = (v) => (isRecord(v) ? null : 'expected an object');

/** What listing, viewing and continuing a sweep read of its stored config. */
const sweepConfig: ShapeCheck = (v) => {
  if (!isRecord(v) || !isRecord(v['base'])) return 'expected an object with base, axes and policy';
  if (!Array.isArray(v['axes']) || !v['axes'].every((a) => isRecord(a) && typeof a['path'] === 'string'))
    return 'axes is not a list of axes';
  const policy = v['policy'];
  if (!isRecord(policy) || typeof policy['mode'] !== 'string' || !(typeof policy['window'] === 'number' || policy['window'] === 'auto'))
    return 'policy has no mode and window';
  return null;
};

const runConfig: ShapeCheck = (v) => {
  const r = RunConfigSchema.safeParse(v);
  if (r.success) return null;
  const issue = r.error.issues[0];
  return `not a valid run config (${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'})`;
};

/** Shapes of the columns whose content we know; any other *_json column must hold JSON. */
const SHAPES: Record<string, ShapeCheck> = {
  'runs.config_json': runConfig,
  'runs.backend_notes_json': stringArray,
  'runs.tags_json': stringArray,
  'runs.phases_json': numbersOrNulls(Object.keys(EMPTY_PHASES)),
  'runs.final_json': numbersOrNulls(['trainLoss', 'trainAcc', 'valLoss', 'valAcc']),
  'analyses.params_json': object,
  'sweeps.config_json': sweepConfig,
};

/** Text in which JSON.parse might meet a number beyond a double: an exponent of three digits or more, or 309 digits. */
const MAY_OVERFLOW = /[eE][+-]?\d{3}|\d{309}/;

/**
 * Parses one stored value of `table.column`. Returns the value, or the problem in a few words (e.g. "is not JSON
 * (Unexpected token ...)"). SQL NULL is allowed here; NOT NULL columns are enforced by SQLite itself.
 */
export function readJsonColumn(table: string, column: string, stored: unknown): { value: unknown } | { problem: string } {
  if (stored === null) return { value: null };
  if (typeof stored !== 'string') return { problem: `holds ${Buffer.isBuffer(stored) ? 'a blob' : `a ${typeof stored}`}, not JSON text` };
  let value: unknown;
  let nonFinite = false;
  try {
    // JSON.parse turns 1e999 into Infinity; our writers never store one, so it is damage, not data. Only a number
    // with a 3-digit exponent or 309 digits can overflow: other text skips the reviver, which makes a parse several
    // times slower (a list of 10,000 runs parses 50,000 columns).
    value = MAY_OVERFLOW.test(stored)
      ? JSON.parse(stored, (_k, v: unknown) => {
          if (typeof v === 'number' && !Number.isFinite(v)) nonFinite = true;
          return v;
        })
      : JSON.parse(stored);
  } catch (e) {
    return { problem: `is not JSON (${(e as Error).message})` };
  }
  if (nonFinite) return { problem: 'holds a number too large for a double' };
  const check = SHAPES[`${table}.${column}`];
  const wrong = check ? check(value) : null;
  return wrong ? { problem: `has the wrong shape: ${wrong}` } : { value };
}

/** A valid config for rows whose own config is unreadable, so a damaged run can still be listed, shown and deleted
 *  (it is never trained: the back end refuses every other action on a damaged run). */
export const PLACEHOLDER_CONFIG: RunConfig = RunConfigSchema.parse({
  name: 'unreadable',
  task: { kind: 'modular', op: 'add', p: 2, trainFraction: 0.5 },
  model: { kind: 'mlp', embedDim: 1, width: 1, depth: 1 },
  training: { steps: 1 },
});
