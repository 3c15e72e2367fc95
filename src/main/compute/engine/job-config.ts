// A probe or grid job carries its run's config: checked again in the compute process, since it crossed a process
// boundary; a bad one is reported as the job's error.
import { formatProblem, problemsFromZod } from '../../../shared/config/errors';
import { RunConfigSchema, type RunConfig } from '../../../shared/config/run-config';
import type { ComputeToHost } from '../../protocol/messages';

export function jobConfig(runId: number, config: unknown, send: (m: ComputeToHost) => void): RunConfig | null {
  const parsed = RunConfigSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  send({
    type: 'error',
    runId,
    message: `invalid run config: ${problemsFromZod(parsed.error)
      .map((p) => formatProblem(p))
      .join('; ')}`,
  });
  return null;
}
