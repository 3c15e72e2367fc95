// AssemblyScript source of the MLP training step's kernels (WebAssembly SIMD, compiled by `npm run build:kernels`
// into src/main/compute/engine/mlp-kernel-wasm.ts). TF.js runs a small MLP step as ~60 kernels, each a round trip
// through its wasm heap, and its products pack a fresh operand every call; these few loops work in place in one
// memory that src/main/compute/engine/mlp-kernel.ts lays out. Matrices are row-major float32 with a leading
// dimension (ld, in floats) padded to a multiple of 8 where a loop reads 8 columns at a time. Pointers are byte
// offsets into this module's memory.

/**
 * C[m, n] = A·B (acc = 0) or C += A·B (acc = 1). A's element (r, k) is at a + 4·(r·ars + k·aks), so a transposed A
 * costs nothing (ars = 1, aks = its ld); B is [k, n] with leading dimension ldb; n must be a multiple of 8. The 4×8
 * block keeps 8 accumulators in registers (a 6×8 block was slower: V8 spilled).
 */
export function gemm(a: usize, ars: i32, aks: i32, b: usize, ldb: i32, c: usize, ldc: i32, m: i32, n: i32, k: i32, acc: i32): void {
  const ars4 = (<usize>ars) << 2;
  const aks4 = (<usize>aks) << 2;
  const ldb4 = (<usize>ldb) << 2;
  const ldc4 = (<usize>ldc) << 2;
  let r = 0;
  for (; r + 4 <= m; r += 4) {
    const arow = a + <usize>r * ars4;
    const crow = c + <usize>r * ldc4;
    for (let j = 0; j < n; j += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let pa = arow;
      let pb = b + ((<usize>j) << 2);
      for (let kk = 0; kk < k; kk++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        const a0 = v128.load32_splat(pa);
        const a1 = v128.load32_splat(pa + ars4);
        const a2 = v128.load32_splat(pa + 2 * ars4);
        const a3 = v128.load32_splat(pa + 3 * ars4);
        c00 = f32x4.add(c00, f32x4.mul(a0, b0));
        c01 = f32x4.add(c01, f32x4.mul(a0, b1));
        c10 = f32x4.add(c10, f32x4.mul(a1, b0));
        c11 = f32x4.add(c11, f32x4.mul(a1, b1));
        c20 = f32x4.add(c20, f32x4.mul(a2, b0));
        c21 = f32x4.add(c21, f32x4.mul(a2, b1));
        c30 = f32x4.add(c30, f32x4.mul(a3, b0));
        c31 = f32x4.add(c31, f32x4.mul(a3, b1));
        pa += aks4;
        pb += ldb4;
      }
      const pc = crow + ((<usize>j) << 2);
      if (acc) {
        c00 = f32x4.add(c00, v128.load(pc));
        c01 = f32x4.add(c01, v128.load(pc, 16));
        c10 = f32x4.add(c10, v128.load(pc + ldc4));
        c11 = f32x4.add(c11, v128.load(pc + ldc4, 16));
        c20 = f32x4.add(c20, v128.load(pc + 2 * ldc4));
        c21 = f32x4.add(c21, v128.load(pc + 2 * ldc4, 16));
        c30 = f32x4.add(c30, v128.load(pc + 3 * ldc4));
        c31 = f32x4.add(c31, v128.load(pc + 3 * ldc4, 16));
      }
      v128.store(pc, c00);
      v128.store(pc, c01, 16);
      v128.store(pc + ldc4, c10);
      v128.store(pc + ldc4, c11, 16);
      v128.store(pc + 2 * ldc4, c20);
      v128.store(pc + 2 * ldc4, c21, 16);
      v128.store(pc + 3 * ldc4, c30);
      v128.store(pc + 3 * ldc4, c31, 16);
    }
  }
  for (; r < m; r++) {
    const arow = a + <usize>r * ars4;
    const crow = c + <usize>r * ldc4;
    for (let j = 0; j < n; j += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let pa = arow;
      let pb = b + ((<usize>j) << 2);
      for (let kk = 0; kk < k; kk++) {
        const a0 = v128.load32_splat(pa);
        c00 = f32x4.add(c00, f32x4.mul(a0, v128.load(pb)));
        c01 = f32x4.add(c01, f32x4.mul(a0, v128.load(pb, 16)));
        pa += aks4;
        pb += ldb4;
      }
      const pc = crow + ((<usize>j) << 2);
      if (acc) {
        c00 = f32x4.add(c00, v128.load(pc));
        c01 = f32x4.add(c01, v128.load(pc, 16));
      }
      v128.store(pc, c00);
      v128.store(pc, c01, 16);
    }
  }
}

