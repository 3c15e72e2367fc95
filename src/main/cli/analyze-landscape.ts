// grokscope analyze landscape|reduced: loss-landscape grids of a run in a compute process (services/run-landscape.ts).
// Progress goes to stderr; Ctrl-C cancels cleanly (finished rows stay stored, and the same command continues them).
// Bad options are invalid input (exit 2) naming the option.
import type { LandscapeProgress, LandscapeView, ReducedView } from '../../shared/api/landscape-types';
import { LandscapeOptionsSchema, type LandscapeOptions } from '../../shared/api/landscape-options';
import { ReducedOptionsSchema, type ReducedOptions } from '../../shared/api/reduced-options';
import type { LocalBackend } from '../services/create-backend';
import { stringFlag, type ParsedArgs } from './args';
import { UsageError } from './errors';
import { fmtNum } from './format';
import { followAnalysis } from './analysis-job';
import { checkpointsFlag, given, numbersFlag, parseFlags, rangeFlag, REDUCED_FLAG_OF, wholeFlag } from './option-flags';
import { callApi } from './call-api';

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
  preset: 'value',
} as const;

const REDUCED_ONLY = ['scales', 'axis', 'values', 'updates', 'eval-every', 'lr-scaling', 'lr-schedule'];
/** flags both commands take, each checked by its own schema (--preset: li-2018|notsawo-2023, or fast|paper) */
const SHARED = ['preset'];

export function landscapeOptions(a: ParsedArgs): LandscapeOptions {
  for (const f of REDUCED_ONLY) if (a.flags[f] !== undefined) throw new UsageError(`--${f} belongs to "grokscope analyze reduced"`);
  const o = given({
    kind: stringFlag(a, 'kind'),
    direction: stringFlag(a, 'direction'),
    direction2: stringFlag(a, 'direction2'),
    normalization: stringFlag(a, 'normalization'),
    oneDim: stringFlag(a, 'one-dim'),
    orthogonalize: a.flags['orthogonalize'] ? true : undefined,
    preset: stringFlag(a, 'preset'),
    seed: wholeFlag(a, 'seed'),
    range: rangeFlag(a, 'range'),
    range2: rangeFlag(a, 'range2'),
    points: wholeFlag(a, 'points'),
    points2: wholeFlag(a, 'points2'),
    splits: stringFlag(a, 'splits'),
    step: wholeFlag(a, 'checkpoint'),
    steps: checkpointsFlag(a),
    maxCheckpoints: wholeFlag(a, 'max-checkpoints'),
  });
  return parseFlags(LandscapeOptionsSchema, o);
}

export function reducedOptions(a: ParsedArgs): ReducedOptions {
  for (const f of Object.keys(LANDSCAPE_FLAGS)
    .filter((k) => !REDUCED_ONLY.includes(k) && !SHARED.includes(k))
    .concat(['steps', 'max-checkpoints']))
    if (a.flags[f] !== undefined) throw new UsageError(`--${f} belongs to "grokscope analyze landscape"`);
  const o = given({
    scales: numbersFlag(a, 'scales', 'weight-norm factors α > 0'),
    axis: stringFlag(a, 'axis'),
    values: numbersFlag(a, 'values', 'numbers'),
    steps: wholeFlag(a, 'updates'),
    evalEvery: wholeFlag(a, 'eval-every'),
    lrScaling: stringFlag(a, 'lr-scaling'),
    lrSchedule: stringFlag(a, 'lr-schedule'),
    preset: stringFlag(a, 'preset'),
  });
  return parseFlags(ReducedOptionsSchema, o, REDUCED_FLAG_OF);
}

const col = (s: string, n: number) => s.padStart(n);

export function landscapeText(v: LandscapeView): string {
  const p = v.params;
  const lines = [
    `run ${v.runId}: ${p.kind} loss landscape ${v.key} (${v.status}), d = ${v.dim}, ${v.backend ?? '?'} backend` +
      (v.pointsPerSecond ? `, ${v.pointsPerSecond.toFixed(1)} points/s` : '') +
      (v.resumedRows > 0 ? `, ${v.resumedRows} rows resumed from the store` : ''),
    ...v.directions.map(
      (d, i) =>
        `  ${i === 0 ? 'δ' : 'η'}: ${d.label}, ‖·‖ = ${fmtNum(d.norm)}${d.zeroed.length ? ` (zeroed: ${d.zeroed.join(', ')})` : ''}`,
    ),
  ];
  const rows = v.rows;
  if (p.kind === '1d') {
    const r = rows[0];
    lines.push(`  centre: checkpoint ${p.steps[0]}`, '         α   train loss  train acc    val loss    val acc');
    if (r)
      v.alphas.forEach((a, i) =>
        lines.push(
          `  ${col(fmtNum(a), 8)} ${col(fmtNum(r.train.loss[i]), 12)} ${col(fmtNum(r.train.acc[i]), 10)} ${col(fmtNum(r.val.loss[i]), 11)} ${col(fmtNum(r.val.acc[i]), 10)}`,
        ),
      );
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
    `run ${v.runId}: reduced landscape ${v.key} (${v.status}): constant-norm training, ${p.steps} updates per cell${p.lrScaling === 'with-norm' ? ' (lr × α)' : ''}${p.lrSchedule ? `, ${p.lrSchedule} lr` : ''}; w0 = ${fmtNum(v.w0)}` +
      (v.resumedCells > 0 ? `, ${v.resumedCells} cells resumed from the store` : ''),
    "  test loss/err: at the training-loss minimiser (003 Eq. 1); best test: the best over training (the authors' plots)",
  ];
  p.values.forEach((val, i) => {
    lines.push(`  ${p.axis} = ${val}`, '        α          w   train loss   test loss    test err   best test  best t.err');
    p.scales.forEach((s, j) => {
      const c = v.cells[i]![j];
      const m = c?.atTrainMin;
      lines.push(
        c
          ? `  ${col(fmtNum(s), 7)} ${col(fmtNum(c.weightNorm), 10)} ${col(fmtNum(c.trainLoss), 12)} ${col(m ? fmtNum(m.testLoss) : '-', 11)} ${col(m ? fmtNum(m.testError) : '-', 11)} ${col(fmtNum(c.testLoss), 11)} ${col(fmtNum(c.testError), 11)}`
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
  const common = {
    event: 'landscape.progress' as const,
    progress: (p: LandscapeProgress) => (p.runId === runId && !p.row && !p.cell ? `[${p.done}/${p.total}] ${p.message}` : null),
    cancelling: 'cancelling the grid (finished rows stay stored; the same command continues them) …',
    cancel: () => void callApi(backend, 'analysis.cancelLandscape', { id: runId }).catch(() => undefined),
    json: a.flags['json'] === true,
  };
  if (kind === 'landscape') {
    const opts = landscapeOptions(a);
    await followAnalysis(backend, {
      ...common,
      compute: () => callApi(backend, 'analysis.landscape', { id: runId, ...opts }),
      text: landscapeText,
    });
  } else {
    const opts = reducedOptions(a);
    await followAnalysis(backend, {
      ...common,
      compute: () => callApi(backend, 'analysis.reduced', { id: runId, ...opts }),
      text: reducedText,
    });
  }
}
