// Settings that are valid but probably not what was meant: reported beside a config that is accepted.
import type { ConfigProblem } from './errors';
import { trainingSetSize } from './memory-estimate';
import type { RunConfig } from './run-config';

/** What a batch at least as large as the training set means: the trainer takes the whole set every step. */
export const fullBatchText = (batchSize: number, trainSize: number): string =>
  `${batchSize} is ${batchSize === trainSize ? 'the size of' : 'larger than'} the training set (${trainSize} examples): ` +
  'every step uses the full training set';

export function runConfigWarnings(c: RunConfig): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  const bs = c.training.batchSize;
  const n = trainingSetSize(c.task);
  // full-batch training then, not the minibatches the number suggests
  if (bs !== 'full' && n !== null && bs >= n) warnings.push({ path: 'training.batchSize', message: fullBatchText(bs, n) });
  return warnings;
}
