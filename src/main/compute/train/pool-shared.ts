// The shared-memory protocol between the trainer thread and a gradient worker (see pool.ts). One SharedArrayBuffer
// per worker holds a control block, the flat parameters (written by the trainer before each request), the worker's
// flat gradient sum followed by its loss sum, and an error text. The trainer blocks on Atomics.wait, so
// Trainer.update stays synchronous; the worker blocks the same way between requests.
export const CTRL = {
  /** request number, bumped by the trainer; −1 asks the worker to exit */
  request: 0,
  /** the last request the worker finished */
  done: 1,
  /** 0 starting, 1 ready, −1 failed (text in the error area) */
  state: 2,
} as const;
export const CTRL_INTS = 4;
export const ERROR_BYTES = 2048;

export interface SharedViews {
  ctrl: Int32Array;
  params: Float32Array;
  /** gradient sums (Σ over the worker's rows of the per-row loss gradient), then the loss sum */
  grads: Float32Array;
  error: Uint8Array;
}

export function sharedBytes(paramCount: number): number {
  return CTRL_INTS * 4 + paramCount * 4 + (paramCount + 1) * 4 + ERROR_BYTES;
}

export function sharedViews(sab: SharedArrayBuffer, paramCount: number): SharedViews {
  let at = 0;
  const ctrl = new Int32Array(sab, at, CTRL_INTS);
  at += CTRL_INTS * 4;
  const params = new Float32Array(sab, at, paramCount);
  at += paramCount * 4;
  const grads = new Float32Array(sab, at, paramCount + 1);
  at += (paramCount + 1) * 4;
  return { ctrl, params, grads, error: new Uint8Array(sab, at, ERROR_BYTES) };
}

/**
 * Blocks until ctrl[index] === target, or the deadline passes (then false). Each wait passes the value it has just
 * compared as the expected one, so a store that lands between the check and the wait returns at once. (Loading the
 * value a second time for the wait lost the wake-up when the store fell between the two loads: a 120 s hang, seen
 * once in CI and once in 200,000 round trips here.)
 */
export function waitUntil(ctrl: Int32Array, index: number, target: number, timeoutMs: number): boolean {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const seen = Atomics.load(ctrl, index);
    if (seen === target) return true;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    Atomics.wait(ctrl, index, seen, left);
  }
}

export function writeError(v: SharedViews, message: string): void {
  const bytes = new TextEncoder().encode(message).subarray(0, ERROR_BYTES - 1);
  v.error.fill(0);
  v.error.set(bytes);
}

export function readError(v: SharedViews): string {
  const end = v.error.indexOf(0);
  return new TextDecoder().decode(v.error.slice(0, end < 0 ? ERROR_BYTES : end));
}

/** What a worker needs to rebuild its share of the batch and a model of the same shape. */
export interface WorkerInit {
  config: unknown; // a parsed RunConfig (structured-cloned)
  backend: 'wasm' | 'cpu';
  from: number;
  to: number;
  paramCount: number;
  sab: SharedArrayBuffer;
  /** the trainer's kernel choice (protocol/execution), so every share is computed the same way */
  mlpKernel: boolean;
}
