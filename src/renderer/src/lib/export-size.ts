// Exported figures have one size wherever they come from: the CLI's default (800×500 CSS pixels, PNG at 2×,
// src/main/services/figure-export.ts), so a figure exported from the UI and from `grokscope export` match, and the
// builder's font sizes (chosen for 800×500) read the same in both. The on-screen charts keep the same 8:5 shape.
export const EXPORT_SIZE = { width: 800, height: 500 } as const;
export const PNG_PIXEL_RATIO = 2;
