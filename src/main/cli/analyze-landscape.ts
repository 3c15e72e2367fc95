// grokscope analyze landscape|reduced: loss-landscape grids of a run in a compute process (services/run-landscape.ts).
// Progress goes to stderr; Ctrl-C cancels cleanly (finished rows stay stored, and the same command continues them).
// Bad options are invalid input (exit 2) naming the option.
import {
  DIRECTION_KINDS,
  LANDSCAPE_KINDS,
  ONE_DIM_MODES,
  type LandscapeOptions,
  type LandscapeProgress,
  type LandscapeView,
  type ReducedAxisPath,
  type ReducedOptions,
  type ReducedView,
} from '../../shared/api/landscape-types';
import { ApiError } from '../../shared/api/contract';
import type { LocalBackend } from '../services/create-backend';
import { choiceFlag, intFlag, stringFlag, type ParsedArgs } from './args';
import { CliFailure, UsageError } from './errors';
import { fmtNum } from './format';
import { err, json, out } from './io';
import { LR_SCHEDULES } from '../../shared/config/run-config';

/** Flags of the two commands (merged into "grokscope analyze"'s flag table). */
export const LANDSCAPE_FLAGS = {
  kind: 'value',
  direction: 'value',
  direction2: 'value',
  normalization: 'value',
  'one-dim': 'value',
  orthogonalize: 'boolean',
  seed: 'value',
  range: 'value',
  points: 'value',
  range2: 'value',
  points2: 'value',
  checkpoint: 'value',
  splits: 'value',
  scales: 'value',
  axis: 'value',
  values: 'value',
  updates: 'value',
  'eval-every': 'value',
  'lr-scaling': 'value',
  'lr-schedule': 'value',
} as const;

const REDUCED_ONLY = ['scales', 'axis', 'values', 'updates', 'eval-every', 'lr-scaling', 'lr-schedule'];

function numbersFlag(a: ParsedArgs, name: string, what: string): number[] | undefined {
  const v = stringFlag(a, name);
  if (v === undefined) return undefined;
  const parts = v.split(',').map((s) => s.trim());
  const nums = parts.map((s) => (s === '' ? NaN : Number(s)));
  if (nums.length === 0 || nums.some((n) => !Number.isFinite(n))) throw new UsageError(`--${name} must be ${what} separated by commas, got ${JSON.stringify(v)}`);
  return nums;
}

function rangeFlag(a: ParsedArgs, name: string): [number, number] | undefined {
  const r = numbersFlag(a, name, 'two numbers FROM,TO');
  if (r === undefined) return undefined;
  if (r.length !== 2 || !(r[0]! < r[1]!)) throw new UsageError(`--${name} must be FROM,TO with FROM < TO (e.g. -1,1), got ${JSON.stringify(stringFlag(a, name))}`);
  return [r[0]!, r[1]!];
}

function checkpointsFlag(a: ParsedArgs): number[] | undefined {
  const v = stringFlag(a, 'steps');
  if (v === undefined) return undefined;
  const steps = v.split(',').map((s) => s.trim());
  if (steps.some((s) => !/^[0-9]+$/.test(s))) throw new UsageError(`--steps must be checkpoint steps separated by commas, got ${JSON.stringify(v)}`);
  return steps.map(Number);
}

export function landscapeOptions(a: ParsedArgs): LandscapeOptions {
  const o: LandscapeOptions = {};
  const kind = choiceFlag(a, 'kind', LANDSCAPE_KINDS);
  if (kind) o.kind = kind;
  const d1 = choiceFlag(a, 'direction', DIRECTION_KINDS);
  if (d1) o.direction = d1;
  const d2 = choiceFlag(a, 'direction2', DIRECTION_KINDS);
  if (d2) o.direction2 = d2;
  const n = choiceFlag(a, 'normalization', ['filter', 'raw'] as const);
  if (n) o.normalization = n;
  const oneDim = choiceFlag(a, 'one-dim', ONE_DIM_MODES);
  if (oneDim) o.oneDim = oneDim;
  if (a.flags['orthogonalize']) o.orthogonalize = true;
  const seed = intFlag(a, 'seed', 0, 2 ** 31 - 1);
  if (seed !== undefined) o.seed = seed;
  const range = rangeFlag(a, 'range');
  if (range) o.range = range;
  const range2 = rangeFlag(a, 'range2');
  if (range2) o.range2 = range2;
  const points = intFlag(a, 'points', 2, 1001);
  if (points !== undefined) o.points = points;
  const points2 = intFlag(a, 'points2', 2, 1001);
  if (points2 !== undefined) o.points2 = points2;
  const splits = choiceFlag(a, 'splits', ['train+val', 'train'] as const);
  if (splits) o.splits = splits;
  const step = intFlag(a, 'checkpoint', 0, Number.MAX_SAFE_INTEGER);
  if (step !== undefined) o.step = step;
  const steps = checkpointsFlag(a);
  if (steps) o.steps = steps;
  const max = intFlag(a, 'max-checkpoints', 1, 500);
  if (max !== undefined) o.maxCheckpoints = max;
  for (const f of REDUCED_ONLY)
    if (a.flags[f] !== undefined) throw new UsageError(`--${f} belongs to "grokscope analyze reduced"`);
  return o;
}

