// One optimiser's walk on a log-scale test function from a start: the points, the objective log(g + ε) and the error
// ‖x − x*‖ after every step (000 App. D plots both). Stops early, keeping what it has, if the walk leaves the
// float64 range (a too large learning rate), and says so.
import { logObjective, type TestFunction, type Vec2 } from './functions';
import { makeOptimiser, type PlaygroundHyper, type PlaygroundOptimiserKind } from './optimisers';

export interface PlaygroundTrajectory {
  kind: PlaygroundOptimiserKind;
  /** x_0 … x_T (T + 1 points, fewer when diverged) */
  points: [number, number][];
  /** log(g(x_t) + ε) */
  values: number[];
  /** ‖x_t − x*‖ */
  errors: number[];
  /** step at which the walk left the finite numbers, or null */
  divergedAt: number | null;
}

/** A walk that advances a slice of steps at a time, so a page can compute 100 000 steps without holding its thread. */
export interface TrajectoryWalk {
  /** takes up to n more steps; true once the walk has all its steps (or diverged) */
  advance(n: number): boolean;
  readonly done: boolean;
  /** steps taken so far */
  readonly taken: number;
  readonly result: PlaygroundTrajectory;
}

export function trajectoryWalk(
  fn: TestFunction,
  kind: PlaygroundOptimiserKind,
  hyper: PlaygroundHyper,
  start: Vec2,
  steps: number,
  eps = 1e-12,
): TrajectoryWalk {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`steps must be a whole number ≥ 0, got ${steps}`);
  if (!Number.isFinite(start[0]) || !Number.isFinite(start[1]))
    throw new RangeError(`start must be two finite numbers, got (${start[0]}, ${start[1]})`);
  const f = logObjective(fn, eps);
  const opt = makeOptimiser(kind, hyper, 2);
  const x = new Float64Array(start);
  const g = new Float64Array(2);
  const [mx, my] = fn.minimum;
  const out: PlaygroundTrajectory = { kind, points: [], values: [], errors: [], divergedAt: null };
  const record = () => {
    out.points.push([x[0]!, x[1]!]);
    out.values.push(f.value([x[0]!, x[1]!]));
    out.errors.push(Math.hypot(x[0]! - mx, x[1]! - my));
  };
  record();
  let t = 0;
  const walk = {
    get done() {
      return t >= steps || out.divergedAt !== null;
    },
    get taken() {
      return t;
    },
    result: out,
    advance(n: number): boolean {
      const until = Math.min(steps, t + n);
      while (t < until && out.divergedAt === null) {
        t++;
        const [gx, gy] = f.grad([x[0]!, x[1]!]);
        g[0] = gx;
        g[1] = gy;
        opt.step(x, g);
        if (!Number.isFinite(x[0]!) || !Number.isFinite(x[1]!)) out.divergedAt = t;
        else record();
      }
      return walk.done;
    },
  };
  return walk;
}

export function runTrajectory(
  fn: TestFunction,
  kind: PlaygroundOptimiserKind,
  hyper: PlaygroundHyper,
  start: Vec2,
  steps: number,
  eps = 1e-12,
): PlaygroundTrajectory {
  const walk = trajectoryWalk(fn, kind, hyper, start, steps, eps);
  walk.advance(steps);
  return walk.result;
}

/** log(g + ε) on a grid over the function's window, for the contour plot: values[j][i] at (xs[i], ys[j]). */
export function logGrid(fn: TestFunction, n: number, domain = fn.domain, eps = 1e-12): { xs: number[]; ys: number[]; values: number[][] } {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`grid size must be a whole number ≥ 2, got ${n}`);
  const lin = ([lo, hi]: [number, number]) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
  const xs = lin(domain.x);
  const ys = lin(domain.y);
  const f = logObjective(fn, eps);
  return { xs, ys, values: ys.map((y) => xs.map((x) => f.value([x, y]))) };
}
