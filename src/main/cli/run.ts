// grokscope run FILE [--db PATH] [--backend auto|wasm|cpu|tensorflow] [--steps N] [--json]
import { RunConfigSchema, BACKENDS } from '../../shared/config/run-config';
import { problemsFromZod, formatProblem } from '../../shared/config/errors';
import { choiceFlag, intFlag, parseArgs, stringFlag } from './args';
import { loadRunConfig } from './config-file';
import { UsageError } from './errors';
import { followInForeground } from './foreground';
import { openBackend } from './open-backend';
import { startRun } from './run-to-end';

export { runSummaryJson } from './foreground';

export async function runCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs(
    { name: 'run', positionals: ['FILE'], flags: { db: 'value', backend: 'value', steps: 'value', json: 'boolean' } },
    argv,
  );
  const file = a.positionals['FILE']!;
  let config = loadRunConfig(file);
  const steps = intFlag(a, 'steps', 1, 10_000_000);
  const backendChoice = choiceFlag(a, 'backend', BACKENDS);
  if (steps !== undefined || backendChoice !== undefined) {
    const r = RunConfigSchema.safeParse(
      {
        ...config,
        ...(backendChoice ? { backend: backendChoice } : {}),
        training: { ...config.training, ...(steps !== undefined ? { steps } : {}) },
      },
      { reportInput: true },
    );
    if (!r.success)
      throw new UsageError(
        `${file} with the command-line overrides is not valid`,
        problemsFromZod(r.error).map((p) => formatProblem(p)),
      );
    config = r.data;
  }

  const backend = openBackend(stringFlag(a, 'db'));
  return followInForeground(backend, {
    begin: (hooks) => startRun(backend, config, hooks),
    json: a.flags['json'] === true,
    dbGiven: stringFlag(a, 'db') !== undefined,
  });
}
