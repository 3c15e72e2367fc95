// The one truth for run configs. Every entry point (file, form, IPC, WebSocket, CLI) parses with these schemas.
import { z } from 'zod';

export const isPrime = (n: number): boolean => {
  if (!Number.isInteger(n) || n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
};

const int = () => z.number().int();

export const MODULAR_OPS = ['add', 'sub', 'mul', 'div'] as const;
export type ModularOp = (typeof MODULAR_OPS)[number];
export const SYMMETRIC_OPS: readonly ModularOp[] = ['add', 'mul'];

export const ModularTaskSchema = z
  .strictObject({
    kind: z.literal('modular'),
    op: z.enum(MODULAR_OPS).describe('a∘b mod p: add, sub, mul or div (b ≠ 0, p prime)'),
    p: int().min(2).max(1024).describe('the modulus (prime for div)'),
    trainFraction: z.number().gt(0).lt(1).default(0.5).describe('r = |D_train| / |D|, in (0, 1)'),
    splitSeed: int().min(0).default(0).describe('seed of the train/validation split, separate from the init seed'),
    symmetricOnce: z.boolean().default(false).describe('count a∘b and b∘a once for symmetric ops (000 §2.2)'),
    encoding: z
      .enum(['power', 'three-token'])
      .default('power')
      .describe('power: ⟨a⟩⟨op⟩⟨b⟩⟨=⟩ (Power et al.); three-token: (a, b, =) (Nanda et al.)'),
  })
  .superRefine((t, ctx) => {
    if (t.op === 'div' && !isPrime(t.p))
      ctx.addIssue({ code: 'custom', path: ['p'], message: `must be prime for op "div", got ${t.p}`, input: t.p });
  });

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
  })
  .superRefine((m, ctx) => {
    if (m.dModel % m.heads !== 0)
      ctx.addIssue({ code: 'custom', path: ['heads'], message: `must divide dModel (${m.dModel}), got ${m.heads}`, input: m.heads });
  });

export const ModelSchema = z.discriminatedUnion('kind', [MlpModelSchema, TransformerModelSchema]);

export const OptimizerSchema = z.strictObject({
  kind: z.literal('adamw').default('adamw'),
  lr: z.number().gt(0).max(10).default(1e-3),
  weightDecay: z.number().min(0).default(1).describe('decoupled weight decay λ'),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.98),
  eps: z.number().gt(0).default(1e-8),
  warmupSteps: int().min(0).default(10).describe('linear learning-rate warm-up over the first N updates'),
});

export const TrainingSchema = z.strictObject({
  steps: int().min(1).max(10_000_000).describe('number of optimiser updates'),
  batchSize: z.union([z.literal('full'), int().min(1)]).default('full'),
  evalEvery: int().min(1).default(10).describe('measure every k steps'),
  checkpointEvery: int().min(0).default(0).describe('store weights every k steps (0: only at the end)'),
});

export const BACKENDS = ['auto', 'wasm', 'cpu', 'tensorflow'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export const RunConfigSchema = z.strictObject({
  name: z.string().max(200).optional(),
  seed: int().min(0).default(0).describe('initialisation and minibatch seed'),
  backend: z.enum(BACKENDS).default('auto'),
  task: ModularTaskSchema,
  model: ModelSchema,
  optimizer: OptimizerSchema.prefault({}),
  training: TrainingSchema,
});

export type RunConfig = z.output<typeof RunConfigSchema>;
export type RunConfigInput = z.input<typeof RunConfigSchema>;
export type ModularTask = z.output<typeof ModularTaskSchema>;
export type ModelConfig = z.output<typeof ModelSchema>;
export type MlpModelConfig = z.output<typeof MlpModelSchema>;
export type TransformerModelConfig = z.output<typeof TransformerModelSchema>;
export type OptimizerConfig = z.output<typeof OptimizerSchema>;
export type TrainingConfig = z.output<typeof TrainingSchema>;
