// Exports a figure as the user sees it (same series, smoothing, log axes, phase markers), on white with the light
// palette (papers and slides are white), at the CLI's export size: PNG through ECharts' canvas getDataURL at pixel
// ratio 2, SVG through an offscreen SVG-renderer chart's renderToSVGString. Both draw the option from the shared
// builder, the same one the CLI exports, so UI and CLI figures agree.
import * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';
import { EXPORT_SIZE, PNG_PIXEL_RATIO } from './export-size';
import { downloadBlob } from './download';

export { downloadBlob };

export type ExportFormat = 'png' | 'svg';

function withOffscreenChart<T>(
  renderer: 'canvas' | 'svg',
  size: { width: number; height: number },
  option: EChartsOption,
  use: (chart: echarts.ECharts) => T,
): T {
  const div = document.createElement('div');
  div.style.cssText = `position:fixed;left:-100000px;top:0;width:${size.width}px;height:${size.height}px;pointer-events:none`;
  div.setAttribute('aria-hidden', 'true');
  document.body.appendChild(div);
  const chart = echarts.init(div, null, { renderer, width: size.width, height: size.height });
  try {
    // A file has no pointer: drop the tooltip, and never capture a half-animated frame.
    chart.setOption({ ...option, tooltip: { show: false }, animation: false });
    return use(chart);
  } finally {
    chart.dispose();
    div.remove();
  }
}

function renderPngDataUrl(option: EChartsOption, size: { width: number; height: number }): string {
  return withOffscreenChart('canvas', size, option, (chart) =>
    chart.getDataURL({ type: 'png', pixelRatio: PNG_PIXEL_RATIO, backgroundColor: '#fff' }),
  );
}

function renderSvgString(option: EChartsOption, size: { width: number; height: number }): string {
  return withOffscreenChart('svg', size, option, (chart) => chart.renderToSVGString());
}

/** data: URL → Blob without fetch() (the page's CSP allows connections to its own origin only). */
function dataUrlToBlob(url: string): Blob {
  const comma = url.indexOf(',');
  const mime = /^data:([^;,]+)/.exec(url)?.[1] ?? 'application/octet-stream';
  const bin = atob(url.slice(comma + 1));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type: mime });
}

export function exportFigure(
  option: EChartsOption,
  format: ExportFormat,
  filename: string,
  size: { width: number; height: number } = EXPORT_SIZE,
): void {
  if (format === 'png') downloadBlob(dataUrlToBlob(renderPngDataUrl(option, size)), filename);
  else downloadBlob(new Blob([renderSvgString(option, size)], { type: 'image/svg+xml' }), filename);
}
