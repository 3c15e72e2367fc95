// The one place that reads the environment variables that tune compute: GROKSCOPE_WORKERS (worker threads per
// job: a run's gradient workers, a landscape's or probe's grid workers) and GROKSCOPE_MLP_KERNEL (0: the MLP step as
// TF.js ops). The host turns them into the typed settings each job carries (protocol/execution), so a compute process
// never reads its environment.
import { availableParallelism } from 'node:os';
import type { ExecutionSettings } from '../protocol/execution';

/**
 * The settings for one job. `cores`: the cores this job may use when GROKSCOPE_WORKERS does not fix the thread count
 * (default: all of the machine's). Throws when GROKSCOPE_WORKERS is not a non-negative integer.
 */
export function executionSettings(cores?: number, env: NodeJS.ProcessEnv = process.env): ExecutionSettings {
  const mlpKernel = env.GROKSCOPE_MLP_KERNEL !== '0';
  const fixed = env.GROKSCOPE_WORKERS;
  if (fixed === undefined || fixed === '') return { threads: { cores: cores ?? availableParallelism() }, mlpKernel };
  const workers = Number(fixed);
  if (!Number.isInteger(workers) || workers < 0) throw new Error(`GROKSCOPE_WORKERS must be a non-negative integer, got "${fixed}"`);
  return { threads: { workers }, mlpKernel };
}

/**
 * A run's settings when `together` runs are about to train at once on `cores` cores: unless GROKSCOPE_WORKERS fixes
 * the threads, an equal share of the cores, so a lone run uses every core (as PyTorch does) and a sweep's parallel
 * cells do not oversubscribe them.
 */
export function sharedExecutionSettings(cores: number, together: number, env: NodeJS.ProcessEnv = process.env): ExecutionSettings {
  return executionSettings(Math.max(1, Math.floor(cores / together)), env);
}
