// The dataset of any configured task: a table of a∘b = c equations (modular, permutation) or a sample dataset
// (the Omnigrok tasks of 003: teacher-student, MNIST, messiness, IMDb, QM9).
import type { TaskConfig } from '../../../shared/config/run-config';
import type { TaskDataset } from './dataset';
import { buildImdbDataset } from './imdb';
import { buildMessinessDataset } from './messiness';
import { buildMnistDataset } from './mnist';
import { buildModularDataset } from './modular';
import { buildPermutationDataset } from './permutation';
import { buildQm9Dataset } from './qm9';
import type { SampleDataset } from './samples';
import { buildTeacherStudentDataset } from './teacher-student';

/** The equation-table dataset of a modular or permutation task; the sample tasks go through buildAnyDataset. */
export function buildDataset(task: TaskConfig): TaskDataset {
  if (task.kind === 'modular') return buildModularDataset(task);
  if (task.kind === 'permutation') return buildPermutationDataset(task);
  throw new Error(`task.kind "${task.kind}" is a sample task: build it with buildAnyDataset`);
}

/** Either task family's dataset: what a run trains on. */
export type RunDataset = TaskDataset | SampleDataset;

export function buildAnyDataset(task: TaskConfig): RunDataset {
  switch (task.kind) {
    case 'modular':
    case 'permutation':
      return buildDataset(task);
    case 'teacher-student':
      return buildTeacherStudentDataset(task);
    case 'mnist':
      return buildMnistDataset(task);
    case 'messiness':
      return buildMessinessDataset(task);
    case 'imdb':
      return buildImdbDataset(task);
    case 'qm9':
      return buildQm9Dataset(task);
  }
}
