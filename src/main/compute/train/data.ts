// Dataset splits as tensors. Inputs are one-hot rows (the embedding is a one-hot matmul, see models/), cached once
// per split together with their transpose while they fit in CACHE_FLOATS; larger splits are encoded per batch.
import * as tf from '@tensorflow/tfjs-core';
import type { SplitData } from '../tasks/modular';
import type { ModelInput } from '../models/layers';

/** Above this many one-hot floats (per copy) a split is encoded chunk by chunk instead of cached. */
const CACHE_FLOATS = 16 * 1024 * 1024;

export interface Batch {
  input: ModelInput;
  /** [rows, p] one-hot answers */
  targets: tf.Tensor2D;
  /** [rows] answer classes */
  labels: tf.Tensor1D;
}

export interface SplitTensors {
  size: number;
  seqLen: number;
  /** the whole split, when small enough to cache */
  cached: Batch | null;
  data: SplitData;
}

/** Encodes rows `idx` of a split (all rows when idx is null). The caller owns the tensors (use inside tf.tidy). */
export function encodeBatch(split: SplitData, seqLen: number, vocab: number, classes: number, idx: Int32Array | null): Batch {
  const rows = idx ? idx.length : split.size;
  const tokens = new Int32Array(rows * seqLen);
  const answers = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const src = idx ? idx[r]! : r;
    tokens.set(split.tokens.subarray(src * seqLen, (src + 1) * seqLen), r * seqLen);
    answers[r] = split.targets[src]!;
  }
  return tf.tidy(() => {
    const onehot = tf.cast(tf.oneHot(tf.tensor1d(tokens, 'int32'), vocab), 'float32') as tf.Tensor2D;
    const labels = tf.tensor1d(answers, 'int32');
    return {
      input: { batch: rows, onehot, onehotT: tf.transpose(onehot) as tf.Tensor2D, tokens },
      targets: tf.cast(tf.oneHot(labels, classes), 'float32') as tf.Tensor2D,
      labels,
    };
  });
}

export function splitTensors(split: SplitData, seqLen: number, vocab: number, classes: number): SplitTensors {
  const fits = split.size * seqLen * vocab <= CACHE_FLOATS;
  return { size: split.size, seqLen, data: split, cached: fits ? encodeBatch(split, seqLen, vocab, classes, null) : null };
}

/** Row ranges to evaluate a split in pieces of at most CACHE_FLOATS one-hot floats. */
export function evalChunks(s: SplitTensors, vocab: number): Int32Array[] {
  const per = Math.max(1, Math.floor(CACHE_FLOATS / (s.seqLen * vocab)));
  const out: Int32Array[] = [];
  for (let start = 0; start < s.size; start += per) {
    const end = Math.min(s.size, start + per);
    out.push(Int32Array.from({ length: end - start }, (_, i) => start + i));
  }
  return out;
}

export function disposeBatch(b: Batch | null): void {
  if (!b) return;
  tf.dispose([b.input.onehot, b.input.onehotT, b.targets, b.labels]);
}
