// The CSP-safe stand-in for echarts-gl's `new Function` size expressions: every expression echarts-gl ships
// compiles and gives the value the expression means; anything else is refused.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGlExpression, installGlExpressions } from '../../src/renderer/src/lib/landscape-gl-expr';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.js') ? [p] : [];
  });
}

describe('echarts-gl size expressions without eval', () => {
  const shipped = [
    ...new Set(
      files(join(__dirname, '../../node_modules/echarts-gl/lib')).flatMap((f) => readFileSync(f, 'utf8').match(/expr\([^()]*\)/g) ?? []),
    ),
  ];

  it('compiles every expression echarts-gl ships, to the value JavaScript gives', () => {
    expect(shipped.length).toBeGreaterThan(20);
    for (const e of shipped) {
      const body = e.slice('expr('.length, -1);
      const f = compileGlExpression(['width', 'height', 'dpr'], `return ${body}`);
      expect(f, e).not.toBeNull();
      // the reference: the same expression as a JavaScript closure (eval is fine in a test)
      const ref = new Function('width', 'height', 'dpr', `return ${body}`) as (w: number, h: number, d: number) => unknown;
      expect(f!(640, 480, 2)).toEqual(ref(640, 480, 2));
    }
  });

  it('handles precedence, parentheses and unary minus, and refuses anything else', () => {
    expect(compileGlExpression(['width', 'height'], 'return (width + 2) * height / 4 - -1')!(2, 8)).toBe(9);
    expect(compileGlExpression(['width'], 'return alert(1)')).toBeNull();
    expect(compileGlExpression(['width'], 'return width; fetch("x")')).toBeNull();
    expect(compileGlExpression(['window'], 'return window')).toBeNull();
    expect(compileGlExpression(['width'], 'width')).toBeNull();
  });

  it('stands in for Function while installed, keeping instanceof, and restores it after the last uninstall', () => {
    const Real = globalThis.Function;
    const off1 = installGlExpressions();
    const off2 = installGlExpressions();
    const f = new Function('width', 'height', 'dpr', 'return [width * dpr / 4, height * dpr / 4]') as (...a: number[]) => number[];
    expect(f(400, 200, 2)).toEqual([200, 100]);
    expect(f instanceof Function).toBe(true);
    expect((() => 1) instanceof Function).toBe(true);
    // anything else goes to the real Function
    expect((new Function('a', 'return a + 1') as (a: number) => number)(1)).toBe(2);
    off1();
    off1();
    expect(globalThis.Function).not.toBe(Real);
    off2();
    expect(globalThis.Function).toBe(Real);
  });
});
