// Draws the app icon, resources/icon.png (512×512, what electron-builder converts for every platform): the
// grokking picture itself, training accuracy rising early and validation accuracy rising long after, on a log axis.
// Run with `npx tsx scripts/gen-icon.ts`; the PNG is committed.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';

const SIZE = 512;
const OUT = fileURLToPath(new URL('../resources/icon.png', import.meta.url));

/** A logistic rise in log10(step), as accuracy curves look on a log axis. */
const rise = (x: number, mid: number, width: number) => 1 / (1 + Math.exp(-(x - mid) / width));

function curve(mid: number, width: number, floor: number): string {
  const [x0, x1, y0, y1] = [84, 428, 404, 120];
  const points: string[] = [];
  for (let i = 0; i <= 120; i++) {
    const t = i / 120; // position on the log-step axis, 0..1
    const acc = floor + (1 - floor) * rise(t, mid, width);
    points.push(`${(x0 + t * (x1 - x0)).toFixed(1)},${(y0 - acc * (y0 - y1)).toFixed(1)}`);
  }
  return `M${points.join(' L')}`;
}

function iconSvg(): string {
  const grid = [0.25, 0.5, 0.75]
    .map((f) => `<line x1="84" x2="428" y1="${404 - f * 284}" y2="${404 - f * 284}" stroke="#2c3340" stroke-width="4"/>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">
  <defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#1b2030"/><stop offset="1" stop-color="#0e1118"/></linearGradient></defs>
  <rect x="16" y="16" width="480" height="480" rx="96" fill="url(#bg)"/>
  ${grid}
  <path d="M84 104 V404 H428" fill="none" stroke="#59647a" stroke-width="10" stroke-linecap="round" stroke-linejoin="round"/>
  <path d="${curve(0.16, 0.045, 0.02)}" fill="none" stroke="#f28e2b" stroke-width="18" stroke-linecap="round" stroke-linejoin="round"/>
  <path d="${curve(0.74, 0.05, 0.04)}" fill="none" stroke="#4e9bff" stroke-width="18" stroke-linecap="round" stroke-linejoin="round"/>
</svg>`;
}

const png = new Resvg(iconSvg(), { fitTo: { mode: 'width', value: SIZE } }).render().asPng();
writeFileSync(OUT, png);
process.stderr.write(`wrote ${OUT} (${png.length} bytes)\n`);
