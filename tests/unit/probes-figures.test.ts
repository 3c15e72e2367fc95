// The Hessian and intrinsic-dimension figure builders: what they draw from a view, and that ECharts renders them.
import * as echarts from 'echarts';
import { describe, expect, it } from 'vitest';
import type { HessianView, IdView } from '../../src/shared/api/types';
import { buildHessianOption, hessianSeries } from '../../src/shared/figures/hessian';
import { buildIdOption, idSeries } from '../../src/shared/figures/intrinsic-dim';

const point = (step: number, lambdaMax: number, lambdaMin: number) => ({
  step,
  loss: 1,
  lambdaMax,
  lambdaMin,
  ratio: Math.abs(lambdaMin / lambdaMax),
  lambdaMinFrom: 'shifted-lm' as const,
  iterations: { max: 20, min: 20 },
  converged: { max: true, min: true },
  seconds: 1,
});
const hessian: HessianView = {
  runId: 3,
  hvp: 'exact',
  dim: 100,
  excludeOneDim: false,
  excluded: [],
  tol: 1e-2,
  maxIter: 30,
  points: [point(0, 2, -0.5), point(100, 800, -40), point(200, 3, -0.1), point(300, 0, 0)],
  thinnedFrom: 4,
};
const id: IdView = {
  runId: 3,
  layers: ['embed', 'logits'],
  maxPoints: 100,
  thinnedFrom: 2,
  points: [0, 50].map((step) => ({
    step,
    layers: (['train', 'val'] as const).flatMap((split) =>
      ['embed', 'logits'].map((layer) => ({ layer, split, twoNN: step / 10 + (layer === 'embed' ? 2 : 5), mle: 7, n: 50, ambient: 8 })),
    ),
  })),
};

const render = (option: echarts.EChartsOption) => {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 800, height: 500 });
  chart.setOption(option);
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
};

describe('Hessian figure', () => {
  it('λmax on a log axis (non-positive values left out, the slingshot spike kept), λmin linear', () => {
    const s = hessianSeries(hessian);
    expect(s.max).toEqual([
      [0, 2],
      [100, 800],
      [200, 3],
    ]);
    expect(s.min.map((p) => p[1])).toEqual([-0.5, -40, -0.1, 0]);
    const o = buildHessianOption(hessian, { title: 't' });
    expect((o.yAxis as { type: string }[]).map((a) => a.type)).toEqual(['log', 'value']);
    expect(render(o)).toContain('λmax');
  });
});

describe('intrinsic-dimension figure', () => {
  it('one series per layer and split, in order, for the chosen estimator; validation dashed', () => {
    const s = idSeries(id);
    expect(s.map((x) => x.name)).toEqual(['embed (train)', 'logits (train)', 'embed (val)', 'logits (val)']);
    expect(s[1]!.data).toEqual([
      [0, 5],
      [50, 10],
    ]);
    expect(idSeries(id, 'mle')[0]!.data).toEqual([
      [0, 7],
      [50, 7],
    ]);
    const o = buildIdOption(id, { estimator: 'mle' });
    const series = o.series as { lineStyle: { type: string } }[];
    expect(series.map((x) => x.lineStyle.type)).toEqual(['solid', 'solid', 'dashed', 'dashed']);
    expect(render(o)).toContain('MLE, k = 2');
  });
});
