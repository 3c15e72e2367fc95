// Makes the installers' icons from resources/icon.png (512×512): resources/icon.ico (Windows: PNG entries of
// 16–256 px) and resources/icon.icns (macOS: PNG entries ic07–ic14). Resizing is done by resvg (a dependency
// already), drawing the PNG as an <image> at each size; ICO and ICNS are written by hand (both are small containers
// of PNG data). Run: npx tsx scripts/make-icons.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';

const RES = fileURLToPath(new URL('../resources/', import.meta.url));
const source = readFileSync(`${RES}icon.png`);
const srcSize = source.readUInt32BE(16);

function pngAt(size: number): Buffer {
  if (size === srcSize) return source;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${srcSize}" height="${srcSize}">
<image width="${srcSize}" height="${srcSize}" xlink:href="data:image/png;base64,${source.toString('base64')}"/></svg>`;
  return new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();
}

/** ICO: a directory of PNG images (supported since Windows Vista); 256 is written as 0 in the one-byte size fields. */
function ico(sizes: number[]): Buffer {
  const images = sizes.map(pngAt);
  const header = Buffer.alloc(6 + 16 * sizes.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(sizes.length, 4);
  let offset = header.length;
  sizes.forEach((size, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, e);
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt8(0, e + 2); // no palette
    header.writeUInt8(0, e + 3);
    header.writeUInt16LE(1, e + 4); // colour planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(images[i]!.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += images[i]!.length;
  });
  return Buffer.concat([header, ...images]);
}

/** ICNS: 'icns', total length, then (type, length incl. its 8-byte header, PNG data) per entry. */
function icns(entries: [string, number][]): Buffer {
  const parts = entries.map(([type, size]) => {
    const data = pngAt(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

writeFileSync(`${RES}icon.ico`, ico([16, 24, 32, 48, 64, 128, 256]));
// ic11..ic14 are the @2x (Retina) variants of 16, 32, 128 and 256; ic10 would be 1024 (512@2x), above our source size
writeFileSync(
  `${RES}icon.icns`,
  icns([
    ['ic11', 32],
    ['ic12', 64],
    ['ic07', 128],
    ['ic13', 256],
    ['ic08', 256],
    ['ic14', 512],
    ['ic09', 512],
  ]),
);
console.log(`wrote ${RES}icon.ico and ${RES}icon.icns from a ${srcSize}×${srcSize} icon.png`);
