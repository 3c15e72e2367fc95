// The new-run form's model: flat, form-friendly fields that map one-to-one onto a RunConfig. Validation is the
// shared zod schema itself (RunConfigSchema), so the form accepts exactly what a config file may say.
import {
  GcnModelSchema,
  ImdbTaskSchema,
  LstmModelSchema,
  MessinessTaskSchema,
  MlpModelSchema,
  MnistTaskSchema,
  Qm9TaskSchema,
  RunConfigSchema,
  TeacherStudentTaskSchema,
  TransformerModelSchema,
  type BackendChoice,
  type ImdbTask,
  type LossKind,
  type MessinessTask,
  type MnistTask,
  type ModelConfig,
  type ModularOp,
  type OptimizerKind,
  type PermutationOp,
  type Qm9Task,
  type RunConfig,
  type RunConfigInput,
  type TaskConfig,
  type TeacherStudentTask,
} from '../../../shared/config/run-config';
import { problemsFromZod, type ConfigProblem } from '../../../shared/config/errors';
import { schemaLeafPaths } from '../../../shared/config/schema-paths';

/** Empty number inputs bind to null/undefined; zod then reports "is required". */
type Num = number | null | undefined;

/** A sample task's fields as form values: numbers may be empty, optional paths are '' when unset. */
export type FormOf<T> = {
  [K in Exclude<keyof T, 'kind'>]-?: NonNullable<T[K]> extends number ? Num : NonNullable<T[K]> extends string ? string : T[K];
};

/** The Omnigrok sample tasks (003), each with its own form values so switching kinds keeps what was typed. */
export interface SampleDrafts {
  'teacher-student': FormOf<TeacherStudentTask>;
  mnist: FormOf<MnistTask>;
  messiness: FormOf<MessinessTask>;
  imdb: FormOf<ImdbTask>;
  qm9: FormOf<Qm9Task>;
}
export type SampleKind = keyof SampleDrafts;
export const SAMPLE_KINDS: readonly SampleKind[] = ['teacher-student', 'mnist', 'messiness', 'imdb', 'qm9'];
const isSampleKind = (k: string): k is SampleKind => (SAMPLE_KINDS as readonly string[]).includes(k);

const withoutKind = <T extends { kind: string }>(t: T): Omit<T, 'kind'> => {
  const { kind: _kind, ...rest } = t;
  return rest;
};

/** Schema defaults for every sample task (the folder tasks start with an empty path, which the schema reports). */
function sampleDefaults(): SampleDrafts {
  const mnist = MnistTaskSchema.parse({ kind: 'mnist' });
  return {
    'teacher-student': withoutKind(TeacherStudentTaskSchema.parse({ kind: 'teacher-student' })),
    mnist: { ...withoutKind(mnist), trainImages: '', trainLabels: '', testImages: '', testLabels: '' },
    messiness: withoutKind(MessinessTaskSchema.parse({ kind: 'messiness' })),
    imdb: { ...withoutKind(ImdbTaskSchema.parse({ kind: 'imdb', path: '-' })), path: '' },
    qm9: { ...withoutKind(Qm9TaskSchema.parse({ kind: 'qm9', path: '-' })), path: '' },
  };
}

