// Small vector helpers the numerical tests share.
import { seededRandom } from '../../src/shared/analysis/rng';

/** ‖a − b‖ / ‖b‖ */
export const relErr = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
};

/** n standard normal values from a seed */
export const randomVec = (n: number, seed: number): Float64Array => {
  const r = seededRandom(seed);
  return Float64Array.from({ length: n }, () => r.normal());
};
