// grokscope analyze hessian|id: probes of a run's checkpoints in a compute process (services/run-probes.ts). Progress
// goes to stderr; Ctrl-C cancels the probe cleanly. A run without checkpoints is invalid input (exit 2).
import type { HessianView, IdView, ProbeProgress } from '../../shared/api/types';
import { HessianOptionsSchema, IdOptionsSchema, type HessianProbeOptions, type IdProbeOptions } from '../../shared/api/probe-options';
import type { LocalBackend } from '../services/create-backend';
import type { ParsedArgs } from './args';
import { fmtNum } from './format';
import { followAnalysis } from './analysis-job';
import { checkpointsFlag, given, parseFlags, wholeFlag } from './option-flags';
import { callApi } from './call-api';
import { UsageError } from './errors';

/** --include-one-dim / --exclude-one-dim; neither: the default (left out, as the authors' code does). */
function oneDimFlag(a: ParsedArgs): boolean | undefined {
  if (a.flags['include-one-dim'] === true && a.flags['exclude-one-dim'] === true)
    throw new UsageError('--include-one-dim and --exclude-one-dim contradict each other; give one');
  if (a.flags['include-one-dim'] === true) return false;
  return a.flags['exclude-one-dim'] === true ? true : undefined;
}

/** The probe's options from its flags, parsed by the API's schema (each problem names its flag). */
export function probeOptions(kind: 'hessian' | 'id', a: ParsedArgs): HessianProbeOptions | IdProbeOptions {
  const common = { steps: checkpointsFlag(a), maxCheckpoints: wholeFlag(a, 'max-checkpoints') };
  if (kind === 'hessian')
    return parseFlags(HessianOptionsSchema, given({ ...common, excludeOneDim: oneDimFlag(a), maxIter: wholeFlag(a, 'max-iter') }));
  return parseFlags(IdOptionsSchema, given({ ...common, maxPoints: wholeFlag(a, 'max-points') }));
}

export function hessianText(h: HessianView): string {
  const what = h.excludeOneDim ? `${h.dim} parameters (left out: ${h.excluded.join(', ') || 'none'})` : `all ${h.dim} parameters`;
  return [
    `run ${h.runId}: Hessian of the training loss over ${what}; exact Hessian-vector products, Lanczos tol ${h.tol}, ≤ ${h.maxIter} products each`,
    '  step        loss        λmax        λmin    λmin/λmax   HVPs',
    ...h.points.map(
      (p) =>
        `  ${String(p.step).padEnd(8)} ${fmtNum(p.loss).padStart(9)} ${fmtNum(p.lambdaMax).padStart(11)} ${fmtNum(p.lambdaMin).padStart(11)} ${(p.ratio === null ? '-' : fmtNum(p.ratio)).padStart(13)}   ${p.iterations.max}+${p.iterations.min}${p.converged.max && p.converged.min ? '' : ' (not converged)'}`,
    ),
  ].join('\n');
}

export function idText(v: IdView): string {
  const lines = [
    `run ${v.runId}: intrinsic dimension of each layer's activations (TwoNN / MLE k = 2), at most ${v.maxPoints} points per split`,
  ];
  for (const p of v.points) {
    lines.push(`  step ${p.step}`);
    for (const l of p.layers)
      lines.push(
        `    ${l.layer.padEnd(16)} ${l.split.padEnd(5)} TwoNN ${fmtNum(l.twoNN).padStart(8)}  MLE ${fmtNum(l.mle).padStart(8)}  (n ${l.n}, D ${l.ambient})`,
      );
  }
  return lines.join('\n');
}

export async function probeCommand(kind: 'hessian' | 'id', backend: LocalBackend, runId: number, a: ParsedArgs): Promise<void> {
  const common = {
    event: 'probe.progress' as const,
    progress: (p: ProbeProgress) => (p.runId === runId ? `[${p.done}/${p.total}] ${p.message}` : null),
    cancelling: 'cancelling the probe …',
    cancel: () => void callApi(backend, 'analysis.cancelProbes', { id: runId }).catch(() => undefined),
    json: a.flags['json'] === true,
  };
  const opts = probeOptions(kind, a);
  if (kind === 'hessian')
    await followAnalysis(backend, {
      ...common,
      compute: () => callApi(backend, 'analysis.hessian', { id: runId, ...opts }),
      text: hessianText,
    });
  else await followAnalysis(backend, { ...common, compute: () => callApi(backend, 'analysis.id', { id: runId, ...opts }), text: idText });
}
