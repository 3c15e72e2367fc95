// grokscope serve [--db PATH] [--port N] [--workers N]
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { intFlag, parseArgs, stringFlag } from './args';
import { EXIT_OK, CliFailure } from './errors';
import { err } from './io';
import { openBackend } from './open-backend';
import { describeWorkers, remoteSweeps } from './redis-option';

export const DEFAULT_PORT = 8470;

export async function serveCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs({ name: 'serve', positionals: [], flags: { db: 'value', port: 'value', workers: 'value', redis: 'value' } }, argv);
  const port = intFlag(a, 'port', 0, 65535) ?? DEFAULT_PORT;
  const { startServer, defaultStaticDir } = await import('../server/index');
  const workers = intFlag(a, 'workers', 1, 256) ?? availableParallelism();
  const redisUrl = stringFlag(a, 'redis');
  const remote = redisUrl === undefined ? undefined : await remoteSweeps(redisUrl);
  const backend = openBackend(stringFlag(a, 'db'), 'browser', workers, true, remote?.factory);
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ backend, port });
  } catch (e) {
    await backend.close();
    throw new CliFailure((e as Error).message);
  }
  if (!existsSync(defaultStaticDir()))
    err(`note: the UI is not built (${defaultStaticDir()} is missing; run "npm run build"); the API is served anyway`);
  err(`Grokscope is serving ${backend.dbPath}`);
  err(`open ${server.url}`);
  if (remote) err(`sweep cells go to the workers on ${remote.target.shown}; ${await describeWorkers(remote)}`);
  err('Ctrl-C stops it');
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  err(`${signal}: stopping`);
  await server.close();
  await backend.close();
  return EXIT_OK;
}
