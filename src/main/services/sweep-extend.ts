// Editing a stored sweep's axes (issue 18, deliver 5). Extending an axis (a value added to optimizer.lr or
// optimizer.weightDecay) makes new cells; only those are stored and trained, the cells already run are kept. The same
// edit can instead start a new sweep that runs every cell. Runs are matched to cells by their settings (the axes'
// values in the run's config, and its seed), not by their position: an extended sweep's new runs come after the old
// ones in the store but anywhere in the grid.
import { ApiError } from '../../shared/api/contract';
import { formatProblem } from '../../shared/config/errors';
import { axisValues, expandSweep, type SweepCell, type SweepConfig } from '../../shared/config/sweep-config';
import type { RunRow } from '../store/runs-repo';

export type AxisValue = number | string | boolean;
export interface AxisEdit {
  path: string;
  values: AxisValue[];
}

const valueAt = (config: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((at, p) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[p] : undefined), config);

/** A cell's identity: its axes' values and the seed (JSON keeps a double's every digit). */
const keyOf = (values: unknown[], seed: unknown): string => JSON.stringify([...values, seed]);

export const cellKey = (cell: Pick<SweepCell, 'coords' | 'seed'>, paths: string[]): string =>
  keyOf(
    paths.map((p) => cell.coords[p]),
    cell.seed,
  );

export const runKey = (run: Pick<RunRow, 'config'>, paths: string[]): string =>
  keyOf(
    paths.map((p) => valueAt(run.config, p)),
    run.config.seed,
  );

/**
 * The run of each cell (same order as `cells`; undefined where none is stored). A run is placed by its settings;
 * runs whose settings match no cell (a damaged config) fill the cells left empty in store order, as before sweeps
 * could be extended.
 */
export function placeRuns(cells: readonly SweepCell[], runs: readonly RunRow[], paths: string[]): (RunRow | undefined)[] {
  const byKey = new Map<string, RunRow>();
  const unplaced: RunRow[] = [];
  for (const r of runs) {
    const k = runKey(r, paths);
    if (byKey.has(k)) unplaced.push(r);
    else byKey.set(k, r);
  }
  const placed = cells.map((c) => {
    const k = cellKey(c, paths);
    const r = byKey.get(k);
    byKey.delete(k);
    return r;
  });
  const rest = [...unplaced, ...byKey.values()].sort((a, b) => a.id - b.id);
  return placed.map((r) => r ?? rest.shift());
}

const same = (a: AxisValue, b: AxisValue): boolean => a === b || (typeof a === 'number' && typeof b === 'number' && Object.is(a, b));

/**
 * The sweep config with the edited axes (each one as its explicit list of values), after checking the edit: the
 * same axes in the same order, every value finite and given once. With `keep`, every value the sweep already has
 * must stay (its cells are kept); a new sweep may drop values.
 */
export function editedConfig(config: SweepConfig, edits: AxisEdit[], keep: boolean): SweepConfig {
  const problems: string[] = [];
  if (edits.length !== config.axes.length || edits.some((e, i) => e.path !== config.axes[i]!.path))
    problems.push(
      `the axes must stay ${config.axes.map((a) => a.path).join(', ')} in this order (got ${edits.map((e) => e.path).join(', ') || 'none'})`,
    );
  else
    edits.forEach((e, i) => {
      const old = axisValues(config.axes[i]!);
      if (e.values.length === 0) problems.push(`${e.path}: needs at least one value`);
      for (const v of e.values) if (typeof v === 'number' && !Number.isFinite(v)) problems.push(`${e.path}: ${v} is not a finite number`);
      const twice = e.values.filter((v, k) => e.values.findIndex((w) => same(v, w)) !== k);
      if (twice.length) problems.push(`${e.path}: ${twice.map(String).join(', ')} given twice`);
      if (keep) {
        const dropped = old.filter((v) => !e.values.some((w) => same(v, w)));
        if (dropped.length)
          problems.push(`${e.path}: ${dropped.map(String).join(', ')} ${dropped.length === 1 ? 'has' : 'have'} run already and must stay`);
      }
    });
  if (problems.length) throw new ApiError('invalid_input', problems.join('\n'));
  return { ...config, axes: config.axes.map((a, i) => ({ path: a.path, values: edits[i]!.values })) };
}

/** The expanded cells of an edited config, or the located problems as an invalid_input error. */
export function cellsOf(config: SweepConfig): SweepCell[] {
  const expanded = expandSweep(config);
  if (!expanded.ok) throw new ApiError('invalid_input', expanded.problems.map((p) => formatProblem(p)).join('\n'), expanded.problems);
  return expanded.cells;
}

/** The cells of `cells` that no stored run has (the new cells of an extended sweep). */
export function missingCells(cells: readonly SweepCell[], runs: readonly RunRow[], paths: string[]): SweepCell[] {
  const have = new Set(runs.map((r) => runKey(r, paths)));
  return cells.filter((c) => !have.has(cellKey(c, paths)));
}
