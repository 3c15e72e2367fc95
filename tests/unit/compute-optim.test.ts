// Every optimiser against float64 PyTorch trajectories (tests/fixtures/optim-reference.json, written by
// scripts/fixtures/optim-reference.py with torch.optim's own classes), plus clipping, constant norm, the step
// measurements and exact continuation from saved state.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { OptimizerSchema, type OptimizerConfig } from '../../src/shared/config/run-config';
import { initBackend } from '../../src/main/compute/engine/backend';
import { createOptimizer, weightDecayMode } from '../../src/main/compute/optim/create';
import type { FlatOptimizer } from '../../src/main/compute/optim/flat';
import { warmupLr } from '../../src/main/compute/optim/schedule';

interface Case {
  name: string;
  kind: OptimizerConfig['kind'];
  lr: number;
  wd: number;
  mode: 'l2' | 'decoupled';
  warmup?: number;
  clip?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  alpha?: number;
  centered?: boolean;
  etaMinus?: number;
  etaPlus?: number;
  stepMin?: number;
  stepMax?: number;
  trajectory: number[][];
}

const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/optim-reference.json'), 'utf8')) as {
  A: number[][];
  y: number[];
  theta0: number[];
  steps: number;
  cases: Case[];
};

/** ∇ of ½‖Aθ − y‖² + 0.1·Σθ⁴, in float64 (the fixture's loss). */
function gradOf(th: number[]): number[] {
  const { A, y } = fixture;
  const r = A.map((row, i) => row.reduce((s, a, j) => s + a * th[j]!, 0) - y[i]!);
  return th.map((x, j) => A.reduce((s, row, i) => s + row[j]! * r[i]!, 0) + 0.4 * x ** 3);
}

function configOf(c: Case): OptimizerConfig {
  const { name: _n, trajectory: _t, wd, mode, warmup, clip, ...rest } = c;
  return OptimizerSchema.parse({ ...rest, weightDecay: wd, weightDecayMode: mode, warmupSteps: warmup ?? 0, clipGradNorm: clip ?? 0 });
}

/** Two parameter tensors W [2, 3] and b [3], θ = (W row-major, b), as the fixture flattens them. */
function makeParams(theta: number[]) {
  return [
    { name: 'W', variable: tf.variable(tf.tensor2d(theta.slice(0, 6), [2, 3])) },
    { name: 'b', variable: tf.variable(tf.tensor1d(theta.slice(6))) },
  ];
}

function thetaOf(params: ReturnType<typeof makeParams>): number[] {
  return params.flatMap((p) => Array.from(p.variable.dataSync()));
}

function steps(opt: FlatOptimizer, params: ReturnType<typeof makeParams>, cfg: OptimizerConfig, n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const g = gradOf(thetaOf(params));
    const grads = [tf.tensor2d(g.slice(0, 6), [2, 3]), tf.tensor1d(g.slice(6))];
    opt.step(grads, warmupLr(cfg.lr, cfg.warmupSteps, opt.t), { clipNorm: cfg.clipGradNorm });
    tf.dispose(grads);
    out.push(thetaOf(params));
  }
  return out;
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe('optimisers against float64 torch.optim', () => {
  it('the fixture covers every optimiser, both decay modes, clipping and warm-up', () => {
    const kinds = new Set(fixture.cases.map((c) => c.kind));
    expect([...kinds].sort()).toEqual(['adam', 'adamax', 'adamw', 'rmsprop', 'rprop', 'sgd']);
    expect(fixture.cases.some((c) => c.clip)).toBe(true);
    expect(fixture.cases.some((c) => c.kind !== 'adamw' && c.mode === 'decoupled' && c.wd > 0)).toBe(true);
    expect(fixture.cases.some((c) => c.nesterov)).toBe(true);
    expect(fixture.cases.some((c) => c.centered)).toBe(true);
  });

  for (const c of fixture.cases) {
    it(`${c.name}: ${fixture.steps} steps match within float32 rounding`, () => {
      const cfg = configOf(c);
      const params = makeParams(fixture.theta0);
      const opt = createOptimizer(params, cfg);
      const ours = steps(opt, params, cfg, fixture.steps);
      ours.forEach((th, t) =>
        th.forEach((x, i) => {
          const ref = c.trajectory[t]![i]!;
          if (Math.abs(x - ref) > 2e-5 * (1 + Math.abs(ref))) throw new Error(`step ${t + 1}, θ[${i}]: ours ${x}, torch ${ref}`);
        }),
      );
      // the trajectory really moves (a no-op optimiser would fail above, but say so plainly)
      expect(Math.abs(c.trajectory.at(-1)![0]! - fixture.theta0[0]!)).toBeGreaterThan(1e-4);
      opt.dispose();
      tf.dispose(params.map((p) => p.variable));
    });

    it(`${c.name}: continues bit for bit from its saved state`, async () => {
      const cfg = configOf(c);
      const a = makeParams(fixture.theta0);
      const whole = createOptimizer(a, cfg);
      const full = steps(whole, a, cfg, 6);
      const b = makeParams(fixture.theta0);
      const first = createOptimizer(b, cfg);
      const mid = steps(first, b, cfg, 3).at(-1)!;
      const c2 = makeParams(mid);
      const second = createOptimizer(c2, cfg);
      second.load(await first.state(), first.t);
      const rest = steps(second, c2, cfg, 3);
      expect(rest.at(-1)).toEqual(full.at(-1));
      tf.dispose([...a, ...b, ...c2].map((p) => p.variable));
      [whole, first, second].forEach((o) => o.dispose());
    });
  }
});

