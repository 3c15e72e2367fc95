// Eigendecomposition of a small dense symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan §8.5).
// Used on T×T Gram matrices (trajectory PCA) and on the Lanczos tridiagonal matrices: sizes up to a few hundred.
// Jacobi is slower than tridiagonal QR but simple, and accurate to working precision even for tiny eigenvalues.

export interface SymmetricEigen {
  /** eigenvalues, largest first */
  values: number[];
  /** vectors[i] is the unit eigenvector of values[i] */
  vectors: Float64Array[];
  sweeps: number;
}

/** A is given as rows; only its symmetric part is used (the lower triangle is trusted). */
export function eigSym(a: ReadonlyArray<ArrayLike<number>>, opts: { maxSweeps?: number } = {}): SymmetricEigen {
  const n = a.length;
  const maxSweeps = opts.maxSweeps ?? 60;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = a[i]!;
    if (row.length !== n) throw new RangeError(`eigSym needs a square matrix; row ${i} has ${row.length} entries, not ${n}`);
    for (let j = 0; j <= i; j++) {
      const v = row[j]!;
      if (!Number.isFinite(v)) throw new RangeError(`eigSym: entry (${i}, ${j}) is ${String(v)}`);
      A[i * n + j] = v;
      A[j * n + i] = v;
    }
  }
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;

  let total = 0;
  for (let k = 0; k < n * n; k++) total += A[k]! * A[k]!;
  let sweeps = 0;
  for (; sweeps < maxSweeps; sweeps++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * A[p * n + q]! ** 2;
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (apq === 0) continue;
        const app = A[p * n + p]!;
        const aqq = A[q * n + q]!;
        const tau = (aqq - app) / (2 * apq);
        const t = tau >= 0 ? 1 / (tau + Math.sqrt(1 + tau * tau)) : -1 / (-tau + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          if (k === p || k === q) continue;
          const akp = A[k * n + p]!;
          const akq = A[k * n + q]!;
          const kp = c * akp - s * akq;
          const kq = s * akp + c * akq;
          A[k * n + p] = kp;
          A[p * n + k] = kp;
          A[k * n + q] = kq;
          A[q * n + k] = kq;
        }
        A[p * n + p] = app - t * apq;
        A[q * n + q] = aqq + t * apq;
        A[p * n + q] = 0;
        A[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p]!;
          const vkq = V[k * n + q]!;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[j * n + j]! - A[i * n + i]!);
  return {
    values: order.map((i) => A[i * n + i]!),
    vectors: order.map((i) => Float64Array.from({ length: n }, (_, k) => V[k * n + i]!)),
    sweeps,
  };
}