export interface Draft {
  name: string;
  seed: Num;
  backend: BackendChoice;
  /** modular: a∘b mod p; permutation: S5 (op, p and symmetricOnce are the modular fields, permOp the S5 one) */
  taskKind: TaskConfig['kind'];
  task: {
    op: ModularOp;
    permOp: PermutationOp;
    p: Num;
    trainFraction: Num;
    splitSeed: Num;
    symmetricOnce: boolean;
    encoding: 'power' | 'three-token';
  };
  /** fields of the sample tasks (taskKind one of SAMPLE_KINDS) */
  samples: SampleDrafts;
  modelKind: ModelConfig['kind'];
  gcn: { hidden: Num; layers: Num; readout: 'sum' | 'mean' };
  mlp: { embedDim: Num; width: Num; depth: Num; activation: 'relu' | 'gelu' | 'tanh' | 'silu' };
  transformer: {
    layers: Num;
    dModel: Num;
    heads: Num;
    dMlp: Num;
    layerNorm: boolean;
    tiedEmbedding: boolean;
    /** the config's weightInit, 'torch' when absent */
    weightInit: 'torch' | 'nanda';
  };
  lstm: { embedDim: Num; hidden: Num; layers: Num };
  optimizer: {
    kind: OptimizerKind;
    lr: Num;
    weightDecay: Num;
    /** 'auto': decoupled for AdamW, L2 otherwise (the schema's rule) */
    weightDecayMode: 'auto' | 'decoupled' | 'l2';
    beta1: Num;
    beta2: Num;
    eps: Num;
    momentum: Num;
    dampening: Num;
    nesterov: boolean;
    alpha: Num;
    centered: boolean;
    etaMinus: Num;
    etaPlus: Num;
    stepMin: Num;
    stepMax: Num;
    warmupSteps: Num;
    lrSchedule: 'constant' | 'cosine' | 'linear';
    clipGradNorm: Num;
    updateNoise: Num;
    weightNoise: Num;
  };
  training: { steps: Num; fullBatch: boolean; batchSize: Num; evalEvery: Num; checkpointEvery: Num; checkpointPowersOfTwo: boolean };
  /** Omnigrok's knobs: init scale α, constant-norm training, the loss */
  initScale: Num;
  constantNorm: boolean;
  loss: LossKind;
}

/** The first run a new user meets (the runs page's empty state, the form's defaults and Reset, the base of a new
 *  sweep): the README's minimal config, examples/grok-fast.json's setting. It groks (100% validation accuracy) within
 *  its 2500 updates in about 10 s on one laptop core; 000 §2.2's p = 97 transformer takes hours there. */
export const FIRST_RUN = {
  task: { kind: 'modular', op: 'add', p: 31, trainFraction: 0.6, encoding: 'three-token' },
  model: { kind: 'mlp', embedDim: 32, width: 128, depth: 1 },
  optimizer: { lr: 0.005, weightDecay: 1 },
  training: { steps: 2500, evalEvery: 20 },
} as const satisfies RunConfigInput;

