// How much memory a run config needs, estimated from the shapes the trainer allocates (compute/train/trainer.ts,
// data.ts, models/*, engine/mlp-kernel.ts), so that a config the backend cannot hold is refused when it is validated
// instead of failing minutes later with "memory access out of bounds". The wasm backend is a wasm32 instance: its
// heap ends at 4 GiB − 64 KiB (tfjs-backend-wasm's getHeapMax), whatever the machine has. Checked against measured
// heaps by tests/unit/config-memory-estimate.test.ts and scripts/measure-memory.ts.
import type { ConfigProblem } from './errors';
import { trainRowsOf, type BackendChoice, type ModelConfig, type RunConfig, type TaskConfig } from './run-config';

const F32 = 4;
const GiB = 1024 ** 3;
/** A split is cached as tensors while its one-hot input has at most this many floats (train/data.ts CACHE_FLOATS). */
const CACHE_FLOATS = 16 * 1024 * 1024;
/**
 * The share of a wasm memory a run may plan to fill. Tensors of every size come and go each step and the allocator
 * cannot always reuse the holes they leave: measured, a transformer on p = 200 (estimate 2.8 GiB, heap 2.5 GiB)
 * trains, while p = 211 (estimate 3.2 GiB) aborts at the 4 GiB ceiling.
 */
export const WASM_USABLE_FRACTION = 0.75;

/** tfjs-backend-wasm's initial heap (INITIAL_MEMORY), where its own static data lives. */
const WASM_BASE_BYTES = 16 * 1024 * 1024;

/**
 * The most a backend can address, in bytes; null: no fixed limit (typed arrays of the cpu backend and tfjs-node's
 * native tensors are bounded only by the machine, which a pure config check cannot know). `auto` is judged as wasm:
 * it is what auto chooses wherever @tensorflow/tfjs-node is not installed (the shipped app); the refusal says to name
 * `backend: tensorflow` for a machine that has it.
 */
export const BACKEND_MEMORY_LIMITS: Record<BackendChoice, number | null> = {
  auto: 4 * GiB - 65536,
  wasm: 4 * GiB - 65536,
  cpu: null,
  tensorflow: null,
  // the adapter's buffer limits are known only in the compute process, which reports an allocation it cannot make
  webgpu: null,
};

/** Sizes of the task's data, where the config alone determines them (modular, permutation, messiness, sizes given). */
export interface TaskShape {
  /** training rows, validation rows (null: only known from the task's files) */
  train: number;
  val: number | null;
  /** table tasks: tokens per row and vocabulary (one-hot inputs); dense tasks: inputDim, seqLen 1 */
  seqLen: number;
  vocab: number;
  classes: number;
  /** rows are dense vectors of `vocab` floats rather than one-hot tokens */
  dense: boolean;
}

const splitOf = (total: number, r: number): [number, number] => {
  const n = trainRowsOf(total, r);
  return [n, total - n];
};

export function taskShape(t: TaskConfig): TaskShape | null {
  switch (t.kind) {
    case 'modular': {
      const symmetric = ['add', 'mul', 'x^2+y^2', 'x^2+xy+y^2'].includes(t.op);
      const total = t.op === 'div' ? t.p * (t.p - 1) : t.symmetricOnce && symmetric ? (t.p * (t.p + 1)) / 2 : t.p * t.p;
      const [train, val] = splitOf(total, t.trainFraction);
      const power = t.encoding === 'power';
      return { train, val, seqLen: power ? 4 : 3, vocab: t.p + (power ? 2 : 1), classes: t.p, dense: false };
    }
    case 'permutation': {
      const [train, val] = splitOf(120 * 120, t.trainFraction);
      const power = t.encoding === 'power';
      return { train, val, seqLen: power ? 4 : 3, vocab: 120 + (power ? 2 : 1), classes: 120, dense: false };
    }
    case 'messiness': {
      const [train, val] = splitOf(t.p * t.p, t.trainFraction);
      return { train, val, seqLen: 1, vocab: 2 * t.reprDim, classes: t.templateDim, dense: true };
    }
    case 'teacher-student':
      return { train: t.trainSize, val: t.testSize, seqLen: 1, vocab: t.inputDim, classes: t.outputDim, dense: true };
    case 'mnist':
      return { train: t.trainSize, val: t.evalSize > 0 ? t.evalSize : 10_000, seqLen: 1, vocab: 784, classes: 10, dense: true };
    case 'imdb':
    case 'qm9':
      return null; // sizes come from the user's files
  }
}

/** The training set's size when the config alone determines it. */
export const trainingSetSize = (t: TaskConfig): number | null => taskShape(t)?.train ?? null;

