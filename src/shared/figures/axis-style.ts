// The axis look every figure shares (titles in the middle, ticks, grid lines), in a palette's colours, so figures
// drawn next to each other or put in one paper match.
/** The colours every figure's frame shares, light and dark; each figure adds those of its own series. */
export const FRAME_PALETTE = {
  light: { background: '#ffffff', text: '#222222', axis: '#555555', split: '#e4e4e4' },
  dark: { background: '#1b1d23', text: '#e2e2e2', axis: '#a0a0a0', split: '#363a44' },
} as const;

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

/** A figure's title, centred above the plot, or nothing. */
export const titled = (title: string | undefined, color: string) =>
  title ? { title: { text: title, left: 'center', top: 8, textStyle: { fontSize: 15, color } } } : {};

/** Perceptually uniform and readable in greyscale, for every colour scale. */
export const VIRIDIS = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];

/** The vertical colour bar at the right of a heatmap, from lo to hi (a flat map still gets a bar). */
export function colourBar(lo: number, hi: number, text: [string, string], pal: { text: string }) {
  return {
    min: lo,
    max: hi === lo ? lo + 1 : hi,
    calculable: false,
    orient: 'vertical' as const,
    right: 8,
    top: 'middle',
    itemHeight: 160,
    text,
    textStyle: { color: pal.text, fontSize: 12 },
    inRange: { color: VIRIDIS },
  };
}

/** The frame every line figure shares: background, no animation, the title, an axis tooltip and the legend under it. */
export function lineFrame(pal: { background: string; text: string }, title: string | undefined) {
  return {
    backgroundColor: pal.background,
    animation: false,
    ...titled(title, pal.text),
    tooltip: { trigger: 'axis' as const },
    legend: { top: title ? 30 : 2, textStyle: { color: pal.text, fontSize: 12 } },
  };
}

/** The frame every grid figure (heatmap, contour map) shares: background, no animation, the title, an item tooltip, and
 *  room on the right for the colour bar. */
export function gridFrame(pal: { background: string; text: string }, title: string | undefined) {
  return {
    backgroundColor: pal.background,
    animation: false,
    ...titled(title, pal.text),
    tooltip: { trigger: 'item' as const },
    grid: { left: 80, right: 140, top: title ? 48 : 20, bottom: 58 },
  };
}
