// Fits across stored runs: t4(r) = a·r^−γ + b with r in percent (000 App. A.3), and time to generalise against
// weight decay on log-log axes (003 App. D). t4 is the first evaluation whose validation accuracy reaches the fit's
// level: given, or the default of the first run's task (phases.ts defaultAccuracyLevel; 000 §2.3 itself uses 100%).
// A run that never reached the level has no t4 and is left out, and the result says which runs were used and which
// were not.
import { fitLogLog, fitPowerLaw } from '../../shared/analysis/fit-powerlaw';
import { defaultAccuracyLevel, phaseStepsAtLevel } from '../../shared/analysis/phases';
import type { FitAgainst, FitPoint, RunsFit } from '../../shared/api/types';

export type { FitAgainst, FitPoint, RunsFit };
import { trainFractionOf } from '../../shared/config/run-config';
import type { RunRow, Store } from '../store';
import { ApiError } from '../../shared/api/contract';
import { storedRun } from './run-analysis';

/** The stored phases hold t4 at 100% and 99%; other levels are read off the validation-accuracy series. */
function t4AtLevel(store: Store, run: RunRow, level: number): number | null {
  if (run.phases && level === 1) return run.phases.t4;
  if (run.phases && level === 0.99) return run.phases.t4_99;
  return phaseStepsAtLevel(undefined, store.metrics.series(run.id, 'val_acc'), level).t4;
}

const pct = (level: number) => `${Number((100 * level).toPrecision(4))}%`;

export function fitRuns(store: Store, runIds: readonly number[], against: FitAgainst, level?: number): RunsFit {
  const points: FitPoint[] = [];
  const skipped: RunsFit['skipped'] = [];
  const runs = runIds.map((id) => storedRun(store, id));
  const chosen = level !== undefined ? { level, why: 'given' } : defaultAccuracyLevel(runs[0]!.config.task);
  const never = `never reached ${pct(chosen.level)} validation accuracy`;
  for (const run of runs) {
    const id = run.id;
    const t4 = t4AtLevel(store, run, chosen.level);
    if (t4 === null) {
      skipped.push({ runId: id, reason: never });
      continue;
    }
    const x = against === 'r' ? 100 * trainFractionOf(run.config.task) : run.config.optimizer.weightDecay;
    if (against === 'wd' && !(x > 0)) {
      skipped.push({ runId: id, reason: 'weight decay 0 has no place on a log axis' });
      continue;
    }
    points.push({ runId: id, x, t4 });
  }
  const distinct = new Set(points.map((p) => p.x)).size;
  const need = against === 'r' ? 4 : 3;
  if (distinct < need) {
    throw new ApiError(
      'invalid_input',
      `the ${against === 'r' ? 't4(r) power law' : 'log-log fit against weight decay'} needs runs that generalised at ${need} or more ` +
        `distinct ${against === 'r' ? 'training fractions' : 'weight decays'}; got ${distinct}` +
        (skipped.length ? ` (${skipped.length} runs ${never})` : ''),
    );
  }
  const xs = points.map((p) => p.x);
  const ts = points.map((p) => p.t4);
  const base = { against, level: chosen.level, levelWhy: chosen.why, points, skipped };
  return against === 'r' ? { ...base, powerLaw: fitPowerLaw(xs, ts) } : { ...base, logLog: fitLogLog(xs, ts) };
}