const inline = (v: object): string =>
  JSON.stringify(v).replace(/^\{/, '{ ').replace(/\}$/, ' }').replace(/":/g, '": ').replace(/,"/g, ', "');
/** FIRST_RUN as the README prints it: one line per section. */
export const FIRST_RUN_TEXT = `{\n${Object.entries(FIRST_RUN)
  .map(([k, v]) => `  "${k}": ${inline(v)}`)
  .join(',\n')}\n}`;

/** FIRST_RUN with the schema's own defaults for everything it does not fix. */
export const defaultDraft = (): Draft => draftFromConfig(RunConfigSchema.parse(FIRST_RUN));

export function draftFromConfig(c: RunConfig): Draft {
  // The other model kind keeps its schema defaults, so switching kinds in the form shows sensible values.
  const mlp = c.model.kind === 'mlp' ? c.model : MlpModelSchema.parse({ kind: 'mlp' });
  const tf = c.model.kind === 'transformer' ? c.model : TransformerModelSchema.parse({ kind: 'transformer' });
  const lstm = c.model.kind === 'lstm' ? c.model : LstmModelSchema.parse({ kind: 'lstm' });
  const gcn = c.model.kind === 'gcn' ? c.model : GcnModelSchema.parse({ kind: 'gcn' });
  const samples = sampleDefaults();
  if (isSampleKind(c.task.kind)) Object.assign(samples[c.task.kind], withoutKind(c.task));
  // Likewise the other task kind keeps the modular defaults (add mod 97) or S5 composition.
  const t = c.task;
  return {
    name: c.name ?? '',
    seed: c.seed,
    backend: c.backend,
    taskKind: t.kind,
    task: {
      op: t.kind === 'modular' ? t.op : 'add',
      permOp: t.kind === 'permutation' ? t.op : 'compose',
      p: t.kind === 'modular' ? t.p : 97,
      trainFraction: t.kind === 'modular' || t.kind === 'permutation' ? t.trainFraction : 0.5,
      splitSeed: t.kind === 'modular' || t.kind === 'permutation' ? t.splitSeed : 0,
      symmetricOnce: t.kind === 'modular' ? t.symmetricOnce : false,
      encoding: t.kind === 'modular' || t.kind === 'permutation' ? t.encoding : 'power',
    },
    samples,
    modelKind: c.model.kind,
    gcn: { hidden: gcn.hidden, layers: gcn.layers, readout: gcn.readout },
    mlp: { embedDim: mlp.embedDim, width: mlp.width, depth: mlp.depth, activation: mlp.activation },
    transformer: {
      layers: tf.layers,
      dModel: tf.dModel,
      heads: tf.heads,
      dMlp: tf.dMlp,
      layerNorm: tf.layerNorm,
      tiedEmbedding: tf.tiedEmbedding,
      weightInit: tf.weightInit ?? 'torch',
    },
    lstm: { embedDim: lstm.embedDim, hidden: lstm.hidden, layers: lstm.layers },
    optimizer: { ...c.optimizer, weightDecayMode: c.optimizer.weightDecayMode ?? 'auto' },
    training: {
      steps: c.training.steps,
      fullBatch: c.training.batchSize === 'full',
      batchSize: c.training.batchSize === 'full' ? 512 : c.training.batchSize,
      evalEvery: c.training.evalEvery,
      checkpointEvery: c.training.checkpointEvery,
      checkpointPowersOfTwo: c.training.checkpointPowersOfTwo,
    },
    initScale: c.init.scale,
    constantNorm: c.constantNorm,
    loss: c.loss,
  };
}

/** A blank field stays null (and a non-number NaN) in the config input, so the schema reports it instead of quietly
 *  filling in its default: the researcher typed something else. */
const n = (v: Num): number => (v ?? null) as number;
/** A field the form hides for the chosen kind: blank means the schema's default (its value is not read anyway). */
const hidden = (v: Num): number | undefined => (v === null || v === undefined || Number.isNaN(v) ? undefined : v);

/** The optimiser fields only some kinds read; the form shows them for those kinds alone, so a blank hidden one is no
 *  problem. Every other optimiser field is read by all kinds. */
const OPTIMIZER_READS = {
  beta1: ['adamw', 'adam', 'adamax'],
  beta2: ['adamw', 'adam', 'adamax'],
  eps: ['adamw', 'adam', 'adamax', 'rmsprop'],
  momentum: ['sgd', 'rmsprop'],
  alpha: ['rmsprop'],
  etaMinus: ['rprop'],
  etaPlus: ['rprop'],
  stepMin: ['rprop'],
  stepMax: ['rprop'],
} as const satisfies Record<string, readonly OptimizerKind[]>;
export const optimizerReads = (kind: OptimizerKind, field: keyof typeof OPTIMIZER_READS): boolean =>
  (OPTIMIZER_READS[field] as readonly OptimizerKind[]).includes(kind);
const shown = (kind: OptimizerKind, field: keyof typeof OPTIMIZER_READS, v: Num): number | undefined =>
  optimizerReads(kind, field) ? n(v) : hidden(v);

/** The config document the draft stands for (what the JSON view shows and what is sent). */
export function draftToInput(d: Draft): RunConfigInput {
  const o = d.optimizer;
  const model =
    d.modelKind === 'mlp'
      ? { kind: 'mlp' as const, embedDim: n(d.mlp.embedDim), width: n(d.mlp.width), depth: n(d.mlp.depth), activation: d.mlp.activation }
      : d.modelKind === 'lstm'
        ? { kind: 'lstm' as const, embedDim: n(d.lstm.embedDim), hidden: n(d.lstm.hidden), layers: n(d.lstm.layers) }
        : d.modelKind === 'gcn'
          ? { kind: 'gcn' as const, hidden: n(d.gcn.hidden), layers: n(d.gcn.layers), readout: d.gcn.readout }
          : {
              kind: 'transformer' as const,
              layers: n(d.transformer.layers),
              dModel: n(d.transformer.dModel),
              heads: n(d.transformer.heads),
              dMlp: n(d.transformer.dMlp),
              layerNorm: d.transformer.layerNorm,
              tiedEmbedding: d.transformer.tiedEmbedding,
              // written only when not the default, so a config without the field comes back without it
              ...(d.transformer.weightInit === 'nanda' ? { weightInit: 'nanda' as const } : {}),
            };
  return {
    ...(d.name.trim() ? { name: d.name.trim() } : {}),
    seed: n(d.seed),
    backend: d.backend,
    task: isSampleKind(d.taskKind)
      ? sampleTaskInput(d.taskKind, d.samples[d.taskKind])
      : d.taskKind === 'permutation'
        ? {
            kind: 'permutation',
            group: 'S5',
            op: d.task.permOp,
            trainFraction: n(d.task.trainFraction),
            splitSeed: n(d.task.splitSeed),
            encoding: d.task.encoding,
          }
        : {
            kind: 'modular',
            op: d.task.op,
            p: n(d.task.p),
            trainFraction: n(d.task.trainFraction),
            splitSeed: n(d.task.splitSeed),
            symmetricOnce: d.task.symmetricOnce,
            encoding: d.task.encoding,
          },
    model,
    optimizer: {
      kind: o.kind,
      lr: n(o.lr),
      weightDecay: n(o.weightDecay),
      ...(o.weightDecayMode === 'auto' ? {} : { weightDecayMode: o.weightDecayMode }),
      beta1: shown(o.kind, 'beta1', o.beta1),
      beta2: shown(o.kind, 'beta2', o.beta2),
      eps: shown(o.kind, 'eps', o.eps),
      momentum: shown(o.kind, 'momentum', o.momentum),
      dampening: hidden(o.dampening),
      nesterov: o.nesterov,
      alpha: shown(o.kind, 'alpha', o.alpha),
      centered: o.centered,
      etaMinus: shown(o.kind, 'etaMinus', o.etaMinus),
      etaPlus: shown(o.kind, 'etaPlus', o.etaPlus),
      stepMin: shown(o.kind, 'stepMin', o.stepMin),
      stepMax: shown(o.kind, 'stepMax', o.stepMax),
      warmupSteps: n(o.warmupSteps),
      lrSchedule: o.lrSchedule,
      clipGradNorm: n(o.clipGradNorm),
      updateNoise: n(o.updateNoise),
      weightNoise: n(o.weightNoise),
    },
    training: {
      steps: n(d.training.steps),
      batchSize: d.training.fullBatch ? 'full' : n(d.training.batchSize),
      evalEvery: n(d.training.evalEvery),
      checkpointEvery: n(d.training.checkpointEvery),
      checkpointPowersOfTwo: d.training.checkpointPowersOfTwo,
    },
    init: { scale: n(d.initScale) },
    loss: d.loss,
    constantNorm: d.constantNorm,
  };
}

/** A sample task's form values as config input: blank numbers stay null (the schema reports them), empty optional
 *  paths are left out. */
function sampleTaskInput(kind: SampleKind, values: object): RunConfigInput['task'] {
  const out: Record<string, unknown> = { kind };
  for (const [k, v] of Object.entries(values)) {
    if (v === '' && k !== 'path') continue; // a required path stays '' so the schema names it
    out[k] = v;
  }
  return out as RunConfigInput['task'];
}

export type DraftCheck = { ok: true; config: RunConfig; problems: [] } | { ok: false; problems: ConfigProblem[] };

export function checkDraft(d: Draft): DraftCheck {
  const r = RunConfigSchema.safeParse(draftToInput(d), { reportInput: true });
  if (r.success) return { ok: true, config: r.data, problems: [] };
  // A blank or unreadable number field is said in the form's words rather than the schema's "must be number, got null".
  const problems = problemsFromZod(r.error).map((p, i) => {
    const input = (r.error.issues[i] as { input?: unknown }).input;
    if (input === null) return { ...p, message: 'is required: enter a number' };
    if (typeof input === 'number' && Number.isNaN(input)) return { ...p, message: 'is not a number' };
    return p;
  });
  return { ok: false, problems };
}

/** JSON drops undefined fields; a missing required number then reads "is required" in the JSON view too. */
export const draftToJson = (d: Draft): string => JSON.stringify(draftToInput(d), null, 2);

/**
 * Schema paths the form has no field for: the kinds are chosen with radio buttons that show no message, the S5 group
 * has a single value, and dampening is left at its default. A problem at one of these is listed above the form.
 */
const NOT_ON_FORM: ReadonlySet<string> = new Set(['task.kind', 'task.group', 'model.kind', 'optimizer.dampening']);

/** Config paths that have a field on the new-run form, read from the schema, so a new option shows where it belongs. */
export const FORM_PATHS: ReadonlySet<string> = new Set(schemaLeafPaths(RunConfigSchema).filter((p) => !NOT_ON_FORM.has(p)));
