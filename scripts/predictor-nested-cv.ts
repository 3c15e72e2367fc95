// Nested against non-nested cross-validation of the calibrated predictor's choice (issue 19, "predictor honesty"), on
// synthetic corpora with a known answer: five pure-noise features (nested CV should be at chance, the choice's own
// score on the runs it was chosen on above it), and one informative feature (±1.5 σ between the classes: nested CV
// near Φ(1.5) ≈ 0.93). Also times calibrate at 50, 200 and 1000 runs.
//
//   npx tsx scripts/predictor-nested-cv.ts
import { calibrate } from '../src/shared/analysis/predictor';
import { chooseModel, nestedCrossValidate } from '../src/shared/analysis/predictor-model-choice';
import { syntheticCorpus as corpus } from './predictor-synthetic';
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const f3 = (v: number) => v.toFixed(3);

const nested: number[] = [];
const selected: number[] = [];
for (let s = 0; s < 24; s++) {
  const { X, y } = corpus(30, 1000 + s);
  nested.push(nestedCrossValidate(X, y, 5, s).accuracy);
  selected.push(chooseModel(X, y, s).accuracy);
}
console.log(
  `pure noise, 24 corpora of 30 runs: nested CV mean ${f3(mean(nested))} (${f3(Math.min(...nested))}..${f3(Math.max(...nested))}); ` +
    `the choice's own CV mean ${f3(mean(selected))} (${f3(Math.min(...selected))}..${f3(Math.max(...selected))})`,
);
const informative: number[] = [];
for (let s = 0; s < 4; s++) {
  const { X, y } = corpus(40, 2000 + s, 1.5);
  informative.push(nestedCrossValidate(X, y, 5, s).accuracy);
}
console.log(`one informative feature, 4 corpora of 40 runs: nested CV ${informative.map(f3).join(', ')}`);
for (const n of [50, 200, 1000]) {
  const { X, y } = corpus(n, 5, 0.5);
  const t = performance.now();
  const c = calibrate(X.map((features, i) => ({ runId: i, features, grokked: y[i] === 1 })));
  const ms = performance.now() - t;
  if ('model' in c)
    console.log(
      `calibrate on ${n} runs: ${ms.toFixed(0)} ms; nested CV ${f3(c.cvAccuracy)}, the choice's own ${f3(c.selectionCvAccuracy)}, features [${c.features.join(', ')}], l2 ${c.model.l2}`,
    );
}
