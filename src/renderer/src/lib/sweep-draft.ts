// The sweep editor's model: a base run config and up to two axes drawn as the heatmap's rows and columns.
// Each axis is a config path with explicit values, a linspace or a logspace; adding or removing a row or column
// grows or shrinks that axis. Turned into a sweep config and checked by the same shared schema as a sweep file.
import type { ConfigProblem } from '../../../shared/config/errors';
import {
  axisValues,
  expandSweep,
  SweepConfigSchema,
  type SweepCell,
  type SweepConfig,
  type SweepMode,
} from '../../../shared/config/sweep-config';
import { problemsFromZod } from '../../../shared/config/errors';

export interface AxisDraft {
  path: string;
  kind: 'values' | 'linspace' | 'logspace';
  /** comma-separated, for kind 'values' */
  values: string;
  from: number;
  to: number;
  count: number;
}

export interface SweepDraft {
  name: string;
  /** the base run config as JSON text */
  baseText: string;
  rows: AxisDraft;
  cols: AxisDraft | null;
  seeds: number;
  mode: SweepMode;
  /** auto: the shipped predictor's windows in turn, each cell stopping at the first confident answer */
  window: number | 'auto';
}

export const defaultAxis = (path: string, from: number, to: number): AxisDraft => ({
  path,
  kind: 'logspace',
  values: '',
  from,
  to,
  count: 4,
});

export function defaultSweepDraft(base: unknown): SweepDraft {
  return {
    name: 'lr × weight decay',
    baseText: JSON.stringify(base, null, 2),
    rows: defaultAxis('optimizer.lr', 1e-3, 1e-2),
    cols: { ...defaultAxis('optimizer.weightDecay', 0.1, 3), kind: 'values', values: '0.1, 0.3, 1, 3' },
    seeds: 1,
    mode: 'predict',
    window: 'auto',
  };
}

/** Paths of the numeric settings of a (parsed) config: what an axis can vary. */
export function numericPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'number' && k !== 'seed') out.push(p);
    else out.push(...numericPaths(v, p));
  }
  return out;
}

const parseValues = (s: string): (number | string)[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .map((x) => (x !== '' && Number.isFinite(Number(x)) ? Number(x) : x));

function axisConfig(a: AxisDraft): Record<string, unknown> {
  if (a.kind === 'values') return { path: a.path.trim(), values: parseValues(a.values) };
  return { path: a.path.trim(), [a.kind]: { from: a.from, to: a.to, count: a.count } };
}

/** One more (+1) or one fewer (−1) row or column: a range gets a point more or less; a list repeats or drops its last. */
export function resizeAxis(a: AxisDraft, delta: 1 | -1): AxisDraft {
  if (a.kind !== 'values') return { ...a, count: Math.max(2, Math.min(50, a.count + delta)) };
  const vals = parseValues(a.values);
  if (delta < 0) return { ...a, values: vals.slice(0, Math.max(1, vals.length - 1)).join(', ') };
  const last = vals.at(-1);
  const next = typeof last === 'number' ? Number((last * 2).toPrecision(6)) : `${String(last ?? '')}`;
  return { ...a, values: [...vals, next].join(', ') };
}

/** The axis's values as they would be swept, or null when the axis is incomplete. */
export function previewValues(a: AxisDraft): (number | string | boolean)[] | null {
  const r = SweepConfigSchema.shape.axes.element.safeParse(axisConfig(a));
  return r.success ? axisValues(r.data) : null;
}

export type SweepDraftCheck = { ok: true; config: SweepConfig; cells: SweepCell[] } | { ok: false; problems: ConfigProblem[] };

export function checkSweepDraft(d: SweepDraft): SweepDraftCheck {
  let base: unknown;
  try {
    base = JSON.parse(d.baseText);
  } catch (e) {
    return { ok: false, problems: [{ path: 'base', message: `not valid JSON: ${(e as Error).message}` }] };
  }
  const raw = {
    name: d.name.trim() || undefined,
    base,
    axes: [d.rows, ...(d.cols ? [d.cols] : [])].map(axisConfig),
    seeds: d.seeds,
    policy: { mode: d.mode, window: d.window },
  };
  const r = SweepConfigSchema.safeParse(raw, { reportInput: true });
  if (!r.success) return { ok: false, problems: problemsFromZod(r.error) };
  const cells = expandSweep(r.data);
  return cells.ok ? { ok: true, config: r.data, cells: cells.cells } : cells;
}
