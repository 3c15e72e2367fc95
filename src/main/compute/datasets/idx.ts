// The IDX format of MNIST and Fashion-MNIST (yann.lecun.com/exdb/mnist): a 4-byte magic [0, 0, type, rank], rank
// big-endian uint32 dimensions, then the data, big-endian, row-major. A file that is short, long, or whose header
// does not match what it is used for gets an error naming the file and what is wrong.
import { readFileSync } from 'node:fs';

export class DatasetError extends Error {}

const TYPES = {
  0x08: { name: 'unsigned byte', size: 1 },
  0x09: { name: 'signed byte', size: 1 },
  0x0b: { name: 'short', size: 2 },
  0x0c: { name: 'int', size: 4 },
  0x0d: { name: 'float', size: 4 },
  0x0e: { name: 'double', size: 8 },
} as const;
type TypeCode = keyof typeof TYPES;

export interface IdxArray {
  /** IDX type name, e.g. 'unsigned byte' */
  type: string;
  dims: number[];
  /** the values as float64 (exact for every IDX type) */
  data: Float64Array | Uint8Array;
}

/** Parses IDX bytes; `file` names the source in errors. Unsigned-byte data comes back as a Uint8Array view. */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) throw new DatasetError(`${file}: ${bytes.length} bytes, too short for an IDX header (4-byte magic number)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const gz = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (it is gzip-compressed: gunzip it first)' : '';
    throw new DatasetError(`${file}: not an IDX file: the magic number must start with two zero bytes${gz}`);
  }
  const code = bytes[2]!;
  const type = TYPES[code as TypeCode];
  if (!type) throw new DatasetError(`${file}: unknown IDX data type 0x${code.toString(16).padStart(2, '0')} in the magic number`);
  const rank = bytes[3]!;
  if (rank < 1) throw new DatasetError(`${file}: IDX rank 0 (no dimensions)`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes)
    throw new DatasetError(`${file}: truncated header: ${rank} dimensions need ${headerBytes} bytes, the file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.size;
  if (bytes.length < expected) {
    throw new DatasetError(
      `${file}: truncated: dimensions ${dims.join('×')} of ${type.name} need ${expected} bytes, the file has ${bytes.length} ` +
        `(${Math.floor((bytes.length - headerBytes) / type.size)} of ${count} values)`,
    );
  }
  if (bytes.length > expected)
    throw new DatasetError(`${file}: ${bytes.length - expected} bytes after the ${dims.join('×')} values the header declares`);
  if (code === 0x08) return { type: type.name, dims, data: bytes.subarray(headerBytes, expected) };
  const data = new Float64Array(count);
  for (let i = 0, at = headerBytes; i < count; i++, at += type.size) {
    switch (code as TypeCode) {
      case 0x09:
        data[i] = view.getInt8(at);
        break;
      case 0x0b:
        data[i] = view.getInt16(at, false);
        break;
      case 0x0c:
        data[i] = view.getInt32(at, false);
        break;
      case 0x0d:
        data[i] = view.getFloat32(at, false);
        break;
      case 0x0e:
        data[i] = view.getFloat64(at, false);
        break;
    }
  }
  return { type: type.name, dims, data };
}

export function readIdx(file: string): IdxArray {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DatasetError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${(e as Error).message})`);
  }
  return parseIdx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
}

export interface LabelledImages {
  /** n images of rows × cols pixels, scaled to [0, 1] */
  images: Float32Array;
  labels: Uint8Array;
  n: number;
  rows: number;
  cols: number;
  classes: number;
}

/**
 * An images file (rank 3, unsigned bytes) and its labels file (rank 1, unsigned bytes, same count, values below
 * `classes`), as MNIST and Fashion-MNIST ship them. A swapped, mismatched or corrupt pair is refused by name.
 */
export function readImagePair(imagesFile: string, labelsFile: string, classes = 10): LabelledImages {
  const img = readIdx(imagesFile);
  const lab = readIdx(labelsFile);
  if (img.dims.length !== 3) {
    const hint = img.dims.length === 1 ? ' (it looks like a labels file: are the two files swapped?)' : '';
    throw new DatasetError(
      `${imagesFile}: an images file must have 3 dimensions (count × rows × cols), this one has ${img.dims.length}${hint}`,
    );
  }
  if (lab.dims.length !== 1) {
    const hint = lab.dims.length === 3 ? ' (it looks like an images file: are the two files swapped?)' : '';
    throw new DatasetError(`${labelsFile}: a labels file must have 1 dimension, this one has ${lab.dims.length}${hint}`);
  }
  if (img.type !== 'unsigned byte') throw new DatasetError(`${imagesFile}: pixels must be unsigned bytes, found ${img.type}`);
  if (lab.type !== 'unsigned byte') throw new DatasetError(`${labelsFile}: labels must be unsigned bytes, found ${lab.type}`);
  const [n, rows, cols] = img.dims as [number, number, number];
  if (lab.dims[0] !== n) throw new DatasetError(`${labelsFile}: ${lab.dims[0]} labels for the ${n} images of ${imagesFile}`);
  const labels = lab.data as Uint8Array;
  for (let i = 0; i < n; i++) {
    if (labels[i]! >= classes) throw new DatasetError(`${labelsFile}: label ${labels[i]} of image ${i} is not a class 0..${classes - 1}`);
  }
  const pixels = img.data as Uint8Array;
  const images = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) images[i] = pixels[i]! / 255;
  return { images, labels: Uint8Array.from(labels), n, rows, cols, classes };
}
