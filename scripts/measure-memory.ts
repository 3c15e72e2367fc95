// Measures the wasm memory a training run really takes, next to src/shared/config/memory-estimate.ts's estimate, so
// the estimate can be checked against the trainer as it changes.
// Usage: npx tsx scripts/measure-memory.ts [NAME...] [--json]   (NAME: a key of MEASURED, or mlp-pN / transformer-pN)
// For each config: a Trainer on the wasm backend, 3 updates and one evaluation; then TF.js's wasm heap (it only ever
// grows, so its size is the peak) plus the memories of Grokscope's own MLP kernel instances.
import * as tf from '@tensorflow/tfjs-core';
import { RunConfigSchema, type RunConfig, type RunConfigInput } from '../src/shared/config/run-config';
import { estimateTrainingMemory } from '../src/shared/config/memory-estimate';
import { initBackend } from '../src/main/compute/engine/backend';
import { Trainer } from '../src/main/compute/train/trainer';
import { executionSettings } from '../src/main/host/execution-settings';

/** The memories of the MLP kernel's instances (created with `new WebAssembly.Instance`; TF.js instantiates async). */
const kernelMemories: WebAssembly.Memory[] = [];
const RealInstance = WebAssembly.Instance;
(WebAssembly as { Instance: typeof WebAssembly.Instance }).Instance = new Proxy(RealInstance, {
  construct(target, args: [WebAssembly.Module, WebAssembly.Imports?]) {
    const inst = new target(...args);
    const mem = (inst.exports as { memory?: WebAssembly.Memory }).memory;
    if (mem) kernelMemories.push(mem);
    return inst;
  },
});

const cfg = (task: RunConfigInput['task'], model: RunConfigInput['model'], batchSize: number | 'full' = 'full'): RunConfig =>
  RunConfigSchema.parse({ backend: 'wasm', task, model, training: { steps: 10, batchSize } });

export const MEASURED: Record<string, RunConfig> = {
  'tiny-mlp': cfg({ kind: 'modular', op: 'add', p: 11 }, { kind: 'mlp', embedDim: 8, width: 32, depth: 1 }),
  'mlp-p97': cfg({ kind: 'modular', op: 'add', p: 97 }, { kind: 'mlp' }),
  'transformer-p23': cfg({ kind: 'modular', op: 'add', p: 23 }, { kind: 'transformer' }),
  'transformer-p97': cfg({ kind: 'modular', op: 'add', p: 97 }, { kind: 'transformer' }),
  'nanda-p113': cfg(
    { kind: 'modular', op: 'add', p: 113, trainFraction: 0.3, encoding: 'three-token' },
    { kind: 'transformer', layers: 1, layerNorm: false, tiedEmbedding: false },
  ),
  'mlp-p211': cfg({ kind: 'modular', op: 'add', p: 211 }, { kind: 'mlp', embedDim: 128, width: 512 }),
  'mlp-gelu-p211': cfg({ kind: 'modular', op: 'add', p: 211 }, { kind: 'mlp', activation: 'gelu' }),
  'transformer-p160': cfg({ kind: 'modular', op: 'add', p: 160 }, { kind: 'transformer' }),
  'transformer-p211': cfg({ kind: 'modular', op: 'add', p: 211 }, { kind: 'transformer' }),
  'mlp-p500': cfg({ kind: 'modular', op: 'add', p: 500 }, { kind: 'mlp' }),
  'transformer-p211-batch512': cfg({ kind: 'modular', op: 'add', p: 211 }, { kind: 'transformer' }, 512),
};

const MiB = 1024 * 1024;
/** one JSON line per config (tests/unit/config-memory-estimate.test.ts reads them) */
const asJson = process.argv.includes('--json');

async function measure(name: string, c: RunConfig): Promise<void> {
  kernelMemories.length = 0;
  const t = new Trainer(c, executionSettings());
  for (let i = 0; i < 3; i++) await t.update(i === 2);
  await t.evaluate(null);
  const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
  const kernels = kernelMemories.reduce((s, m) => s + m.buffer.byteLength, 0);
  const live = tf.memory().numBytes;
  t.dispose();
  const est = estimateTrainingMemory(c, 'wasm');
  if (asJson) {
    console.log(JSON.stringify({ name, heap, kernels, estimate: est.tensorBytes, kernelEstimate: est.kernelBytes }));
    return;
  }
  const mib = (b: number) => (b / MiB).toFixed(1).padStart(7);
  console.log(
    `${name.padEnd(26)} TF.js heap ${mib(heap)} MiB, estimate ${mib(est.tensorBytes)} (×${(est.tensorBytes / heap).toFixed(2)}) · ` +
      `kernel ${mib(kernels)} MiB, estimate ${mib(est.kernelBytes)} · live tensors after ${mib(live)} MiB`,
  );
}

async function main(): Promise<void> {
  await initBackend('wasm');
  const names = process.argv.slice(2).filter((a) => a !== '--json');
  // each config in its own process would give each a fresh heap; in one process the heap only grows, so run the
  // configs from small to large and pass one name per process for exact numbers
  for (const [name, c] of Object.entries(MEASURED)) if (names.length === 0 || names.includes(name)) await measure(name, c);
  // any other modular size by name: mlp-p300, transformer-p200
  for (const name of names.filter((n) => !(n in MEASURED))) {
    const m = /^(mlp|transformer)-p(\d+)$/.exec(name);
    if (m) await measure(name, cfg({ kind: 'modular', op: 'add', p: Number(m[2]) }, { kind: m[1] as 'mlp' | 'transformer' }));
  }
}

void main();