export function reducedOptions(a: ParsedArgs): ReducedOptions {
  const o: ReducedOptions = {};
  const scales = numbersFlag(a, 'scales', 'weight-norm factors α > 0');
  if (scales) {
    if (scales.some((s) => !(s > 0 && s <= 1000))) throw new UsageError(`--scales must be factors in (0, 1000], got ${JSON.stringify(stringFlag(a, 'scales'))}`);
    o.scales = scales;
  }
  const axis = choiceFlag(a, 'axis', ['task.trainSize', 'task.trainFraction', 'task.messiness'] as const satisfies readonly ReducedAxisPath[]);
  if (axis) o.axis = axis;
  const values = numbersFlag(a, 'values', 'numbers');
  if (values) o.values = values;
  const updates = intFlag(a, 'updates', 1, 1_000_000);
  if (updates !== undefined) o.steps = updates;
  const every = intFlag(a, 'eval-every', 1, 1_000_000);
  if (every !== undefined) o.evalEvery = every;
  const lrScaling = choiceFlag(a, 'lr-scaling', ['fixed', 'with-norm'] as const);
  if (lrScaling) o.lrScaling = lrScaling;
  const lrSchedule = choiceFlag(a, 'lr-schedule', LR_SCHEDULES);
  if (lrSchedule) o.lrSchedule = lrSchedule;
  for (const f of Object.keys(LANDSCAPE_FLAGS).filter((k) => !REDUCED_ONLY.includes(k)).concat(['steps', 'max-checkpoints']))
    if (a.flags[f] !== undefined) throw new UsageError(`--${f} belongs to "grokscope analyze landscape"`);
  return o;
}

const col = (s: string, n: number) => s.padStart(n);

export function landscapeText(v: LandscapeView): string {
  const p = v.params;
  const lines = [
    `run ${v.runId}: ${p.kind} loss landscape ${v.key} (${v.status}), d = ${v.dim}, ${v.backend ?? '?'} backend` +
      (v.pointsPerSecond ? `, ${v.pointsPerSecond.toFixed(1)} points/s` : '') +
      (v.resumedRows > 0 ? `, ${v.resumedRows} rows resumed from the store` : ''),
    ...v.directions.map((d, i) => `  ${i === 0 ? 'δ' : 'η'}: ${d.label}, ‖·‖ = ${fmtNum(d.norm)}${d.zeroed.length ? ` (zeroed: ${d.zeroed.join(', ')})` : ''}`),
  ];
  const rows = v.rows;
  if (p.kind === '1d') {
    const r = rows[0];
    lines.push(`  centre: checkpoint ${p.steps[0]}`, '         α   train loss  train acc    val loss    val acc');
    if (r) v.alphas.forEach((a, i) => lines.push(`  ${col(fmtNum(a), 8)} ${col(fmtNum(r.train.loss[i]), 12)} ${col(fmtNum(r.train.acc[i]), 10)} ${col(fmtNum(r.val.loss[i]), 11)} ${col(fmtNum(r.val.acc[i]), 10)}`));
  } else if (p.kind === '1d-training') {
    lines.push('  step     loss at α=0    min train loss (at α)    min val loss (at α)');
    const c = nearestZero(v.alphas);
    rows.forEach((r, k) => {
      if (!r) return lines.push(`  ${String(p.steps[k]).padEnd(8)} (not computed)`);
      const mt = argmin(r.train.loss);
      const mv = argmin(r.val.loss);
      lines.push(
        `  ${String(r.step).padEnd(8)} ${col(fmtNum(r.train.loss[c]), 12)}   ${col(fmtNum(r.train.loss[mt]), 12)} (${fmtNum(v.alphas[mt])})   ${col(fmtNum(r.val.loss[mv]), 12)} (${fmtNum(v.alphas[mv])})`,
      );
      return undefined;
    });
  } else {
    const done = rows.filter((r) => r !== null);
    const all = done.flatMap((r) => r!.train.loss);
    const ci = nearestZero(v.alphas);
    const centre = rows[nearestZero(v.betas!)];
    lines.push(
      `  ${v.alphas.length}×${v.betas!.length} grid around checkpoint ${p.steps[0]}, ${done.length}/${rows.length} rows`,
      `  train loss: centre ${fmtNum(centre?.train.loss[ci])}, min ${fmtNum(Math.min(...all))}, max ${fmtNum(Math.max(...all))}`,
    );
    if (v.trajectory) {
      lines.push('  trajectory on the plane    step          α          β   off-plane   train loss   val loss');
      v.trajectory.steps.forEach((s, k) =>
        lines.push(
          `                             ${String(s).padEnd(8)} ${col(fmtNum(v.trajectory!.alpha[k]), 10)} ${col(fmtNum(v.trajectory!.beta[k]), 10)} ${col(fmtNum(v.trajectory!.offPlane[k]), 10)} ${col(fmtNum(v.trajectory!.trainLoss[k]), 12)} ${col(fmtNum(v.trajectory!.valLoss[k]), 10)}`,
        ),
      );
    }
  }
  return lines.join('\n');
}

