// The run config of one cell of Omnigrok's reduced landscape (003 §2-5). Pure, so the API validates a grid's every
// cell before a compute process starts, and the compute process builds its Trainers from the same function.
import { formatProblem, problemsFromZod, type ConfigProblem } from './errors';
import { RunConfigSchema, type LrSchedule, type RunConfig } from './run-config';

export class CellConfigError extends Error {
  constructor(
    message: string,
    readonly problems: ConfigProblem[],
  ) {
    super(message);
  }
}

/** What a cell takes from the grid's parameters (a ReducedParams fits). */
export interface ReducedCellSettings {
  /** the task field the grid's second axis sets, e.g. 'task.trainFraction' */
  axis: string;
  steps: number;
  evalEvery: number;
  lrScaling: 'fixed' | 'with-norm';
  lrSchedule?: LrSchedule;
}

/**
 * The run config of one cell: init scale α, constant norm, no weight decay, the axis value (and lr × α when asked);
 * validated again. A trainable representation is frozen at the cell's m: in 003's landscape analysis (App. E, Table 1)
 * only the decoder's direction trains.
 */
export function cellConfig(base: RunConfig, p: ReducedCellSettings, scale: number, value: number): RunConfig {
  const field = p.axis.slice('task.'.length);
  const { reprLr: _lr, reprWeightDecay: _wd, ...optimizer } = base.optimizer;
  const raw = {
    ...base,
    task: { ...base.task, ...(base.task.kind === 'messiness' ? { trainRepresentation: false } : {}), [field]: value },
    init: { ...base.init, scale },
    constantNorm: true,
    // Adam's steps have an absolute size ≈ lr: on a sphere of radius α·w0 they turn θ by ≈ lr/α, so 'with-norm'
    // scales lr by α to give every cell the same angular speed within the same budget of updates
    optimizer: {
      ...optimizer,
      weightDecay: 0,
      lr: base.optimizer.lr * (p.lrScaling === 'with-norm' ? scale : 1),
      lrSchedule: p.lrSchedule ?? base.optimizer.lrSchedule,
    },
    training: { ...base.training, steps: p.steps, evalEvery: p.evalEvery, checkpointEvery: 0, checkpointPowersOfTwo: false },
  };
  const parsed = RunConfigSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const problems = problemsFromZod(parsed.error);
    throw new CellConfigError(
      `reduced landscape cell (α ${scale}, ${p.axis} ${value}): ${problems.map((q) => formatProblem(q)).join('; ')}`,
      problems,
    );
  }
  return parsed.data;
}