describe('step extras', () => {
  const cfg = OptimizerSchema.parse({ kind: 'sgd', lr: 0.1, weightDecay: 0, warmupSteps: 0 });

  it('clips the total gradient norm at η like clip_grad_norm_ and reports the norm before clipping', () => {
    const params = makeParams([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const opt = createOptimizer(params, cfg);
    const g = [tf.fill([2, 3], 3), tf.fill([3], 4)]; // ‖g‖ = √(6·9 + 3·16) = √102
    const m = opt.step(g, 0.1, { clipNorm: 2, measure: true })!;
    const [gNorm] = m.dataSync();
    expect(gNorm).toBeCloseTo(Math.sqrt(102), 4);
    const coef = 2 / (Math.sqrt(102) + 1e-6);
    expect(thetaOf(params)[0]).toBeCloseTo(1 - 0.1 * 3 * coef, 5);
    expect(thetaOf(params)[8]).toBeCloseTo(9 - 0.1 * 4 * coef, 5);
    tf.dispose([m, ...g, ...params.map((p) => p.variable)]);
    opt.dispose();
  });

  it('measures θ_t·θ_{t+1} and both norms, and holds a constant norm when asked', () => {
    const theta = [1, -2, 0.5, 3, 0, 1, 2, -1, 0.25];
    const params = makeParams(theta);
    const opt = createOptimizer(params, cfg);
    const target = 4;
    const g = [
      tf.tensor2d([
        [1, 0, -1],
        [2, 0.5, 0],
      ]),
      tf.tensor1d([0, 1, -3]),
    ];
    const m = opt.step(g, 0.1, { measure: true, targetNorm: target })!;
    const [, dot, before, after] = Array.from(m.dataSync());
    const next = thetaOf(params);
    const gFlat = [1, 0, -1, 2, 0.5, 0, 0, 1, -3];
    const raw = theta.map((x, i) => x - 0.1 * gFlat[i]!);
    const rawNorm = Math.hypot(...raw);
    next.forEach((x, i) => expect(x).toBeCloseTo((raw[i]! * target) / rawNorm, 5));
    expect(Math.hypot(...next)).toBeCloseTo(target, 5);
    expect(before).toBeCloseTo(
      theta.reduce((s, x) => s + x * x, 0),
      4,
    );
    expect(after).toBeCloseTo(target * target, 4);
    expect(dot).toBeCloseTo(
      theta.reduce((s, x, i) => s + x * next[i]!, 0),
      4,
    );
    tf.dispose([m, ...g, ...params.map((p) => p.variable)]);
    opt.dispose();
  });

  it('adds the caller’s noise to the new parameters', () => {
    const params = makeParams(new Array(9).fill(1));
    const opt = createOptimizer(params, cfg);
    const g = [tf.zeros([2, 3]), tf.zeros([3])];
    const noise = tf.tensor1d([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    opt.step(g, 0.1, { noise });
    thetaOf(params).forEach((x, i) => expect(x).toBeCloseTo(1 + 0.1 * (i + 1), 6));
    tf.dispose([noise, ...g, ...params.map((p) => p.variable)]);
    opt.dispose();
  });

  it('decays decoupled by default for AdamW only; the others use torch weight_decay (L2) unless told', () => {
    for (const kind of ['adamw', 'adam', 'sgd', 'rmsprop', 'rprop', 'adamax'] as const)
      expect(weightDecayMode(OptimizerSchema.parse({ kind }))).toBe(kind === 'adamw' ? 'decoupled' : 'l2');
    expect(weightDecayMode(OptimizerSchema.parse({ kind: 'sgd', weightDecayMode: 'decoupled' }))).toBe('decoupled');
    expect(weightDecayMode(OptimizerSchema.parse({ kind: 'adamw', weightDecayMode: 'l2' }))).toBe('l2');
  });

  it('refuses nesterov without momentum, naming the config path', () => {
    const r = OptimizerSchema.safeParse({ kind: 'sgd', nesterov: true });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['nesterov']);
  });
});
