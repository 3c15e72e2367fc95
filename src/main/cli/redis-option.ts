// --redis URL for the commands that coordinate a sweep (sweep, serve): checks the URL and that Redis answers before
// any database is opened, then hands the back end the distributed executor (src/main/distributed), so the sweep's
// cells go to `grokscope worker` processes instead of this machine's compute processes.
import { DistributedExecutor } from '../distributed/executor';
import { RedisUrlError, checkRedis, parseRedisUrl, type RedisTarget } from '../distributed/redis';
import type { BackendOptions } from '../services/create-backend';
import { CliFailure, UsageError } from './errors';
import { err } from './io';

/** A Redis URL from the command line, or invalid input (exit 2) with what is wrong with it. */
export function redisTarget(text: string): RedisTarget {
  try {
    return parseRedisUrl(text);
  } catch (e) {
    if (e instanceof RedisUrlError) throw new UsageError(e.message);
    throw e;
  }
}

/** Redis answers at `target`, or the command fails (exit 1) saying why. */
export async function assertRedis(target: RedisTarget): Promise<void> {
  const problem = await checkRedis(target);
  if (problem) throw new CliFailure(problem);
}

export interface RemoteSweeps {
  target: RedisTarget;
  /** for createBackend's sweepExecutor */
  factory: NonNullable<BackendOptions['sweepExecutor']>;
  /** the executor once the back end has made it */
  executor(): DistributedExecutor | undefined;
}

export async function remoteSweeps(text: string): Promise<RemoteSweeps> {
  const target = redisTarget(text);
  await assertRedis(target);
  let made: DistributedExecutor | undefined;
  return {
    target,
    factory: (deps) => (made = new DistributedExecutor(deps, { target, log: (line) => err(`coordinator: ${line}`) })),
    executor: () => made,
  };
}

/** "3 workers are up: a (host, 2 at a time), …" or how to start one. */
export async function describeWorkers(remote: RemoteSweeps): Promise<string> {
  const ex = remote.executor();
  if (!ex) return '';
  const ws = await ex.workers();
  if (ws.length === 0) return `no worker is up yet; start one with: grokscope worker --redis ${remote.target.shown}`;
  const each = ws.map(
    (w) => `${w.name} (${w.host}, ${w.concurrency} at a time${w.version === ex.version ? '' : `, version ${w.version}`})`,
  );
  return `${ws.length} worker${ws.length === 1 ? ' is' : 's are'} up: ${each.join(', ')}`;
}
