// Synthetic corpora for the calibrated predictor's nested cross-validation (scripts/predictor-nested-cv.ts and
// tests/unit/analysis-predictor.test.ts): n runs alternating between the classes, five features of N(0, 1) noise,
// the third shifted by ±signal between the classes (signal 0: pure noise, where any accuracy above ½ is luck).
import { seededRandom } from '../src/shared/analysis/rng';

export function syntheticCorpus(n: number, seed: number, signal = 0): { X: number[][]; y: number[] } {
  const rng = seededRandom(seed);
  const y = Array.from({ length: n }, (_, i) => i % 2);
  const X = y.map((label) => Array.from({ length: 5 }, (_, j) => rng.normal() + (j === 2 ? (label ? signal : -signal) : 0)));
  return { X, y };
}
