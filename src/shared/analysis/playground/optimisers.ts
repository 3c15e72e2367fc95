// The six optimisers of 000 App. D on a parameter vector of any length, float64, one object per run holding its
// state. Each follows torch.optim's update rule (PyTorch 1.13) to the letter, so a trajectory here matches
// torch's trajectory from the same start (tests/unit/analysis-playground.test.ts against a committed fixture).

export const PLAYGROUND_OPTIMISERS = ['sgd', 'momentum', 'rmsprop', 'rprop', 'adam', 'adamax'] as const;
export type PlaygroundOptimiserKind = (typeof PLAYGROUND_OPTIMISERS)[number];

export interface PlaygroundHyper {
  lr: number;
  /** momentum (SGD with momentum, RMSProp) */
  momentum: number;
  /** RMSProp smoothing constant */
  alpha: number;
  beta1: number;
  beta2: number;
  /** denominator guard of RMSProp, Adam, Adamax */
  eps: number;
  etaMinus: number;
  etaPlus: number;
  stepMin: number;
  stepMax: number;
}

/** torch's defaults: momentum 0, RMSProp's α, Adam's betas, Rprop's etas and step bounds. */
const TORCH: Omit<PlaygroundHyper, 'lr'> = {
  momentum: 0,
  alpha: 0.99,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  etaMinus: 0.5,
  etaPlus: 1.2,
  stepMin: 1e-6,
  stepMax: 50,
};

/** torch's defaults, except the learning rates, which are the paper's scale for the log-scale functions. */
export const DEFAULT_HYPER: Record<PlaygroundOptimiserKind, PlaygroundHyper> = {
  sgd: { ...TORCH, lr: 1e-3 },
  momentum: { ...TORCH, lr: 1e-3, momentum: 0.9 },
  rmsprop: { ...TORCH, lr: 1e-2 },
  rprop: { ...TORCH, lr: 1e-2 },
  adam: { ...TORCH, lr: 1e-2 },
  adamax: { ...TORCH, lr: 2e-2 },
};

/** Which hyperparameters each optimiser reads (the playground shows only these). */
export const HYPER_USED: Record<PlaygroundOptimiserKind, readonly (keyof PlaygroundHyper)[]> = {
  sgd: ['lr'],
  momentum: ['lr', 'momentum'],
  rmsprop: ['lr', 'alpha', 'eps', 'momentum'],
  rprop: ['lr', 'etaMinus', 'etaPlus', 'stepMin', 'stepMax'],
  adam: ['lr', 'beta1', 'beta2', 'eps'],
  adamax: ['lr', 'beta1', 'beta2', 'eps'],
};

/** A readable problem with a hyperparameter ("rprop.etaPlus: must be > 1, got 0.9"), or null when all are valid. */
export function hyperProblem(kind: PlaygroundOptimiserKind, h: PlaygroundHyper): string | null {
  const bad = (k: keyof PlaygroundHyper, rule: string) => `${kind}.${k}: must be ${rule}, got ${h[k]}`;
  for (const k of HYPER_USED[kind]) if (!Number.isFinite(h[k])) return bad(k, 'a finite number');
  if (!(h.lr > 0)) return bad('lr', '> 0');
  const used = new Set(HYPER_USED[kind]);
  if (used.has('momentum') && !(h.momentum >= 0 && h.momentum < 1)) return bad('momentum', 'in [0, 1)');
  if (used.has('alpha') && !(h.alpha >= 0 && h.alpha < 1)) return bad('alpha', 'in [0, 1)');
  if (used.has('beta1') && !(h.beta1 >= 0 && h.beta1 < 1)) return bad('beta1', 'in [0, 1)');
  if (used.has('beta2') && !(h.beta2 >= 0 && h.beta2 < 1)) return bad('beta2', 'in [0, 1)');
  if (used.has('eps') && !(h.eps >= 0)) return bad('eps', '≥ 0');
  if (used.has('etaMinus') && !(h.etaMinus > 0 && h.etaMinus < 1)) return bad('etaMinus', 'in (0, 1)');
  if (used.has('etaPlus') && !(h.etaPlus > 1)) return bad('etaPlus', '> 1');
  if (used.has('stepMin') && !(h.stepMin >= 0)) return bad('stepMin', '≥ 0');
  if (used.has('stepMax') && !(h.stepMax >= h.stepMin)) return bad('stepMax', `≥ stepMin (${h.stepMin})`);
  return null;
}