/** Parameters of the model on this task (models/create.ts). */
export function modelParams(m: ModelConfig, s: TaskShape): number {
  const linear = (i: number, o: number, bias = true) => i * o + (bias ? o : 0);
  switch (m.kind) {
    case 'mlp': {
      const first = s.dense ? s.vocab : s.seqLen * m.embedDim;
      let n = s.dense ? 0 : s.vocab * m.embedDim;
      for (let i = 0; i < m.depth; i++) n += linear(i === 0 ? first : m.width, m.width);
      return n + linear(m.width, s.classes);
    }
    case 'transformer': {
      const d = m.dModel;
      const ln = m.layerNorm ? 2 * d : 0;
      const block = 2 * ln + 4 * linear(d, d, false) + linear(d, m.dMlp) + linear(m.dMlp, d);
      return s.vocab * d + s.seqLen * d + m.layers * block + ln + (m.tiedEmbedding ? 0 : d * s.classes);
    }
    case 'lstm': {
      let n = s.vocab * m.embedDim;
      for (let i = 0; i < m.layers; i++) n += 4 * m.hidden * ((i === 0 ? m.embedDim : m.hidden) + m.hidden + 2);
      return n + linear(m.hidden, s.classes);
    }
    case 'gcn':
      return 0; // QM9's feature sizes come from its files; GCNs are small
  }
}

/**
 * Floats alive at once in a forward and backward pass over `rows` rows (inputs excluded): each layer's outputs, kept
 * for the backward pass, and their gradients, with the attention's rows × heads × seq² scores and weights.
 */
function activationFloats(m: ModelConfig, s: TaskShape, rows: number): number {
  const logits = 4 * rows * s.classes; // logits, softmax, its gradient, the one-hot targets' product
  switch (m.kind) {
    case 'mlp': {
      const tables = s.dense ? 0 : 2 * s.seqLen * s.vocab * m.width; // per-position first-layer tables and their gradient
      // ReLU keeps its output and gradient; gelu, silu and tanh are composed of several TF.js ops, each kept for backward
      const perUnit = m.activation === 'relu' ? 4 : 14;
      return tables + perUnit * rows * m.width * m.depth + logits;
    }
    case 'transformer': {
      const BL = rows * s.seqLen;
      const perLayer = BL * (14 * m.dModel + 4 * m.dMlp) + 4 * rows * m.heads * s.seqLen * s.seqLen;
      return 2 * BL * m.dModel + m.layers * perLayer + logits;
    }
    case 'lstm':
      return rows * s.seqLen * (2 * m.embedDim + m.layers * 12 * m.hidden) + logits;
    case 'gcn':
      return logits;
  }
}

/** The MLP step in Grokscope's own wasm kernel (engine/mlp-kernel.ts): its own memory, laid out as it allocates. */
function mlpKernelBytes(m: Extract<ModelConfig, { kind: 'mlp' }>, s: TaskShape, rows: number): number {
  const pad8 = (n: number) => Math.ceil(n / 8) * 8;
  const dims = [s.seqLen * m.embedDim, ...Array<number>(m.depth).fill(m.width), s.classes];
  let floats = s.vocab * m.embedDim + s.vocab * pad8(m.embedDim);
  for (let i = 1; i < dims.length; i++) floats += 2 * dims[i - 1]! * pad8(dims[i]!) + (i > 1 ? dims[i]! * pad8(dims[i - 1]!) : 0);
  const ld1 = pad8(m.width);
  floats += 2 * s.seqLen * s.vocab * ld1 + s.seqLen * m.width * pad8(m.embedDim);
  const widest = Math.max(...dims.slice(1).map(pad8));
  floats += rows * (s.seqLen + 1 + dims.slice(1).reduce((a, d) => a + pad8(d), 0) + 2 * widest);
  const page = 65536; // its static data (Math.log's tables) fills the first page; memory grows in whole pages
  return Math.ceil((page + floats * F32) / page) * page;
}

export interface MemoryEstimate {
  /** bytes the backend's heap must hold at the peak: the largest of the memories below */
  bytes: number;
  /** TF.js's tensors (on wasm: its one wasm heap) */
  tensorBytes: number;
  /** the MLP kernel's own wasm memory, a separate instance with its own 4 GiB (0 when it does not run) */
  kernelBytes: number;
  /** what the tensor bytes are, largest first */
  parts: { what: string; bytes: number }[];
}

/**
 * The peak memory of training `c` on `backend`. An upper-bound model: every tensor of a step counted alive at once,
 * as the heap's allocator can leave them (tests check it against measured heaps). Tasks whose sizes come from their
 * files (imdb, qm9) count the model and optimiser only.
 */
