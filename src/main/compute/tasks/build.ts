// The dataset of any configured task.
import type { TaskConfig } from '../../../shared/config/run-config';
import type { TaskDataset } from './dataset';
import { buildModularDataset } from './modular';
import { buildPermutationDataset } from './permutation';

export function buildDataset(task: TaskConfig): TaskDataset {
  return task.kind === 'modular' ? buildModularDataset(task) : buildPermutationDataset(task);
}
