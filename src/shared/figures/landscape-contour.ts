// Contour lines of a function sampled on a grid, by marching squares, and reading a grid between its nodes: ECharts
// has no contour series, so the 2D landscape and the playground draw these segments as a 'lines' series. Pure maths.

export type Segment = [[number, number], [number, number]];

/**
 * Segments of the level set {f = level} of values[j][i] = f(xs[i], ys[j]), linear along cell edges. A saddle cell
 * (all four edges crossed) is split by the value at its centre (the mean of its corners). Cells with a non-finite
 * corner are skipped.
 */
export function contourSegments(
  xs: readonly number[],
  ys: readonly number[],
  values: readonly (readonly number[])[],
  level: number,
): Segment[] {
  const out: Segment[] = [];
  for (let j = 0; j + 1 < ys.length; j++) {
    const r0 = values[j]!;
    const r1 = values[j + 1]!;
    for (let i = 0; i + 1 < xs.length; i++) {
      const bl = r0[i]!;
      const br = r0[i + 1]!;
      const tr = r1[i + 1]!;
      const tl = r1[i]!;
      if (!(Number.isFinite(bl) && Number.isFinite(br) && Number.isFinite(tr) && Number.isFinite(tl))) continue;
      const [x0, x1, y0, y1] = [xs[i]!, xs[i + 1]!, ys[j]!, ys[j + 1]!];
      const cut = (a: number, b: number): number | null => (a >= level !== b >= level ? (level - a) / (b - a) : null);
      // edges in order bottom, right, top, left
      const crossings: ([number, number] | null)[] = [
        ((t) => (t === null ? null : [x0 + t * (x1 - x0), y0]))(cut(bl, br)),
        ((t) => (t === null ? null : [x1, y0 + t * (y1 - y0)]))(cut(br, tr)),
        ((t) => (t === null ? null : [x0 + t * (x1 - x0), y1]))(cut(tl, tr)),
        ((t) => (t === null ? null : [x0, y0 + t * (y1 - y0)]))(cut(bl, tl)),
      ];
      const hit = crossings.filter((c): c is [number, number] => c !== null);
      if (hit.length === 2) out.push([hit[0]!, hit[1]!]);
      else if (hit.length === 4) {
        const [b, r, t, l] = crossings as [number, number][];
        const centreWithBl = (bl + br + tr + tl) / 4 >= level === bl >= level;
        // centre on bl's side: bl joins tr through the middle, so the lines cut off br and tl
        if (centreWithBl) out.push([b!, r!], [t!, l!]);
        else out.push([b!, l!], [t!, r!]);
      }
    }
  }
  return out;
}

/** `count` levels evenly spaced strictly inside [lo, hi]. */
export function contourLevels(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo) || count < 1) return [];
  return Array.from({ length: count }, (_, k) => lo + ((hi - lo) * (k + 1)) / (count + 1));
}

/** f at (x, y) by bilinear interpolation on the grid (evenly spaced or not); null outside it or next to a non-finite node. */
export function bilinear(
  xs: readonly number[],
  ys: readonly number[],
  values: readonly (readonly (number | null)[] | null)[],
  x: number,
  y: number,
): number | null {
  const find = (g: readonly number[], v: number): number => {
    if (g.length < 2 || v < g[0]! || v > g.at(-1)!) return -1;
    let k = 0;
    while (k < g.length - 2 && v > g[k + 1]!) k++;
    return k;
  };
  const i = find(xs, x);
  const j = find(ys, y);
  if (i < 0 || j < 0) return null;
  const r0 = values[j];
  const r1 = values[j + 1];
  if (!r0 || !r1) return null;
  const [a, b, c, d] = [r0[i], r0[i + 1], r1[i], r1[i + 1]];
  if (a == null || b == null || c == null || d == null || ![a, b, c, d].every(Number.isFinite)) return null;
  const tx = (x - xs[i]!) / (xs[i + 1]! - xs[i]!);
  const ty = (y - ys[j]!) / (ys[j + 1]! - ys[j]!);
  return (1 - ty) * ((1 - tx) * a + tx * b) + ty * ((1 - tx) * c + tx * d);
}
