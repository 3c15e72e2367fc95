// The embedding-MLP's training step (loss and gradients of a batch of token rows) in Grokscope's own WebAssembly SIMD
// kernels (wasm/mlp-step.ts), for the wasm backend. TF.js runs this step as ~60 kernels, each with its own trip
// through the heap, and its products repack an operand every call: on the bench's MLP that was 2× PyTorch's step.
// Here the parameters are copied in once a step, every intermediate stays in one memory laid out below, and the
// gradients are copied out once. Same maths as models/mlp.ts's forward (per-position tables for the first layer, ReLU,
// then cross-entropy or MSE on one-hot targets), equal up to float32 rounding (tests/unit/compute-mlp-kernel.test.ts).
import { MLP_KERNEL_WASM } from './mlp-kernel-wasm';

interface Kernels {
  memory: WebAssembly.Memory;
  gemm(
    a: number,
    ars: number,
    aks: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    m: number,
    n: number,
    k: number,
    acc: number,
  ): void;
  gatherSum(out: number, tab: number, ld: number, idx: number, L: number, m: number, bias: number, quads: number, relu: number): void;
  biasAct(x: number, ld: number, m: number, bias: number, quads: number, relu: number): void;
  reluGrad(g: number, h: number, count: number): void;
  colSums(out: number, x: number, ld: number, m: number, quads: number, acc: number): void;
  scatterRows(tab: number, g: number, ld: number, idx: number, L: number, m: number, quads: number): void;
  transpose(out: number, ldo: number, x: number, ldx: number, rows: number, cols: number): void;
  softmaxXent(z: number, ld: number, m: number, C: number, labels: number): number;
  mseOneHot(z: number, ld: number, m: number, C: number, labels: number): number;
  heapBase(): number;
}

let compiled: WebAssembly.Module | null = null;

function instantiate(): Kernels {
  compiled ??= new WebAssembly.Module(Buffer.from(MLP_KERNEL_WASM, 'base64'));
  // the module imports nothing (AssemblyScript's stub runtime, assertions compiled out); its static data (Math.log's
  // tables) ends at heapBase()
  return new WebAssembly.Instance(compiled, {}).exports as unknown as Kernels;
}

export interface MlpKernelShape {
  vocab: number;
  embedDim: number;
  seqLen: number;
  /** hidden layer widths, first to last */
  widths: number[];
  classes: number;
  loss: 'ce' | 'mse';
}

/** Rows per block of the weight-gradient products, whose inner loop runs over rows: both operands' blocks stay in L2. */
const ROW_BLOCK = 256;
const pad8 = (n: number): number => Math.ceil(n / 8) * 8;

interface Layer {
  in: number;
  out: number;
  ld: number;
  w: number;
  wT: number;
  b: number;
  dw: number;
  db: number;
  h: number;
}

/**
 * One model's kernel instance and memory. `step` takes the parameters in the model's order (embed, hidden.0 w and
 * b, …, out w and b) and a batch of rows; it returns Σ_rows loss and the gradients of that sum, in the same order.
 */
export class MlpKernel {
  private readonly k: Kernels;
  private readonly s: MlpKernelShape;
  private top = 0;
  private readonly embed: number;
  private readonly dEmbed: number;
  private readonly ldE: number;
  private readonly layers: Layer[];
  private readonly tables: number;
  private readonly dTables: number;
  /** per position i, W1_iᵀ [d1, ldE] */
  private readonly w1T: number;
  /** row buffers, (re)allocated for the largest batch seen */
  private rows = { capacity: 0, base: 0, idx: 0, labels: 0, g: [0, 0] };
  private batchKey: object | null = null;
  private m = 0;

