// grokscope validate FILE
import { parseArgs } from './args';
import { loadRunConfig } from './config-file';
import { EXIT_OK } from './errors';
import { out } from './io';
import { describeModel, describeTask } from '../services/run-views';

export async function validateCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs({ name: 'validate', positionals: ['FILE'], flags: {} }, argv);
  const file = a.positionals['FILE']!;
  const c = loadRunConfig(file);
  out(`${file}: valid run config: ${describeTask(c.task)} · ${describeModel(c.model)} · ${c.training.steps} steps · backend ${c.backend}`);
  return EXIT_OK;
}
