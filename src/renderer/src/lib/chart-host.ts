// A canvas ECharts instance on a host element that follows the element's size (every figure on the run page).
import * as echarts from 'echarts';

export function mountChart(host: HTMLElement): { chart: echarts.ECharts; dispose: () => void } {
  const chart = echarts.init(host, null, { renderer: 'canvas' });
  const ro = new ResizeObserver(() => chart.resize());
  ro.observe(host);
  return {
    chart,
    dispose: () => {
      ro.disconnect();
      chart.dispose();
    },
  };
}
