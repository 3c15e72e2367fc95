// grokscope analyze hessian|id: probes of a run's checkpoints in a compute process (services/run-probes.ts). Progress
// goes to stderr; Ctrl-C cancels the probe cleanly. A run without checkpoints is invalid input (exit 2).
import type { HessianView, IdView } from '../../shared/api/types';
import { HessianOptionsSchema, IdOptionsSchema, type HessianProbeOptions, type IdProbeOptions } from '../../shared/api/probe-options';
import { ApiError } from '../../shared/api/contract';
import type { LocalBackend } from '../services/create-backend';
import type { ParsedArgs } from './args';
import { CliFailure } from './errors';
import { fmtNum } from './format';
import { err, json, out } from './io';
import { checkpointsFlag, given, parseFlags, wholeFlag } from './option-flags';

/** The probe's options from its flags, parsed by the API's schema (each problem names its flag). */
export function probeOptions(kind: 'hessian' | 'id', a: ParsedArgs): HessianProbeOptions | IdProbeOptions {
  const common = { steps: checkpointsFlag(a), maxCheckpoints: wholeFlag(a, 'max-checkpoints') };
  if (kind === 'hessian')
    return parseFlags(HessianOptionsSchema, given({ ...common, excludeOneDim: a.flags['exclude-one-dim'] === true, maxIter: wholeFlag(a, 'max-iter') }));
  return parseFlags(IdOptionsSchema, given({ ...common, maxPoints: wholeFlag(a, 'max-points') }));
}

export function hessianText(h: HessianView): string {
  const what = h.excludeOneDim ? `${h.dim} parameters (left out: ${h.excluded.join(', ') || 'none'})` : `all ${h.dim} parameters`;
  return [
    `run ${h.runId}: Hessian of the training loss over ${what}; exact Hessian-vector products, Lanczos tol ${h.tol}, ≤ ${h.maxIter} products each`,
    '  step        loss        λmax        λmin   |λmin/λmax|   HVPs',
    ...h.points.map(
      (p) =>
        `  ${String(p.step).padEnd(8)} ${fmtNum(p.loss).padStart(9)} ${fmtNum(p.lambdaMax).padStart(11)} ${fmtNum(p.lambdaMin).padStart(11)} ${(p.ratio === null ? '-' : fmtNum(p.ratio)).padStart(13)}   ${p.iterations.max}+${p.iterations.min}${p.converged.max && p.converged.min ? '' : ' (not converged)'}`,
    ),
  ].join('\n');
}

export function idText(v: IdView): string {
  const lines = [`run ${v.runId}: intrinsic dimension of each layer's activations (TwoNN / MLE k = 2), at most ${v.maxPoints} points per split`];
  for (const p of v.points) {
    lines.push(`  step ${p.step}`);
    for (const l of p.layers) lines.push(`    ${l.layer.padEnd(16)} ${l.split.padEnd(5)} TwoNN ${fmtNum(l.twoNN).padStart(8)}  MLE ${fmtNum(l.mle).padStart(8)}  (n ${l.n}, D ${l.ambient})`);
  }
  return lines.join('\n');
}

export async function probeCommand(kind: 'hessian' | 'id', backend: LocalBackend, runId: number, a: ParsedArgs): Promise<void> {
  const opts = probeOptions(kind, a);
  const stop = backend.events.subscribe((e, p) => {
    if (e === 'probe.progress') {
      const pr = p as { runId: number; done: number; total: number; message: string };
      if (pr.runId === runId) err(`[${pr.done}/${pr.total}] ${pr.message}`);
    }
  });
  const onSigint = () => {
    err('cancelling the probe …');
    backend.probes.cancel(runId);
  };
  process.on('SIGINT', onSigint);
  try {
    if (kind === 'hessian') {
      const h = await backend.probes.hessian(runId, opts);
      if (a.flags['json']) json(h);
      else out(hessianText(h));
    } else {
      const v = await backend.probes.intrinsicDimension(runId, opts);
      if (a.flags['json']) json(v);
      else out(idText(v));
    }
  } catch (e) {
    if (e instanceof ApiError && e.code === 'conflict') throw new CliFailure(e.message); // cancelled
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    stop();
  }
}