export function estimateTrainingMemory(c: RunConfig, backend: BackendChoice = c.backend): MemoryEstimate {
  const parts: { what: string; bytes: number }[] = [];
  let kernelBytes = 0;
  const add = (what: string, floats: number) => {
    if (floats > 0) parts.push({ what, bytes: floats * F32 });
  };
  const s = taskShape(c.task);
  if (s && c.model.kind !== 'gcn') {
    const P = modelParams(c.model, s);
    // weights, θ_0, gradients, Adam's two moments and the optimiser's flat temporaries (optim/flat.ts)
    add(`${P.toLocaleString('en-US')} parameters, their gradients and optimiser state`, 7 * P);
    const perRow = s.dense ? s.vocab : s.seqLen * s.vocab; // input floats per row (one-hot tokens or dense values)
    const split = (rows: number) => rows * (2 * perRow + s.classes + 1); // input, its transpose, targets, labels
    const cached = (rows: number) => rows * perRow <= CACHE_FLOATS;
    const bs = c.training.batchSize;
    const batch = bs === 'full' ? s.train : Math.min(bs, s.train);
    if (cached(s.train)) add(`the training set (${s.train.toLocaleString('en-US')} rows) as tensors`, split(s.train));
    // a batch not served from the cache is encoded each step: one-hot, a cast copy and the transpose at once
    if (bs !== 'full' || !cached(s.train)) add(`a batch of ${batch.toLocaleString('en-US')} rows, encoded`, split(batch) + batch * perRow);
    const val = s.val ?? 0;
    if (cached(val)) add(`the validation set (${val.toLocaleString('en-US')} rows) as tensors`, split(val));
    else add('evaluation chunks', split(Math.floor(CACHE_FLOATS / perRow)) + CACHE_FLOATS);
    // evaluation runs the TF.js forward over a whole cached split, or over chunks of CACHE_FLOATS input floats
    const evalRows = Math.max(...[s.train, val].map((n) => (cached(n) ? n : Math.floor(CACHE_FLOATS / perRow))));
    // the ReLU embedding MLP steps in its own kernel on wasm (step-grads.ts): TF.js then holds the evaluation's only
    // (forward only: about half a training pass's floats)
    const evaluation = activationFloats(c.model, s, evalRows) / 2;
    if (c.model.kind === 'mlp' && c.model.activation === 'relu' && !s.dense && (backend === 'wasm' || backend === 'auto')) {
      kernelBytes = mlpKernelBytes(c.model, s, batch);
      add(`evaluation activations of ${evalRows.toLocaleString('en-US')} rows`, evaluation);
    } else {
      const training = activationFloats(c.model, s, batch);
      if (training >= evaluation) add(`activations of a step over ${batch.toLocaleString('en-US')} rows`, training);
      else add(`evaluation activations of ${evalRows.toLocaleString('en-US')} rows`, evaluation);
    }
  }
  if (backend === 'wasm' || backend === 'auto') parts.push({ what: "the wasm heap's base", bytes: WASM_BASE_BYTES });
  parts.sort((a, b) => b.bytes - a.bytes);
  const tensorBytes = parts.reduce((t, p) => t + p.bytes, 0);
  return { bytes: Math.max(tensorBytes, kernelBytes), tensorBytes, kernelBytes, parts };
}

const gib = (b: number) => `${Number((b / GiB).toFixed(b < 10 * GiB ? 1 : 0))} GiB`;

/**
 * A problem when the config cannot fit its backend, naming the size that drives it (`task.p`, the batch, the model)
 * and the estimate; null when it fits or the backend has no fixed limit. `limits` overrides the per-backend table.
 */
export function memoryProblem(c: RunConfig, limits: Record<BackendChoice, number | null> = BACKEND_MEMORY_LIMITS): ConfigProblem | null {
  const limit = limits[c.backend];
  if (limit === null) return null;
  const est = estimateTrainingMemory(c);
  if (est.bytes <= limit * WASM_USABLE_FRACTION) return null;
  const on = c.backend === 'auto' ? 'the wasm backend (what auto uses without @tensorflow/tfjs-node)' : `the ${c.backend} backend`;
  const biggest =
    est.kernelBytes > est.tensorBytes
      ? "the MLP kernel's memory for one batch"
      : est.parts
          .slice(0, 2)
          .map((p) => `${p.what} ${gib(p.bytes)}`)
          .join(', ');
  const what =
    c.task.kind === 'modular'
      ? { path: 'task.p', head: `a modular task with p = ${c.task.p}` }
      : { path: 'model', head: `this ${c.model.kind} on the ${c.task.kind} task` };
  const advice = `use a smaller ${c.task.kind === 'modular' ? 'p, a smaller ' : ''}batchSize or model, or backend: tensorflow`;
  return {
    path: what.path,
    message:
      `${what.head} needs about ${gib(est.bytes)} on ${on}, which can address at most ${gib(limit + 65536)}, ` +
      `about ${gib(limit * WASM_USABLE_FRACTION)} of it usable by a run (${biggest}); ${advice}`,
  };
}
