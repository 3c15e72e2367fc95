// The two series a gridded function is drawn with on value axes (ECharts' heatmap needs category axes, which cannot
// carry a trajectory at real coordinates): a 'custom' series of one rectangle per grid node, coloured by the chart's
// visualMap, and a 'lines' series of contour segments. Shared by the 2D landscape and the optimiser playground.
import type { CustomSeriesOption, CustomSeriesRenderItemAPI, CustomSeriesRenderItemReturn, LinesSeriesOption } from 'echarts';
import { contourLevels, contourSegments } from './landscape-contour';

/** values[j][i] at (xs[i], ys[j]), evenly spaced; null nodes are left blank. */
export function filledGridSeries(
  name: string,
  xs: readonly number[],
  ys: readonly number[],
  values: readonly (readonly (number | null)[])[],
): CustomSeriesOption {
  const dx = xs.length > 1 ? xs[1]! - xs[0]! : 1;
  const dy = ys.length > 1 ? ys[1]! - ys[0]! : 1;
  const cells: [number, number, number][] = [];
  values.forEach((row, j) => row.forEach((v, i) => v !== null && Number.isFinite(v) && cells.push([xs[i]!, ys[j]!, v])));
  return {
    type: 'custom',
    name,
    data: cells,
    encode: { x: 0, y: 1, tooltip: 2 },
    silent: true,
    clip: true,
    // drawn in one pass: progressive rendering (ECharts' default above 3000 items) leaves the map half drawn when
    // the option is replaced while it is still filling in (every edit in the playground replaces it)
    progressive: 0,
    renderItem: (_params: unknown, api: CustomSeriesRenderItemAPI): CustomSeriesRenderItemReturn => {
      const x = Number(api.value(0));
      const y = Number(api.value(1));
      const p0 = api.coord([x - dx / 2, y - dy / 2]);
      const p1 = api.coord([x + dx / 2, y + dy / 2]);
      // +0.5 px so neighbouring cells overlap instead of leaving hairline gaps in the canvas
      return {
        type: 'rect',
        shape: {
          x: Math.min(p0[0]!, p1[0]!),
          y: Math.min(p0[1]!, p1[1]!),
          width: Math.abs(p1[0]! - p0[0]!) + 0.5,
          height: Math.abs(p1[1]! - p0[1]!) + 0.5,
        },
        style: { fill: api.visual('color') as string },
      };
    },
    z: 1,
  };
}

/** Contour segments at `levels` levels evenly inside the finite values' range. */
export function contourSeries(
  xs: readonly number[],
  ys: readonly number[],
  values: readonly (readonly (number | null)[])[],
  levels: number,
  color: string,
): LinesSeriesOption {
  const numeric = values.map((r) => r.map((v) => (v === null ? Number.NaN : v)));
  const finite = numeric.flat().filter(Number.isFinite);
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = finite.length ? Math.max(...finite) : 0;
  const data = contourLevels(lo, hi, levels).flatMap((level) => contourSegments(xs, ys, numeric, level).map((coords) => ({ coords })));
  return {
    type: 'lines',
    name: 'contours',
    coordinateSystem: 'cartesian2d',
    polyline: false,
    silent: true,
    progressive: 0,
    data,
    lineStyle: { color, width: 1, opacity: 1 },
    z: 2,
  };
}

/** Lowest and highest finite value, or [0, 1] when there is none. */
export function finiteRange(values: readonly (number | null)[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values)
    if (v !== null && Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  return lo <= hi ? [lo, hi] : [0, 1];
}
