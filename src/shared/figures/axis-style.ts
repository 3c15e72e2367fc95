// The axis look every figure shares (titles in the middle, ticks, grid lines), in a palette's colours, so figures
// drawn next to each other or put in one paper match.
export interface AxisPalette {
  text: string;
  axis: string;
  split: string;
}

export function axisStyle(pal: AxisPalette, font: { name: number; label: number } = { name: 14, label: 12 }) {
  return {
    nameLocation: 'middle' as const,
    nameTextStyle: { fontSize: font.name, color: pal.text },
    // onZero false: an axis line at the plot's edge even when the other axis crosses zero (eigenvalues, PCA)
    axisLine: { show: true, onZero: false, lineStyle: { color: pal.axis } },
    axisTick: { show: true, lineStyle: { color: pal.axis } },
    axisLabel: { fontSize: font.label, color: pal.text, hideOverlap: true },
    splitLine: { show: true, lineStyle: { color: pal.split } },
  };
}
