// A model's state as it crosses between processes and into the database: plain named Float32 tensors, no TF.js.

export interface TensorBlob {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Everything needed to continue a run exactly: weights, optimiser state, step and sampler state. */
export interface TrainingState {
  step: number;
  params: TensorBlob[];
  /** optimiser slots, e.g. `${param}/m`, `${param}/v` */
  optimizer: TensorBlob[];
  /** state of the seeded minibatch sampler, opaque to the host */
  rng: number[];
}
