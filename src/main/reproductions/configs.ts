// The run configs reproductions train, each built from the papers' settings and validated by the run-config schema
// (so every default a config file would get, it gets here too).
import { RunConfigSchema, type RunConfig } from '../../shared/config/run-config';

type Raw = Record<string, unknown>;

export const runConfig = (raw: Raw): RunConfig => RunConfigSchema.parse(raw);

/** Grokscope's fast grokking example (examples/grok-fast.json): a + b mod p, r = 0.6, embedding 32 + one hidden layer
 *  of 128 ReLU units, AdamW lr 5e-3, weight decay 1, β = (0.9, 0.98), 10 warm-up updates, full batch. */
export function grokFastMlp(o: {
  name: string;
  p?: number;
  r?: number;
  steps: number;
  evalEvery?: number;
  checkpointEvery?: number;
  seed?: number;
}): RunConfig {
  return runConfig({
    name: o.name,
    seed: o.seed ?? 0,
    backend: 'auto',
    task: { kind: 'modular', op: 'add', p: o.p ?? 31, trainFraction: o.r ?? 0.6, splitSeed: 0, encoding: 'three-token' },
    model: { kind: 'mlp', embedDim: 32, width: 128, depth: 1, activation: 'relu' },
    optimizer: { kind: 'adamw', lr: 0.005, weightDecay: 1, beta1: 0.9, beta2: 0.98, eps: 1e-8, warmupSteps: 10 },
    training: { steps: o.steps, batchSize: 'full', evalEvery: o.evalEvery ?? 20, checkpointEvery: o.checkpointEvery ?? 0 },
  });
}

/** 000 §2.2's default: a 2-layer transformer, d 128, 4 heads (≈ 4·10⁵ non-embedding parameters), a + b mod 97,
 *  AdamW lr 1e-4, weight decay 1, β = (0.9, 0.98), 10 warm-up updates, full batch. */
export function notsawoTransformer(o: {
  name: string;
  r: number;
  steps: number;
  evalEvery?: number;
  checkpointEvery?: number;
  seed?: number;
}): RunConfig {
  return runConfig({
    name: o.name,
    seed: o.seed ?? 0,
    backend: 'auto',
    task: { kind: 'modular', op: 'add', p: 97, trainFraction: o.r, splitSeed: 0, encoding: 'power' },
    model: { kind: 'transformer', layers: 2, dModel: 128, heads: 4, dMlp: 512, layerNorm: true, tiedEmbedding: true },
    optimizer: { kind: 'adamw', lr: 1e-4, weightDecay: 1, beta1: 0.9, beta2: 0.98, warmupSteps: 10 },
    training: { steps: o.steps, batchSize: 'full', evalEvery: o.evalEvery ?? 100, checkpointEvery: o.checkpointEvery ?? 0 },
  });
}

/** Nanda et al. (2023): a 1-layer transformer without LayerNorm (d_model, 4 heads, d_mlp = 4·d_model, untied
 *  unembedding) on a + b mod p in the tokens (a, b, =), loss at the last position, full-batch AdamW lr 1e-3, weight
 *  decay 1, β = (0.9, 0.98). The paper: p = 113, r = 0.3, d_model 128. */
export function nandaTransformer(o: {
  name: string;
  p: number;
  r: number;
  dModel: number;
  steps: number;
  evalEvery: number;
  lr?: number;
  seed?: number;
  encoding?: 'three-token' | 'power';
}): RunConfig {
  return runConfig({
    name: o.name,
    seed: o.seed ?? 0,
    backend: 'auto',
    task: { kind: 'modular', op: 'add', p: o.p, trainFraction: o.r, splitSeed: 0, encoding: o.encoding ?? 'three-token' },
    model: { kind: 'transformer', layers: 1, dModel: o.dModel, heads: 4, dMlp: 4 * o.dModel, layerNorm: false, tiedEmbedding: false },
    optimizer: { kind: 'adamw', lr: o.lr ?? 1e-3, weightDecay: 1, beta1: 0.9, beta2: 0.98, warmupSteps: 10 },
    training: { steps: o.steps, batchSize: 'full', evalEvery: o.evalEvery, checkpointEvery: 0 },
  });
}
