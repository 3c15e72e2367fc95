// The spectral figure: the filtered window on top, the spectrum below without the bins the high-pass zeroed, and
// the removed and low-band regions marked at the signature's own bin edges; it renders to SVG.
import { describe, expect, it } from 'vitest';
import type { LineSeriesOption } from 'echarts';
import { spectralSignature } from '../../src/shared/analysis/spectral';
import { buildSpectralOption } from '../../src/shared/figures/spectral';
import { renderSvg } from '../../src/main/services/figure-export';

const loss = Array.from({ length: 400 }, (_, n) => 2 * Math.exp(-n / 200) + 0.05 * Math.sin((2 * Math.PI * n) / 20));
const signature = spectralSignature(loss);
const view = { runId: 3, params: { window: 400, cutoff: 0.05, bandHigh: 0.2, detrend: true }, signature };

describe('spectral figure', () => {
  it('draws the filtered window and the kept part of the spectrum with the band edges of the signature', () => {
    const o = buildSpectralOption(view);
    const [signal, spectrum] = o.series as LineSeriesOption[];
    expect((signal!.data as number[][]).length).toBe(400);
    expect((signal!.data as number[][])[0]).toEqual([1, signature.detrended[0]]);
    const freqs = (spectrum!.data as number[][]).map((p) => p[0]!);
    expect(Math.min(...freqs)).toBeCloseTo(signature.freqs[signature.cutoffBin]!, 12);
    // the period-20 oscillation is the spectrum's peak: 0.05 cycles per update
    const peak = (spectrum!.data as number[][]).reduce((a, b) => (b[1]! > a[1]! ? b : a));
    expect(peak[0]).toBeCloseTo(0.05, 12);
    const areas = spectrum!.markArea!.data as unknown as [{ xAxis: number; name: string }, { xAxis: number }][];
    expect(areas.map((a) => a[0].name)).toEqual(['removed', 'low band']);
    expect(areas[1]![1].xAxis).toBeCloseTo(signature.freqs[signature.bandHighBin]!, 12);
  });

  it('renders to a parsable SVG with both axis titles', () => {
    const svg = renderSvg(buildSpectralOption(view, { title: 'run 3' }), { width: 800, height: 500 });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('frequency (cycles per update)');
    expect(svg).toContain('filtered loss');
  });
});