  constructor(shape: MlpKernelShape) {
    if (shape.widths.length < 1) throw new Error('MLP kernel: at least one hidden layer');
    this.k = instantiate();
    this.s = shape;
    this.top = Math.ceil(this.k.heapBase() / 64) * 64;
    const { vocab: V, embedDim: e, seqLen: L, widths, classes: C } = shape;
    this.ldE = pad8(e);
    this.embed = this.alloc(V * e);
    this.dEmbed = this.alloc(V * this.ldE);
    const dims = [L * e, ...widths, C];
    this.layers = dims.slice(1).map((out, i) => {
      const inDim = dims[i]!;
      const ld = pad8(out);
      const ldIn = i === 0 ? 0 : pad8(inDim);
      return {
        in: inDim,
        out,
        ld,
        w: this.alloc(inDim * ld),
        wT: i === 0 ? 0 : this.alloc(out * ldIn),
        b: this.alloc(ld),
        dw: this.alloc(inDim * ld),
        db: this.alloc(ld),
        h: 0,
      };
    });
    const ld1 = this.layers[0]!.ld;
    this.tables = this.alloc(L * V * ld1);
    this.dTables = this.alloc(L * V * ld1);
    this.w1T = this.alloc(L * widths[0]! * this.ldE);
  }

  /**
   * A 64-byte-aligned region of `floats` float32s. Fixed regions come from fresh pages, so their padding columns are
   * zero and stay so (only the real columns are ever written); row buffers are always written before they are read.
   */
  private alloc(floats: number): number {
    const at = this.top;
    this.top = Math.ceil((at + floats * 4) / 64) * 64;
    const need = this.top - this.k.memory.buffer.byteLength;
    if (need > 0) this.k.memory.grow(Math.ceil(need / 65536));
    return at;
  }

