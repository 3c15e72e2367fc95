// grokscope worker --redis URL [--concurrency N] [--backend B] [--name NAME]
// A long-running process on any machine that trains sweep cells a coordinator (`grokscope sweep --redis`, `serve
// --redis`, the app) queued on Redis, each in its own compute process, and reports back (src/main/distributed).
// Ctrl-C (or SIGTERM) stops it: cells in training checkpoint and go back to the queue for another worker.
import { availableParallelism, hostname } from 'node:os';
import { BACKENDS } from '../../shared/config/run-config';
import { CellWorker } from '../distributed/cell-worker';
import { GROKSCOPE_VERSION } from '../distributed/protocol';
import { createChildLauncher } from '../host/child-launcher';
import { choiceFlag, intFlag, parseArgs, stringFlag } from './args';
import { EXIT_OK, UsageError } from './errors';
import { err } from './io';
import { assertRedis, redisTarget } from './redis-option';
import { safeLine } from './safe-text';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;

/** GROKSCOPE_WORKER_LOCK_MS: how long a silent worker keeps its cell before another takes it (default 30 s). */
function lockMs(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env['GROKSCOPE_WORKER_LOCK_MS'];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 500 || n > 3_600_000)
    throw new UsageError(`GROKSCOPE_WORKER_LOCK_MS must be an integer from 500 to 3600000 (ms), got ${JSON.stringify(v)}`);
  return n;
}

export async function workerCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs(
    { name: 'worker', positionals: [], flags: { redis: 'value', concurrency: 'value', backend: 'value', name: 'value' } },
    argv,
  );
  const url = stringFlag(a, 'redis');
  if (url === undefined)
    throw new UsageError(
      '--redis URL is required: the Redis server the coordinator queues its cells on, e.g. redis://:PASSWORD@10.0.0.5:6379',
    );
  const target = redisTarget(url);
  const concurrency = intFlag(a, 'concurrency', 1, 256) ?? availableParallelism();
  const backend = choiceFlag(a, 'backend', BACKENDS);
  const name = stringFlag(a, 'name') ?? `${hostname()}-${process.pid}`;
  if (!NAME.test(name))
    throw new UsageError(
      `--name must be 1-100 letters, digits, '.', '_', '@' or '-' (starting with a letter or digit), got ${JSON.stringify(safeLine(name))}`,
    );
  const lock = lockMs();
  await assertRedis(target);

  const worker = new CellWorker({
    target,
    name,
    concurrency,
    ...(backend ? { backend } : {}),
    launcher: createChildLauncher(),
    log: (line) => err(`worker ${name}: ${line}`),
    ...(lock !== undefined ? { lockMs: lock } : {}),
  });
  worker.start();
  err(
    `worker ${name} (Grokscope ${GROKSCOPE_VERSION}, ${concurrency} cell${concurrency === 1 ? '' : 's'} at a time${backend ? `, backend ${backend}` : ''}) takes cells from ${target.shown}`,
  );
  err('Ctrl-C stops it; cells in training go back to the queue from their last checkpoint');
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  err(`worker ${name}: ${signal}: handing its cells back`);
  await worker.close();
  return EXIT_OK;
}
