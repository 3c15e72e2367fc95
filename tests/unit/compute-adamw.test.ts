import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/compute/engine/backend';
import { AdamW } from '../../src/main/compute/optim/adamw';
import { scheduledLr, warmupLr } from '../../src/main/compute/optim/schedule';

beforeAll(async () => {
  await initBackend('cpu');
});

/** torch.optim.AdamW written out in float64 for one parameter vector (the reference, independent of the code). */
function referenceAdamW(
  theta0: number[],
  gradOf: (th: number[]) => number[],
  steps: number,
  o: {
    lr: number;
    wd: number;
    b1: number;
    b2: number;
    eps: number;
    warmup: number;
  },
): number[] {
  const th = theta0.slice();
  const m = th.map(() => 0);
  const v = th.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    const lr = o.warmup > 0 ? o.lr * Math.min(1, t / o.warmup) : o.lr; // LambdaLR: update index t−1 → factor t/warmup
    const g = gradOf(th);
    for (let i = 0; i < th.length; i++) {
      th[i]! *= 1 - lr * o.wd;
      m[i] = o.b1 * m[i]! + (1 - o.b1) * g[i]!;
      v[i] = o.b2 * v[i]! + (1 - o.b2) * g[i]! * g[i]!;
      const mHat = m[i]! / (1 - o.b1 ** t);
      const vHat = v[i]! / (1 - o.b2 ** t);
      th[i]! -= (lr * mHat) / (Math.sqrt(vHat) + o.eps);
    }
  }
  return th;
}

describe('warm-up schedule', () => {
  it('is lr·min(1, (t+1)/warmup) for update index t', () => {
    expect(warmupLr(0.3, 3, 0)).toBeCloseTo(0.1, 12);
    expect(warmupLr(0.3, 3, 1)).toBeCloseTo(0.2, 12);
    expect(warmupLr(0.3, 3, 2)).toBeCloseTo(0.3, 12);
    expect(warmupLr(0.3, 3, 50)).toBeCloseTo(0.3, 12);
    expect(warmupLr(0.3, 0, 0)).toBe(0.3);
  });

  // torch 1.13: CosineAnnealingLR(T_max=8, eta_min=0) and LinearLR(start_factor=1, end_factor=0, total_iters=8) on
  // SGD(lr=0.3), the lr of each of the 8 updates (printed by a script, rounded to 12 digits)
  const TORCH = {
    cosine: [0.3, 0.288581929877, 0.256066017178, 0.207402514855, 0.15, 0.092597485145, 0.043933982822, 0.011418070123],
    linear: [0.3, 0.2625, 0.225, 0.1875, 0.15, 0.1125, 0.075, 0.0375],
  };
  it('decays like torch CosineAnnealingLR and LinearLR over the budget; constant is the warm-up alone', () => {
    for (const k of ['cosine', 'linear'] as const) TORCH[k].forEach((lr, t) => expect(scheduledLr(0.3, 0, k, t, 8)).toBeCloseTo(lr, 10));
    for (let t = 0; t < 8; t++) expect(scheduledLr(0.3, 3, 'constant', t, 8)).toBe(warmupLr(0.3, 3, t));
    // with a warm-up the two factors multiply (LambdaLR · annealing)
    expect(scheduledLr(0.3, 4, 'cosine', 1, 8)).toBeCloseTo((0.15 * 0.288581929877) / 0.3, 10);
  });
});

describe('AdamW', () => {
  const target = [1.5, -2, 0.25, 3];
  // loss = ½‖Aθ − target‖² with a diagonal A, so ∇ = A(Aθ − target): a gradient that changes every step
  const A = [2, 0.5, 1, -1.5];
  const gradOf = (th: number[]) => th.map((x, i) => A[i]! * (A[i]! * x - target[i]!));
  const opts = { lr: 0.05, wd: 0.5, b1: 0.9, b2: 0.98, eps: 1e-8, warmup: 3 };
  const theta0 = [0.3, -0.7, 1.2, 0.05];

  async function runOurs(steps: number, from?: { state: Awaited<ReturnType<AdamW['state']>>; t: number; theta: number[] }) {
    const variable = tf.variable(tf.tensor1d(from?.theta ?? theta0));
    const opt = new AdamW([{ name: 'theta', variable }], { weightDecay: opts.wd, beta1: opts.b1, beta2: opts.b2, eps: opts.eps });
    if (from) opt.load(from.state, from.t);
    for (let i = 0; i < steps; i++) {
      const th = Array.from(variable.dataSync());
      const g = tf.tensor1d(gradOf(th));
      opt.step([g], warmupLr(opts.lr, opts.warmup, opt.t));
      g.dispose();
    }
    const out = { theta: Array.from(variable.dataSync()), state: await opt.state(), t: opt.t };
    opt.dispose();
    variable.dispose();
    return out;
  }

  it('matches a float64 PyTorch-semantics reference with weight decay and warm-up', async () => {
    for (const steps of [1, 2, 5, 25]) {
      const ours = (await runOurs(steps)).theta;
      const ref = referenceAdamW(theta0, gradOf, steps, opts);
      ours.forEach((x, i) => expect(x).toBeCloseTo(ref[i]!, 5));
    }
  });

  it('decays weights decoupled from the gradient: zero gradient shrinks θ by (1 − lr·λ) per step', () => {
    const variable = tf.variable(tf.tensor1d([2, -4]));
    const opt = new AdamW([{ name: 'w', variable }], { weightDecay: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    const zero = tf.zeros([2]);
    opt.step([zero], 0.5);
    opt.step([zero], 0.5);
    const [a, b] = Array.from(variable.dataSync());
    expect(a).toBeCloseTo(2 * 0.95 ** 2, 6);
    expect(b).toBeCloseTo(-4 * 0.95 ** 2, 6);
    tf.dispose([zero, variable]);
    opt.dispose();
  });

  it('continues exactly from its saved state', async () => {
    const whole = await runOurs(10);
    const half = await runOurs(4);
    const rest = await runOurs(6, { state: half.state, t: half.t, theta: half.theta });
    expect(rest.t).toBe(10);
    expect(rest.theta).toEqual(whole.theta);
    expect(half.state.map((b) => b.name)).toEqual(['theta/m', 'theta/v']);
  });
});