export function reducedText(v: ReducedView): string {
  const p = v.params;
  const lines = [
    `run ${v.runId}: reduced landscape ${v.key} (${v.status}): constant-norm training, ${p.steps} updates per cell${p.lrScaling === 'with-norm' ? ' (lr × α)' : ''}${p.lrSchedule ? `, ${p.lrSchedule} lr` : ''}, best over training; w0 = ${fmtNum(v.w0)}` +
      (v.resumedCells > 0 ? `, ${v.resumedCells} cells resumed from the store` : ''),
  ];
  p.values.forEach((val, i) => {
    lines.push(`  ${p.axis} = ${val}`, '        α          w   train loss   test loss   train err   test err');
    p.scales.forEach((s, j) => {
      const c = v.cells[i]![j];
      lines.push(
        c
          ? `  ${col(fmtNum(s), 7)} ${col(fmtNum(c.weightNorm), 10)} ${col(fmtNum(c.trainLoss), 12)} ${col(fmtNum(c.testLoss), 11)} ${col(fmtNum(c.trainError), 11)} ${col(fmtNum(c.testError), 10)}`
          : `  ${col(fmtNum(s), 7)} (not computed)`,
      );
    });
  });
  return lines.join('\n');
}

function argmin(xs: number[]): number {
  let b = 0;
  xs.forEach((x, i) => {
    if (x < xs[b]!) b = i;
  });
  return b;
}

function nearestZero(xs: number[]): number {
  let b = 0;
  xs.forEach((x, i) => {
    if (Math.abs(x) < Math.abs(xs[b]!)) b = i;
  });
  return b;
}

export async function landscapeCommand(kind: 'landscape' | 'reduced', backend: LocalBackend, runId: number, a: ParsedArgs): Promise<void> {
  const opts = kind === 'landscape' ? landscapeOptions(a) : reducedOptions(a);
  const stop = backend.events.subscribe((e, p) => {
    if (e === 'landscape.progress') {
      const pr = p as LandscapeProgress;
      if (pr.runId === runId && !pr.row && !pr.cell) err(`[${pr.done}/${pr.total}] ${pr.message}`);
    }
  });
  const onSigint = () => {
    err('cancelling the grid (finished rows stay stored; the same command continues them) …');
    backend.landscapes.cancel(runId);
  };
  process.on('SIGINT', onSigint);
  try {
    if (kind === 'landscape') {
      const v = await backend.landscapes.landscape(runId, opts as LandscapeOptions);
      if (a.flags['json']) json(v);
      else out(landscapeText(v));
    } else {
      const v = await backend.landscapes.reduced(runId, opts as ReducedOptions);
      if (a.flags['json']) json(v);
      else out(reducedText(v));
    }
  } catch (e) {
    if (e instanceof ApiError && e.code === 'conflict') throw new CliFailure(e.message); // cancelled
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    stop();
  }
}
