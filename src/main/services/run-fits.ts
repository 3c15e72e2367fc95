// Fits across stored runs: t4(r) = a·r^−γ + b with r in percent (000 App. A.3), and time to generalise against
// weight decay on log-log axes (003 App. D). A run that never reached 99% validation accuracy has no t4 and is left
// out, and the result says which runs were used and which were not.
import { fitLogLog, fitPowerLaw } from '../../shared/analysis/fit-powerlaw';
import type { FitAgainst, FitPoint, RunsFit } from '../../shared/api/types';

export type { FitAgainst, FitPoint, RunsFit };
import { trainFractionOf } from '../../shared/config/run-config';
import type { Store } from '../store';
import { ApiError } from '../../shared/api/contract';
import { storedRun } from './run-analysis';

export function fitRuns(store: Store, runIds: readonly number[], against: FitAgainst): RunsFit {
  const points: FitPoint[] = [];
  const skipped: RunsFit['skipped'] = [];
  for (const id of runIds) {
    const run = storedRun(store, id);
    const t4 = run.phases?.t4_99 ?? null;
    if (t4 === null) {
      skipped.push({ runId: id, reason: 'never reached 99% validation accuracy' });
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
        (skipped.length ? ` (${skipped.length} runs never reached 99% validation accuracy)` : ''),
    );
  }
  const xs = points.map((p) => p.x);
  const ts = points.map((p) => p.t4);
  return against === 'r'
    ? { against, points, skipped, powerLaw: fitPowerLaw(xs, ts) }
    : { against, points, skipped, logLog: fitLogLog(xs, ts) };
}
