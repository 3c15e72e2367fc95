// echarts-gl's post-effect compositor (claygl createCompositor) turns size strings such as
// "expr([width * dpr / 4, height * dpr / 4])" into functions with `new Function('width', 'height', 'dpr', body)`.
// The app's Content-Security-Policy has no 'unsafe-eval' (and should not get one for a 3D chart), so that throws
// ("Invalid expression.") and the 3D view never draws. withGlExpressions() runs a callback with the global Function
// replaced by one that compiles exactly this arithmetic (numbers, width/height/dpr, + − * /, parentheses, one
// [a, b] list) into closures without eval, and hands anything else to the real Function (which the CSP refuses).

type Num = (v: Record<string, number>) => number;
type Expr = (v: Record<string, number>) => number | number[];

const VARS = new Set(['width', 'height', 'dpr']);

/** Compiles `body` ("return <expr>") over the named variables; null when it is not the supported arithmetic. */
export function compileGlExpression(params: readonly string[], body: string): ((...args: number[]) => number | number[]) | null {
  const m = /^\s*return\s+([\s\S]*?);?\s*$/.exec(body);
  if (!m || params.some((p) => !VARS.has(p))) return null;
  const tokens = m[1]!.match(/\d+(?:\.\d+)?(?:e[+-]?\d+)?|[A-Za-z_]\w*|[-+*/()[\],]|\S/g) ?? [];
  let k = 0;
  const peek = () => tokens[k];
  const take = (t?: string) => {
    const x = tokens[k];
    if (x === undefined || (t !== undefined && x !== t)) throw new Error('unexpected');
    k++;
    return x;
  };
  const factor = (): Num => {
    const t = take();
    if (t === '-') {
      const f = factor();
      return (v) => -f(v);
    }
    if (t === '(') {
      const e = sum();
      take(')');
      return e;
    }
    if (/^\d/.test(t)) {
      const n = Number(t);
      return () => n;
    }
    if (params.includes(t)) return (v) => v[t]!;
    throw new Error('unexpected');
  };
  const product = (): Num => {
    let left = factor();
    while (peek() === '*' || peek() === '/') {
      const op = take();
      const l = left;
      const r = factor();
      left = op === '*' ? (v) => l(v) * r(v) : (v) => l(v) / r(v);
    }
    return left;
  };
  const sum = (): Num => {
    let left = product();
    while (peek() === '+' || peek() === '-') {
      const op = take();
      const l = left;
      const r = product();
      left = op === '+' ? (v) => l(v) + r(v) : (v) => l(v) - r(v);
    }
    return left;
  };
  let expr: Expr;
  try {
    if (peek() === '[') {
      take('[');
      const items = [sum()];
      while (peek() === ',') {
        take(',');
        items.push(sum());
      }
      take(']');
      expr = (v) => items.map((f) => f(v));
    } else expr = sum();
    if (k !== tokens.length) return null;
  } catch {
    return null;
  }
  return (...args: number[]) => expr(Object.fromEntries(params.map((p, i) => [p, args[i] ?? Number.NaN])));
}

let installed = 0;
let real: FunctionConstructor | null = null;

/**
 * Replaces the global Function, while a 3D view is open, by one that compiles echarts-gl's size expressions without
 * eval and hands anything else to the real Function. echarts-gl builds its compositor on a later frame, not inside
 * setOption, so the stand-in must stay for the chart's lifetime. It shares Function.prototype, so instanceof
 * Function and every function's methods are unchanged. Returns the uninstall (counted: the last one restores).
 */
export function installGlExpressions(): () => void {
  const g = globalThis as { Function: FunctionConstructor };
  if (installed++ === 0) {
    const Real = g.Function;
    real = Real;
    const Shim = function (...args: string[]) {
      const compiled = args.length >= 1 ? compileGlExpression(args.slice(0, -1), args.at(-1)!) : null;
      if (compiled) return compiled;
      return Reflect.construct(Real, args) as unknown;
    } as unknown as FunctionConstructor;
    Object.defineProperty(Shim, 'prototype', { value: Real.prototype });
    g.Function = Shim;
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--installed === 0 && real) {
      g.Function = real;
      real = null;
    }
  };
}
