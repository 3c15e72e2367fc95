// The two test functions of 000 App. D for n = 2, and their logarithmic form that the paper optimises: log g turns
// Rosenbrock's flat valley into a ravine with a sharp minimum and Rastrigin's minimum into a sharp well (∇log g =
// ∇g / g grows without bound near a zero of g, the "pronounced" gradients of 000 Fig. 25). Plain float64 arithmetic.

export type Vec2 = readonly [number, number];

export interface TestFunction {
  id: 'rosenbrock' | 'rastrigin';
  label: string;
  /** g(x) ≥ 0 with g = 0 at the global minimum */
  value(x: Vec2): number;
  grad(x: Vec2): [number, number];
  /** the global minimum x* (errors are ‖x − x*‖, as in 000 App. D) */
  minimum: Vec2;
  /** the window the paper's contour figures show */
  domain: { x: [number, number]; y: [number, number] };
  /** a start the paper's figures use */
  defaultStart: Vec2;
}

/** Rosenbrock, n = 2: 100(y − x²)² + (x − 1)², minimum (1, 1). */
export const rosenbrock: TestFunction = {
  id: 'rosenbrock',
  label: 'Rosenbrock',
  value: ([x, y]) => 100 * (y - x * x) ** 2 + (x - 1) ** 2,
  grad: ([x, y]) => [-400 * x * (y - x * x) + 2 * (x - 1), 200 * (y - x * x)],
  minimum: [1, 1],
  domain: { x: [-2, 2], y: [-1, 3] },
  defaultStart: [-1.5, 2.5],
};

/** Rastrigin with a = 10, n = 2: 2a + Σ (x_i² − a cos 2πx_i), minimum (0, 0). */
export function rastriginWith(a: number): TestFunction {
  if (!(a >= 0) || !Number.isFinite(a)) throw new RangeError(`Rastrigin's a must be a finite number ≥ 0, got ${a}`);
  return {
    id: 'rastrigin',
    label: 'Rastrigin',
    value: ([x, y]) => 2 * a + x * x - a * Math.cos(2 * Math.PI * x) + y * y - a * Math.cos(2 * Math.PI * y),
    grad: ([x, y]) => [2 * x + 2 * Math.PI * a * Math.sin(2 * Math.PI * x), 2 * y + 2 * Math.PI * a * Math.sin(2 * Math.PI * y)],
    minimum: [0, 0],
    domain: { x: [-5.12, 5.12], y: [-5.12, 5.12] },
    defaultStart: [-4.5, 4.2],
  };
}
export const rastrigin = rastriginWith(10);

export const TEST_FUNCTIONS = { rosenbrock, rastrigin } as const;
export type TestFunctionId = keyof typeof TEST_FUNCTIONS;

/**
 * f = log(g + ε), the objective the optimisers see. ε keeps f finite at the exact minimum (g = 0 there); the
 * default 1e-12 is far below any g a trajectory reaches in float64 before it stalls, so it changes nothing else.
 */
export interface Objective {
  value(x: Vec2): number;
  grad(x: Vec2): [number, number];
}

export function logObjective(fn: TestFunction, eps = 1e-12): Objective {
  if (!(eps >= 0)) throw new RangeError(`ε must be ≥ 0, got ${eps}`);
  return {
    value: (x) => Math.log(fn.value(x) + eps),
    grad: (x) => {
      const g = fn.value(x) + eps;
      const [gx, gy] = fn.grad(x);
      return [gx / g, gy / g];
    },
  };
}
