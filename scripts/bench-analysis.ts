// Times the analysis functions that run on every run (a benchmark, not a test): the spectral signature of a
// 400-update window (the target: under 5 ms) and the predictor's early features, median of many repetitions.
//
//   npx tsx scripts/bench-analysis.ts [--json]
import { earlyFeatures } from '../src/shared/analysis/predictor';
import { spectralSignature } from '../src/shared/analysis/spectral';

const W = 400;
const loss = Array.from({ length: W }, (_, n) => 4.6 * Math.exp(-n / 80) + 0.05 * Math.sin(n / 3) + 0.01 * Math.cos(n * 1.7));

function median(f: () => void, reps: number): number {
  for (let i = 0; i < 50; i++) f(); // warm up the JIT
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const a = performance.now();
    f();
    t.push(performance.now() - a);
  }
  t.sort((x, y) => x - y);
  return t[Math.floor(reps / 2)]!;
}

// evaluation metrics at 0, W/2, W of a memorising run (the trajectory features are a few logs: their cost is nil)
const trajectory = { valLoss: [3.4, 4, 5], trainLoss: [3.4, 0.1, 0.01], weightNorm: [40, 42, 43], cosInitAtW: 0.8 } as const;
const spectralMs = median(() => spectralSignature(loss), 2000);
const featuresMs = median(() => earlyFeatures({ stepLoss: loss, trainAccAtW: 1, valAccAtW: 0, trajectory, budget: 5000 }), 2000);
const result = { window: W, spectralSignatureMs: spectralMs, earlyFeaturesMs: featuresMs, node: process.version };
if (process.argv.includes('--json')) console.log(JSON.stringify(result));
else
  console.log(
    `spectral signature, ${W}-update window: median ${spectralMs.toFixed(3)} ms; predictor features: ${featuresMs.toFixed(3)} ms (${process.version})`,
  );
