// Turns stored run rows into the API's RunSummary / RunDetail, with short human labels for task and model.
import type { PredictionView, RunDetail, RunSummary } from '../../shared/api/types';
import { trainFractionOf, type ModelConfig, type ModularOp, type RunConfig, type TaskConfig } from '../../shared/config/run-config';
import { EMPTY_PHASES } from '../../shared/analysis/phases';
import type { RunRow } from '../store/runs-repo';
import { PLACEHOLDER_CONFIG } from '../store/json-columns';

const OP_FORMULA: Record<ModularOp, string> = {
  add: 'a+b',
  sub: 'a-b',
  mul: 'a*b',
  div: 'a/b',
  'x^2+y^2': 'a²+b²',
  'x^2+xy+y^2': 'a²+ab+b²',
  'x^2+xy+y^2+x': 'a²+ab+b²+a',
  'x^3+xy': 'a³+ab',
  'x^3+xy^2+y': 'a³+ab²+b',
};

/**
 * The task without its data knobs (training fraction or size, messiness, β): e.g. "a+b mod 23", "S5 a·b·a⁻¹" or
 * "MNIST". A predictor calibrated on finished runs reports what it learnt from in these words.
 */
export const taskFamily = (t: TaskConfig): string => {
  switch (t.kind) {
    case 'modular':
      return `${OP_FORMULA[t.op]} mod ${t.p}`;
    case 'permutation':
      return `${t.group} ${t.op === 'compose' ? 'a·b' : 'a·b·a⁻¹'}`;
    case 'teacher-student':
      return `teacher-student ${t.inputDim}-${Array(t.teacherDepth).fill(t.teacherWidth).join('-')}-${t.outputDim} ${t.teacherActivation}`;
    case 'mnist':
      return t.trainImages ? 'IDX images' : 'MNIST';
    case 'messiness':
      return `messiness i+j, p=${t.p}`;
    case 'imdb':
      return 'IMDb';
    case 'qm9':
      return `QM9 ${t.targetColumn}`;
  }
};

/** e.g. "a+b mod 23, r=0.5", "a²+ab+b² mod 97, r=0.3" or "S5 a·b·a⁻¹, r=0.5" */
export const describeTask = (t: TaskConfig): string => {
  switch (t.kind) {
    case 'modular':
    case 'permutation':
      return `${taskFamily(t)}, r=${t.trainFraction}`;
    case 'teacher-student':
      return `${taskFamily(t)}, N=${t.trainSize}, β=${t.beta}`;
    case 'mnist':
      return `${taskFamily(t)}, N=${t.trainSize}${t.messiness < 1 ? `, m=${t.messiness}` : ''}`;
    case 'messiness':
      return `${taskFamily(t)}, m=${t.messiness}, r=${t.trainFraction}`;
    case 'imdb':
      return `${taskFamily(t)}, N=${t.trainSize}, top ${t.vocabSize} words, len ${t.maxLen}`;
    case 'qm9':
      return `${taskFamily(t)}, N=${t.trainSize}`;
  }
};

/** e.g. "transformer 1L d128 h4", "mlp 2x256 e128 relu" or "lstm 1L h20 e128" */
export const describeModel = (m: ModelConfig): string => {
  switch (m.kind) {
    case 'transformer':
      return `transformer ${m.layers}L d${m.dModel} h${m.heads}`;
    case 'mlp':
      return `mlp ${m.depth}x${m.width} e${m.embedDim} ${m.activation}`;
    case 'lstm':
      return `lstm ${m.layers}L h${m.hidden} e${m.embedDim}`;
    case 'gcn':
      return `gcn ${m.layers}L h${m.hidden} ${m.readout}`;
  }
};

/** The name of a run whose config has none, e.g. "a+b mod 23, r=0.5 · mlp 1x128 e32 relu · seed 0". */
export const defaultRunName = (c: RunConfig): string => `${describeTask(c.task)} · ${describeModel(c.model)} · seed ${c.seed}`;

/** `prediction` is the run's latest stored PredictionView (analyses table), if any. */
export function toSummary(r: RunRow, prediction: unknown = null): RunSummary {
  // an unreadable config is replaced by a placeholder in the store: say so rather than describe the placeholder
  const configReadable = r.config !== PLACEHOLDER_CONFIG;
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    task: configReadable ? describeTask(r.config.task) : 'unreadable',
    model: configReadable ? describeModel(r.config.model) : 'unreadable',
    lr: r.config.optimizer.lr,
    weightDecay: r.config.optimizer.weightDecay,
    trainFraction: trainFractionOf(r.config.task),
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
    damaged: r.damaged,
    prediction: summarisePrediction(prediction),
    sweepId: r.sweepId,
    tags: r.tags,
    notes: r.notes,
  };
}

function summarisePrediction(p: unknown): RunSummary['prediction'] {
  if (!p || typeof p !== 'object') return null;
  const v = p as PredictionView;
  return { willGrok: v.willGrok, probability: v.probability, method: v.method, atStep: v.atStep };
}

export function toDetail(r: RunRow, checkpoints: { step: number; bytes: number }[], prediction: unknown = null): RunDetail {
  return { ...toSummary(r, prediction), config: r.config, backendNotes: r.backendNotes, worker: r.worker, checkpoints };
}
