// Turns stored run rows into the API's RunSummary / RunDetail, with short human labels for task and model.
import type { RunDetail, RunSummary } from '../../shared/api/types';
import type { ModelConfig, ModularTask, RunConfig } from '../../shared/config/run-config';
import { EMPTY_PHASES } from '../../shared/analysis/phases';
import type { RunRow } from '../store/runs-repo';

const OP_SYMBOL: Record<ModularTask['op'], string> = { add: '+', sub: '-', mul: '*', div: '/' };

/** e.g. "a+b mod 23, r=0.5" */
export const describeTask = (t: ModularTask): string => `a${OP_SYMBOL[t.op]}b mod ${t.p}, r=${t.trainFraction}`;

/** e.g. "transformer 1L d128 h4" or "mlp 2x256 e128 relu" */
export const describeModel = (m: ModelConfig): string =>
  m.kind === 'transformer'
    ? `transformer ${m.layers}L d${m.dModel} h${m.heads}`
    : `mlp ${m.depth}x${m.width} e${m.embedDim} ${m.activation}`;

/** The name of a run whose config has none, e.g. "a+b mod 23, r=0.5 · mlp 1x128 e32 relu · seed 0". */
export const defaultRunName = (c: RunConfig): string => `${describeTask(c.task)} · ${describeModel(c.model)} · seed ${c.seed}`;

export function toSummary(r: RunRow): RunSummary {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    task: describeTask(r.config.task),
    model: describeModel(r.config.model),
    lr: r.config.optimizer.lr,
    weightDecay: r.config.optimizer.weightDecay,
    trainFraction: r.config.task.trainFraction,
    seed: r.seed,
    step: r.step,
    totalSteps: r.totalSteps,
    backend: r.backend,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    final: r.final ?? { trainLoss: null, trainAcc: null, valLoss: null, valAcc: null },
    phases: r.phases ?? { ...EMPTY_PHASES },
    error: r.error,
    deleted: r.deletedAt !== null,
  };
}

export function toDetail(r: RunRow, checkpoints: { step: number; bytes: number }[]): RunDetail {
  return { ...toSummary(r), config: r.config, backendNotes: r.backendNotes, checkpoints };
}
