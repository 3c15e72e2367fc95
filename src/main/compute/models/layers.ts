// Building blocks of the models: named parameters with PyTorch's default initialisation (drawn from our seeded Rng
// so a seed means the same weights on every backend); the model contract and the ops come from engine/layers.
import * as tf from '@tensorflow/tfjs-core';
import type { Linear, Param } from '../engine/layers';
import type { Rng } from '../engine/rng';

export { activate, layerNorm, linear, scaledByInit, type Linear, type Model, type ModelInput, type Param } from '../engine/layers';

/** Collects parameters in creation order; each is a trainable tf.Variable (auto-named: TF.js names are global). */
export class ParamSet {
  readonly list: Param[] = [];
  constructor(private readonly rng: Rng) {}

  private add(name: string, shape: number[], values: Float32Array, group?: Param['group']): tf.Variable {
    const initial = tf.tensor(values, shape);
    const variable = tf.variable(initial, true); // shares the data, which the variable now holds a reference to
    initial.dispose();
    this.list.push(group ? { name, variable, group } : { name, variable });
    return variable;
  }

  /** A parameter that starts at given values (e.g. the task's representation R), not drawn from the init Rng. */
  given(name: string, shape: number[], values: Float32Array, group?: Param['group']): tf.Variable {
    if (values.length !== size(shape)) throw new Error(`${name}: ${values.length} values for shape [${shape.join(', ')}]`);
    return this.add(name, shape, values.slice(), group);
  }

  /** nn.Embedding's default: N(0, 1). */
  normal(name: string, shape: number[], std = 1): tf.Variable {
    return this.add(name, shape, this.rng.fillNormal(new Float32Array(size(shape)), std));
  }

  /** nn.Linear's default (kaiming_uniform with a=√5, and its bias): U(−1/√fanIn, 1/√fanIn). */
  uniform(name: string, shape: number[], fanIn: number): tf.Variable {
    return this.add(name, shape, this.rng.fillUniform(new Float32Array(size(shape)), 1 / Math.sqrt(fanIn)));
  }

  constant(name: string, shape: number[], value: number): tf.Variable {
    return this.add(name, shape, new Float32Array(size(shape)).fill(value));
  }
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function linearParams(ps: ParamSet, name: string, inDim: number, outDim: number, bias: boolean): Linear {
  return {
    w: ps.uniform(`${name}.weight`, [inDim, outDim], inDim),
    b: bias ? ps.uniform(`${name}.bias`, [outDim], inDim) : null,
  };
}
