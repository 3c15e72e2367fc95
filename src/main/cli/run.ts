// grokscope run FILE [--db PATH] [--backend auto|webgpu|wasm|cpu|tensorflow] [--steps N] [--json]
import { BACKENDS } from '../../shared/config/run-config';
import { choiceFlag, intFlag, parseArgs, stringFlag } from './args';
import { loadRunConfig } from './config-file';
import { followInForeground } from './foreground';
import { assertBackendUsable } from './info';
import { openBackend } from './open-backend';
import { startRun } from './run-to-end';

export { runSummaryJson } from './foreground';

export async function runCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs(
    { name: 'run', positionals: ['FILE'], flags: { db: 'value', backend: 'value', steps: 'value', json: 'boolean' } },
    argv,
  );
  const file = a.positionals['FILE']!;
  const steps = intFlag(a, 'steps', 1, 10_000_000);
  const backendChoice = choiceFlag(a, 'backend', BACKENDS);
  const config = loadRunConfig(file, { ...(backendChoice ? { backend: backendChoice } : {}), ...(steps !== undefined ? { steps } : {}) });

  const backend = openBackend(stringFlag(a, 'db'));
  try {
    await assertBackendUsable(backend, config.backend);
  } catch (e) {
    await backend.close();
    throw e;
  }
  return followInForeground(backend, {
    begin: (hooks) => startRun(backend, config, hooks),
    json: a.flags['json'] === true,
    dbGiven: stringFlag(a, 'db') !== undefined,
  });
}
