// The desktop app's setting for sweeps across machines (issue 17), its counterpart of `serve --redis URL`: a Redis URL
// in the settings file ("redis") or in GROKSCOPE_REDIS (which wins) sends every sweep's cells to `grokscope worker`
// processes. A setting that cannot be used is a message naming where it came from; sweeps then stay on this machine.
import { DistributedExecutor } from '../distributed/executor';
import { checkRedis, parseRedisUrl, RedisUrlError, type RedisTarget } from '../distributed/redis';
import type { BackendOptions } from '../services/create-backend';

export interface RedisSetting {
  text: string;
  /** where it was set, for messages */
  from: string;
}

/** The Redis URL the app is asked to use, or null (the local pool, the default). */
export function redisSetting(settings: Record<string, unknown>, env: NodeJS.ProcessEnv, settingsFile: string): RedisSetting | null {
  const fromEnv = env.GROKSCOPE_REDIS?.trim();
  if (fromEnv) return { text: fromEnv, from: 'GROKSCOPE_REDIS' };
  const v = settings.redis;
  if (v === undefined || v === null || v === '') return null;
  return { text: typeof v === 'string' ? v : JSON.stringify(v), from: `"redis" in ${settingsFile}` };
}

export type RemoteSweeps = { target: RedisTarget; sweepExecutor: NonNullable<BackendOptions['sweepExecutor']> } | { problem: string };

/** The distributed executor for createBackend once Redis answers, or why sweeps stay on this machine. */
export async function remoteSweepsOf(setting: RedisSetting, log: (line: string) => void, timeoutMs = 5_000): Promise<RemoteSweeps> {
  let target: RedisTarget;
  try {
    target = parseRedisUrl(setting.text);
  } catch (e) {
    // the parser words its messages for the CLI's flag
    if (e instanceof RedisUrlError) return { problem: `${setting.from} ${e.message.replace(/^--redis:? ?/, '')}` };
    throw e;
  }
  const problem = await checkRedis(target, timeoutMs);
  if (problem) return { problem: `${setting.from}: Redis at ${target.shown} does not answer: ${problem}` };
  return { target, sweepExecutor: (deps) => new DistributedExecutor(deps, { target, log }) };
}