  private f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, ptr, n);
  }

  /** Row buffers for `m` rows: token table rows, labels, each layer's activations, two gradient buffers. */
  private ensureRows(m: number): void {
    if (m <= this.rows.capacity) return;
    const cap = Math.max(m, Math.ceil(this.rows.capacity * 1.5));
    // regions after the fixed ones are reused from `base`; growing only ever appends
    this.top = this.rows.base || this.top;
    const base = this.top;
    const idx = this.alloc(cap * this.s.seqLen);
    const labels = this.alloc(cap);
    for (const l of this.layers) l.h = this.alloc(cap * l.ld);
    const widest = Math.max(...this.layers.map((l) => l.ld));
    const g = [this.alloc(cap * widest), this.alloc(cap * widest)];
    this.rows = { capacity: cap, base, idx, labels, g };
    this.batchKey = null;
  }

  /** Loads a batch's rows (skipped when `key` is the batch loaded last). Tokens are [m·seqLen], labels [m]. */
  setRows(key: object, tokens: Int32Array, labels: Int32Array): void {
    const m = labels.length;
    const { seqLen: L, vocab: V } = this.s;
    if (tokens.length !== m * L) throw new Error(`MLP kernel: ${tokens.length} tokens for ${m} rows of ${L}`);
    this.ensureRows(m);
    this.m = m;
    if (key === this.batchKey) return;
    const idx = new Int32Array(this.k.memory.buffer, this.rows.idx, m * L);
    for (let r = 0; r < m; r++) for (let i = 0; i < L; i++) idx[r * L + i] = i * V + tokens[r * L + i]!;
    new Int32Array(this.k.memory.buffer, this.rows.labels, m).set(labels);
    this.batchKey = key;
  }

  /** Σ loss over the loaded rows and its gradients (fresh arrays, the parameters' order and shapes, flat). */
  step(params: Float32Array[]): { lossSum: number; grads: Float32Array[] } {
    const { k, s, layers } = this;
    const { vocab: V, embedDim: e, seqLen: L, classes: C } = s;
    const m = this.m;
    const first = layers[0]!;
    const last = layers[layers.length - 1]!;
    const d1 = first.out;
    if (params.length !== 1 + 2 * layers.length) throw new Error(`MLP kernel: ${params.length} parameters for ${layers.length} layers`);
    this.f32(this.embed, V * e).set(params[0]!);
    layers.forEach((l, i) => {
      this.putRows(l.w, l.ld, params[1 + 2 * i]!, l.in, l.out);
      this.f32(l.b, l.out).set(params[2 + 2 * i]!);
      if (i > 0) k.transpose(l.wT, pad8(l.in), l.w, l.ld, l.in, l.out);
    });
    // forward: T_i = E·W1_i, h1 = relu(b1 + Σ_i T_i[x_i]), h_k = relu(h_{k−1}·W_k + b_k), z = h·W_out + b_out
    const ld1 = first.ld;
    for (let i = 0; i < L; i++) k.gemm(this.embed, e, 1, first.w + i * e * ld1 * 4, ld1, this.tables + i * V * ld1 * 4, ld1, V, ld1, e, 0);
    k.gatherSum(first.h, this.tables, ld1, this.rows.idx, L, m, first.b, ld1 / 4, 1);
    for (let j = 1; j < layers.length; j++) {
      const l = layers[j]!;
      const prev = layers[j - 1]!;
      k.gemm(prev.h, prev.ld, 1, l.w, l.ld, l.h, l.ld, m, l.ld, l.in, 0);
      k.biasAct(l.h, l.ld, m, l.b, l.ld / 4, j < layers.length - 1 ? 1 : 0);
    }
    // loss; the logits become the gradient of Σ loss with respect to them
    const lossSum =
      s.loss === 'mse' ? k.mseOneHot(last.h, last.ld, m, C, this.rows.labels) : k.softmaxXent(last.h, last.ld, m, C, this.rows.labels);
    // backward through the dense layers: dW = h_{k−1}ᵀ·g (blocks of rows), db = Σ g, g ← (g·W_kᵀ) ⊙ relu′
    let g = last.h;
    let spare = 0;
    for (let j = layers.length - 1; j >= 1; j--) {
      const l = layers[j]!;
      const prev = layers[j - 1]!;
      for (let r0 = 0; r0 < m; r0 += ROW_BLOCK) {
        const rows = Math.min(ROW_BLOCK, m - r0);
        k.gemm(prev.h + r0 * prev.ld * 4, 1, prev.ld, g + r0 * l.ld * 4, l.ld, l.dw, l.ld, l.in, l.ld, rows, r0 > 0 ? 1 : 0);
      }
      k.colSums(l.db, g, l.ld, m, l.ld / 4, 0);
      const next = this.rows.g[spare]!;
      spare = 1 - spare;
      k.gemm(g, l.ld, 1, l.wT, prev.ld, next, prev.ld, m, prev.ld, l.out, 0);
      k.reluGrad(next, prev.h, m * prev.ld);
      g = next;
    }
    // the first layer: the tables' gradient is a scatter-add of g; db1 = Σ_rows g = Σ over position 0's table rows
    const dT = this.f32(this.dTables, L * V * ld1);
    dT.fill(0);
    k.scatterRows(this.dTables, g, ld1, this.rows.idx, L, m, ld1 / 4);
    k.colSums(first.db, this.dTables, ld1, V, ld1 / 4, 0);
    for (let i = 0; i < L; i++) {
      const dTi = this.dTables + i * V * ld1 * 4;
      // dW1_i = Eᵀ·dT_i; dE += dT_i·W1_iᵀ
      k.gemm(this.embed, 1, e, dTi, ld1, first.dw + i * e * ld1 * 4, ld1, e, ld1, V, 0);
      const w1Ti = this.w1T + i * d1 * this.ldE * 4;
      k.transpose(w1Ti, this.ldE, first.w + i * e * ld1 * 4, ld1, e, d1);
      k.gemm(dTi, ld1, 1, w1Ti, this.ldE, this.dEmbed, this.ldE, V, this.ldE, d1, i > 0 ? 1 : 0);
    }
    const grads = [this.getRows(this.dEmbed, this.ldE, V, e)];
    for (const l of layers) grads.push(this.getRows(l.dw, l.ld, l.in, l.out), this.f32(l.db, l.out).slice());
    return { lossSum, grads };
  }

  /** Writes a [rows, cols] matrix into a region with leading dimension ld (padding columns stay zero). */
  private putRows(ptr: number, ld: number, src: Float32Array, rows: number, cols: number): void {
    const dst = this.f32(ptr, rows * ld);
    if (ld === cols) return dst.set(src);
    for (let r = 0; r < rows; r++) dst.set(src.subarray(r * cols, (r + 1) * cols), r * ld);
  }

  private getRows(ptr: number, ld: number, rows: number, cols: number): Float32Array {
    const src = this.f32(ptr, rows * ld);
    if (ld === cols) return src.slice();
    const out = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) out.set(src.subarray(r * ld, r * ld + cols), r * cols);
    return out;
  }
}