/**
 * The first layer from per-position tables: out[r, :] = bias + Σ_i tab[idx[r·L + i], :] for r < m (then its ReLU
 * when relu = 1), `quads` groups of 4 columns (tab and out share the leading dimension ld). idx holds table rows
 * (position i's table starts at row i·V), so one loop serves every position.
 */
export function gatherSum(out: usize, tab: usize, ld: i32, idx: usize, L: i32, m: i32, bias: usize, quads: i32, relu: i32): void {
  const ld4 = (<usize>ld) << 2;
  const zero = f32x4.splat(0);
  for (let r = 0; r < m; r++) {
    const po = out + <usize>r * ld4;
    const pi = idx + (<usize>(r * L) << 2);
    for (let q = 0; q < quads; q++) {
      const off = (<usize>q) << 4;
      let s = v128.load(bias + off);
      for (let i = 0; i < L; i++) s = f32x4.add(s, v128.load(tab + <usize>load<i32>(pi + ((<usize>i) << 2)) * ld4 + off));
      v128.store(po + off, relu ? f32x4.max(s, zero) : s);
    }
  }
}

/** x[r, :] = x[r, :] + bias (relu = 0) or max(x[r, :] + bias, 0) (relu = 1), `quads` groups of 4 columns. */
export function biasAct(x: usize, ld: i32, m: i32, bias: usize, quads: i32, relu: i32): void {
  const ld4 = (<usize>ld) << 2;
  const zero = f32x4.splat(0);
  for (let r = 0; r < m; r++) {
    const px = x + <usize>r * ld4;
    for (let q = 0; q < quads; q++) {
      const off = (<usize>q) << 4;
      let v = f32x4.add(v128.load(px + off), v128.load(bias + off));
      if (relu) v = f32x4.max(v, zero);
      v128.store(px + off, v);
    }
  }
}

/** In place, the ReLU's gradient: g = h > 0 ? g : 0 over `count` floats (count a multiple of 4); h is the ReLU's output. */
export function reluGrad(g: usize, h: usize, count: i32): void {
  const zero = f32x4.splat(0);
  for (let i = 0; i < count; i += 4) {
    const off = (<usize>i) << 2;
    v128.store(g + off, v128.and(v128.load(g + off), f32x4.gt(v128.load(h + off), zero)));
  }
}

/** out[:] (+)= Σ_r x[r, :], `quads` groups of 4 columns: a bias gradient. */
export function colSums(out: usize, x: usize, ld: i32, m: i32, quads: i32, acc: i32): void {
  const ld4 = (<usize>ld) << 2;
  for (let q = 0; q < quads; q++) {
    const off = (<usize>q) << 4;
    let s = acc ? v128.load(out + off) : f32x4.splat(0);
    for (let r = 0; r < m; r++) s = f32x4.add(s, v128.load(x + <usize>r * ld4 + off));
    v128.store(out + off, s);
  }
}

/** The tables' gradient: tab[idx[r·L + i], :] += g[r, :] for every row r < m and position i (shared ld). */
export function scatterRows(tab: usize, g: usize, ld: i32, idx: usize, L: i32, m: i32, quads: i32): void {
  const ld4 = (<usize>ld) << 2;
  for (let r = 0; r < m; r++) {
    const pg = g + <usize>r * ld4;
    const pi = idx + (<usize>(r * L) << 2);
    for (let i = 0; i < L; i++) {
      const pt = tab + <usize>load<i32>(pi + ((<usize>i) << 2)) * ld4;
      for (let q = 0; q < quads; q++) {
        const off = (<usize>q) << 4;
        v128.store(pt + off, f32x4.add(v128.load(pt + off), v128.load(pg + off)));
      }
    }
  }
}

/** out[c, r] = x[r, c] for r < rows, c < cols (leading dimensions ldo, ldx). */
export function transpose(out: usize, ldo: i32, x: usize, ldx: i32, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) store<f32>(out + ((<usize>(c * ldo + r)) << 2), load<f32>(x + ((<usize>(r * ldx + c)) << 2)));
}

