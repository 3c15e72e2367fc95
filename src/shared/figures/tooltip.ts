// The axis tooltip of every line figure: the step as an integer and each value to 4 significant digits (ECharts' own
// prints "1,234.5678901" and the step of an interpolated point as a fraction). Band series (ids starting "band:") are
// the shade around a mean and stay out of it. Pure: the option may hold a function, canvas and SVG alike call it.

/** A value to 4 significant digits, without trailing zeros; very large or small ones in e-notation. */
export function fmt4(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) return String(Number(v.toPrecision(4)));
  return v
    .toExponential(3)
    .replace(/\.?0+e/, 'e')
    .replace('e+', 'e');
}

interface TooltipParam {
  seriesId?: string;
  seriesName?: string;
  marker?: unknown;
  axisValue?: unknown;
  value?: unknown;
}

const escape = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The lines of an axis tooltip: "step 1200" then "● name: 0.9531" for each series with a value at that step. */
export function axisTooltipHtml(
  params: TooltipParam | TooltipParam[],
  xName = 'step',
  fmtX: (x: number) => string = (x) => String(Math.round(x)),
): string {
  const list = (Array.isArray(params) ? params : [params]).filter((p) => !String(p.seriesId ?? '').startsWith('band:'));
  const x = Number(list[0]?.axisValue ?? (Array.isArray(list[0]?.value) ? (list[0].value as unknown[])[0] : NaN));
  const head = Number.isFinite(x) ? `${xName} ${fmtX(x)}` : xName;
  const rows = list.map((p) => {
    const y = Array.isArray(p.value) ? Number(p.value[1]) : Number(p.value);
    const marker = typeof p.marker === 'string' ? p.marker : '';
    return `${marker}${escape(p.seriesName ?? '')}: ${Number.isFinite(y) ? fmt4(y) : '–'}`;
  });
  return [head, ...rows].join('<br/>');
}

/** The tooltip component of a line figure. */
export const axisTooltip = (xName = 'step', fmtX?: (x: number) => string) => ({
  trigger: 'axis' as const,
  formatter: (params: unknown) => axisTooltipHtml(params as TooltipParam[], xName, fmtX),
});
