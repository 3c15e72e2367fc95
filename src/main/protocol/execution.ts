// How a compute process may use the machine: decided once on the host (host/execution-settings) and sent with the
// job, so compute reads no environment and a job's threading is visible in its message.

export interface ExecutionSettings {
  /**
   * Worker threads on the wasm or cpu backend, for a run's full-batch step (compute/train/pool chooseWorkers) or a
   * landscape's, reduced landscape's or probe's units (compute/probes/grid/pool chooseGridWorkers): exactly `workers`
   * (GROKSCOPE_WORKERS), or by default one per core of the `cores` this job may use, beyond the first.
   */
  threads: { workers: number } | { cores: number };
  /** the embedding MLP's step in Grokscope's WebAssembly kernel where it applies; false: TF.js ops, to compare */
  mlpKernel: boolean;
}

/** A trainer built directly (tests, scripts) unless told otherwise: one thread, the kernel where it applies. */
export const ONE_THREAD: ExecutionSettings = { threads: { workers: 0 }, mlpKernel: true };
