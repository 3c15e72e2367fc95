// A compact checkpoint blob: "GSCK", u32 format version, u32 header length, a small JSON header (step, rng state and
// where each tensor lies), zero padding to a 4-byte boundary, then the data section: every tensor's little-endian
// Float32 bytes. Format 1 stores them raw; format 2 (written now) byte-shuffles the section (all first bytes of the
// floats, then all second bytes, …: exponent bytes sit together and compress) and deflates it. Both are lossless,
// so resuming stays exact; on trained weights and Adam slots the section shrinks to ~85%.
// JSON of a million floats would be ~10× larger and slow to parse.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { TensorBlob, TrainingState } from '../protocol/training-state';

const MAGIC = 'GSCK';
const FORMAT_RAW = 1;
const FORMAT_SHUFFLED_DEFLATE = 2;

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

/** Byte-shuffle of a float32 section: out[b·n + i] = in[4i + b]. */
function shuffle(raw: Uint8Array): Buffer {
  const n = raw.length / 4;
  const out = Buffer.allocUnsafe(raw.length);
  for (let b = 0; b < 4; b++) for (let i = 0, at = b * n; i < n; i++) out[at + i] = raw[i * 4 + b]!;
  return out;
}

function unshuffle(sh: Uint8Array): Buffer {
  const n = sh.length / 4;
  const out = Buffer.allocUnsafe(sh.length);
  for (let b = 0; b < 4; b++) for (let i = 0, at = b * n; i < n; i++) out[i * 4 + b] = sh[at + i]!;
  return out;
}

export interface EncodeOptions {
  /** false: format 1, the raw floats (faster, larger) */
  compress?: boolean;
}

export function encodeCheckpoint(state: TrainingState, opts: EncodeOptions = {}): Buffer {
  const compress = opts.compress ?? true;
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
  const raw = Buffer.alloc(offset * 4);
  let at = 0;
  for (const t of [...state.params, ...state.optimizer]) {
    const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    bytes.copy(raw, at);
    at += bytes.length;
  }
  const data = compress ? deflateRawSync(shuffle(raw), { level: 1 }) : raw;
  const out = Buffer.alloc(pre + pad + data.length);
  out.write(MAGIC, 0, 'ascii');
  out.writeUInt32LE(compress ? FORMAT_SHUFFLED_DEFLATE : FORMAT_RAW, 4);
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  data.copy(out, pre + pad);
  return out;
}

/** Whether a blob holds optimiser slots (what resuming needs), read from its header only. */
export function checkpointHasOptimizer(blob: Uint8Array): boolean {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== MAGIC) throw new Error('not a Grokscope checkpoint (bad magic)');
  const len = buf.readUInt32LE(8);
  const header = JSON.parse(buf.toString('utf8', 12, 12 + len)) as Header;
  return header.tensors.some((t) => t.group === 'optimizer');
}

export function decodeCheckpoint(blob: Uint8Array): TrainingState {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== MAGIC) throw new Error('not a Grokscope checkpoint (bad magic)');
  const format = buf.readUInt32LE(4);
  if (format !== FORMAT_RAW && format !== FORMAT_SHUFFLED_DEFLATE)
    throw new Error(`checkpoint format ${format} is not supported (expected ${FORMAT_RAW} or ${FORMAT_SHUFFLED_DEFLATE})`);
  const len = buf.readUInt32LE(8);
  if (12 + len > buf.length) throw new Error('checkpoint header is truncated');
  const header = JSON.parse(buf.toString('utf8', 12, 12 + len)) as Header;
  const pre = 12 + len;
  const dataStart = pre + ((4 - (pre % 4)) % 4);
  let section: Buffer = buf.subarray(dataStart);
  if (format === FORMAT_SHUFFLED_DEFLATE) {
    try {
      section = unshuffle(inflateRawSync(section));
    } catch (e) {
      throw new Error(`checkpoint data is truncated or corrupt (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  const state: TrainingState = { step: header.step, rng: header.rng, params: [], optimizer: [] };
  for (const t of header.tensors) {
    const start = t.offset * 4;
    const end = start + t.length * 4;
    if (end > section.length) throw new Error(`checkpoint tensor ${t.name} is truncated`);
    // Copy into a fresh, aligned buffer: the blob's offset need not be a multiple of 4.
    const data = new Float32Array(t.length);
    new Uint8Array(data.buffer).set(section.subarray(start, end));
    state[t.group].push({ name: t.name, shape: t.shape, data });
  }
  return state;
}