export interface PlaygroundOptimiser {
  /** Updates x in place from the gradient g at x. */
  step(x: Float64Array, g: Float64Array): void;
}

export function makeOptimiser(kind: PlaygroundOptimiserKind, h: PlaygroundHyper, dim: number): PlaygroundOptimiser {
  const problem = hyperProblem(kind, h);
  if (problem) throw new RangeError(problem);
  const a = new Float64Array(dim);
  const b = new Float64Array(dim);
  let t = 0;
  switch (kind) {
    case 'sgd':
      return {
        step(x, g) {
          for (let i = 0; i < dim; i++) x[i]! -= h.lr * g[i]!;
        },
      };
    case 'momentum':
      // torch: the buffer starts as the first gradient (not μ·0 + g, which is the same without dampening)
      return {
        step(x, g) {
          t++;
          for (let i = 0; i < dim; i++) {
            a[i] = t === 1 ? g[i]! : h.momentum * a[i]! + g[i]!;
            x[i]! -= h.lr * a[i]!;
          }
        },
      };
    case 'rmsprop':
      // a: square average, b: momentum buffer
      return {
        step(x, g) {
          for (let i = 0; i < dim; i++) {
            a[i] = h.alpha * a[i]! + (1 - h.alpha) * g[i]! * g[i]!;
            const avg = Math.sqrt(a[i]!) + h.eps;
            if (h.momentum > 0) {
              b[i] = h.momentum * b[i]! + g[i]! / avg;
              x[i]! -= h.lr * b[i]!;
            } else x[i]! -= (h.lr * g[i]!) / avg;
          }
        },
      };
    case 'rprop': {
      // a: previous (possibly zeroed) gradient, b: per-coordinate step size, starting at lr
      b.fill(h.lr);
      return {
        step(x, g) {
          for (let i = 0; i < dim; i++) {
            const s = Math.sign(g[i]! * a[i]!);
            const factor = s > 0 ? h.etaPlus : s < 0 ? h.etaMinus : 1;
            b[i] = Math.min(h.stepMax, Math.max(h.stepMin, b[i]! * factor));
            // after a sign change torch skips the move and forgets the gradient, so the next step does not shrink again
            const gi = s < 0 ? 0 : g[i]!;
            x[i]! -= Math.sign(gi) * b[i]!;
            a[i] = gi;
          }
        },
      };
    }
    case 'adam':
      return {
        step(x, g) {
          t++;
          const bc1 = 1 - h.beta1 ** t;
          const bc2 = 1 - h.beta2 ** t;
          for (let i = 0; i < dim; i++) {
            a[i] = h.beta1 * a[i]! + (1 - h.beta1) * g[i]!;
            b[i] = h.beta2 * b[i]! + (1 - h.beta2) * g[i]! * g[i]!;
            const denom = Math.sqrt(b[i]!) / Math.sqrt(bc2) + h.eps;
            x[i]! -= (h.lr / bc1) * (a[i]! / denom);
          }
        },
      };
    case 'adamax':
      return {
        step(x, g) {
          t++;
          const clr = h.lr / (1 - h.beta1 ** t);
          for (let i = 0; i < dim; i++) {
            a[i] = h.beta1 * a[i]! + (1 - h.beta1) * g[i]!;
            b[i] = Math.max(h.beta2 * b[i]!, Math.abs(g[i]!) + h.eps);
            x[i]! -= (clr * a[i]!) / b[i]!;
          }
        },
      };
  }
}
