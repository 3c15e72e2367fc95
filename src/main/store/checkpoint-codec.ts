// A compact checkpoint blob: "GSCK", u32 format version, u32 header length, a small JSON header (step, rng state and
// where each tensor lies), zero padding to a 4-byte boundary, then every tensor's raw little-endian Float32 bytes.
// JSON of a million floats would be ~10× larger and slow to parse; this is the size of the weights themselves.
import type { TensorBlob, TrainingState } from '../compute/protocol';

const MAGIC = 'GSCK';
const FORMAT = 1;

interface TensorEntry {
  group: 'params' | 'optimizer';
  name: string;
  shape: number[];
  /** offset in floats from the start of the data section */
  offset: number;
  length: number;
}

interface Header {
  step: number;
  rng: number[];
  tensors: TensorEntry[];
}

const IS_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeCheckpoint(state: TrainingState): Buffer {
  if (!IS_LE) throw new Error('checkpoints are stored little-endian; big-endian hosts are not supported');
  const tensors: TensorEntry[] = [];
  let offset = 0;
  const add = (group: TensorEntry['group'], t: TensorBlob) => {
    const expected = t.shape.reduce((a, b) => a * b, 1);
    if (expected !== t.data.length)
      throw new Error(`checkpoint tensor ${t.name}: shape [${t.shape.join(', ')}] needs ${expected} values, got ${t.data.length}`);
    tensors.push({ group, name: t.name, shape: t.shape, offset, length: t.data.length });
    offset += t.data.length;
  };
  for (const t of state.params) add('params', t);
  for (const t of state.optimizer) add('optimizer', t);
  const header: Header = { step: state.step, rng: state.rng, tensors };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const pre = 12 + json.length;
  const pad = (4 - (pre % 4)) % 4;
  const out = Buffer.alloc(pre + pad + offset * 4);
  out.write(MAGIC, 0, 'ascii');
  out.writeUInt32LE(FORMAT, 4);
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  let at = pre + pad;
  for (const t of [...state.params, ...state.optimizer]) {
    const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    bytes.copy(out, at);
    at += bytes.length;
  }
  return out;
}

export function decodeCheckpoint(blob: Uint8Array): TrainingState {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== MAGIC) throw new Error('not a Grokscope checkpoint (bad magic)');
  const format = buf.readUInt32LE(4);
  if (format !== FORMAT) throw new Error(`checkpoint format ${format} is not supported (expected ${FORMAT})`);
  const len = buf.readUInt32LE(8);
  if (12 + len > buf.length) throw new Error('checkpoint header is truncated');
  const header = JSON.parse(buf.toString('utf8', 12, 12 + len)) as Header;
  const pre = 12 + len;
  const dataStart = pre + ((4 - (pre % 4)) % 4);
  const state: TrainingState = { step: header.step, rng: header.rng, params: [], optimizer: [] };
  for (const t of header.tensors) {
    const start = dataStart + t.offset * 4;
    const end = start + t.length * 4;
    if (end > buf.length) throw new Error(`checkpoint tensor ${t.name} is truncated`);
    // Copy into a fresh, aligned buffer: the blob's offset need not be a multiple of 4.
    const data = new Float32Array(t.length);
    new Uint8Array(data.buffer).set(buf.subarray(start, end));
    state[t.group].push({ name: t.name, shape: t.shape, data });
  }
  return state;
}