// e^x for x ≤ 0 (softmax after subtracting the row's maximum), four at a time: x = n·ln2 + f with |f| ≤ ln2/2,
// e^f by its Taylor polynomial to degree 7 (relative error < 2e-8 on that range, below float32's 6e-8), 2^n built
// in the exponent bits. Inputs below −87 give e^−87 ≈ 1.6e-38 instead of a denormal: against a row's sum ≥ 1,
// nothing.
// @ts-ignore: AssemblyScript decorator
@inline
function exp4(x: v128): v128 {
  const xc = f32x4.max(x, f32x4.splat(-87.0));
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(1.44269504)));
  const f = f32x4.sub(f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693359375))), f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.0 / 5040.0);
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.0 / 720.0));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.0));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/**
 * Cross-entropy of logits z[r, 0..C) against class labels[r], summed over the rows r < m (returned, in float64);
 * z is overwritten with the gradient of that sum, softmax(z) − onehot(label), columns ≥ C untouched.
 */
export function softmaxXent(z: usize, ld: i32, m: i32, C: i32, labels: usize): f64 {
  const ld4 = (<usize>ld) << 2;
  const full = C & ~3;
  let loss: f64 = 0;
  for (let r = 0; r < m; r++) {
    const pz = z + <usize>r * ld4;
    let mx = f32x4.splat(-Infinity);
    for (let j = 0; j < full; j += 4) mx = f32x4.max(mx, v128.load(pz + ((<usize>j) << 2)));
    let max = Mathf.max(Mathf.max(f32x4.extract_lane(mx, 0), f32x4.extract_lane(mx, 1)), Mathf.max(f32x4.extract_lane(mx, 2), f32x4.extract_lane(mx, 3)));
    for (let j = full; j < C; j++) max = Mathf.max(max, load<f32>(pz + ((<usize>j) << 2)));
    const label = load<i32>(labels + ((<usize>r) << 2));
    const zy = load<f32>(pz + ((<usize>label) << 2));
    const vmax = f32x4.splat(max);
    let sv = f32x4.splat(0);
    for (let j = 0; j < full; j += 4) {
      const e = exp4(f32x4.sub(v128.load(pz + ((<usize>j) << 2)), vmax));
      v128.store(pz + ((<usize>j) << 2), e);
      sv = f32x4.add(sv, e);
    }
    let sum: f64 = <f64>f32x4.extract_lane(sv, 0) + <f64>f32x4.extract_lane(sv, 1) + <f64>f32x4.extract_lane(sv, 2) + <f64>f32x4.extract_lane(sv, 3);
    for (let j = full; j < C; j++) {
      const e = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(pz + ((<usize>j) << 2)) - max)), 0);
      store<f32>(pz + ((<usize>j) << 2), e);
      sum += <f64>e;
    }
    loss += Math.log(sum) + <f64>max - <f64>zy;
    const inv = f32x4.splat(<f32>(1.0 / sum));
    for (let j = 0; j < full; j += 4) v128.store(pz + ((<usize>j) << 2), f32x4.mul(v128.load(pz + ((<usize>j) << 2)), inv));
    for (let j = full; j < C; j++) store<f32>(pz + ((<usize>j) << 2), load<f32>(pz + ((<usize>j) << 2)) * <f32>(1.0 / sum));
    store<f32>(pz + ((<usize>label) << 2), load<f32>(pz + ((<usize>label) << 2)) - 1);
  }
  return loss;
}

/**
 * Omnigrok's MSE on one-hot targets: Σ_r Σ_{j<C} (z[r, j] − t[r, j])² / C over the rows r < m (returned); z is
 * overwritten with the gradient of that sum, 2(z − t)/C, columns ≥ C untouched.
 */
export function mseOneHot(z: usize, ld: i32, m: i32, C: i32, labels: usize): f64 {
  const ld4 = (<usize>ld) << 2;
  let loss: f64 = 0;
  const k = <f32>(2.0 / <f64>C);
  for (let r = 0; r < m; r++) {
    const pz = z + <usize>r * ld4;
    const label = load<i32>(labels + ((<usize>r) << 2));
    let row: f64 = 0;
    for (let j = 0; j < C; j++) {
      const d = load<f32>(pz + ((<usize>j) << 2)) - (j == label ? <f32>1 : <f32>0);
      row += <f64>d * <f64>d;
      store<f32>(pz + ((<usize>j) << 2), d * k);
    }
    loss += row / <f64>C;
  }
  return loss;
}

/** The first free byte after this module's static data (Math.log's tables): the host lays out its buffers above it. */
export function heapBase(): usize {
  return __heap_base;
}
