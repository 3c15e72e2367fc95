// Bad input everywhere, generated: a seeded generator makes malformed run configs (unknown keys, wrong types,
// out-of-range values, NaN and infinities, huge arrays, non-objects, broken JSON/YAML text, YAML alias bombs) and
// malformed API payloads (unknown methods, wrong parameter shapes, absent ids, oversized values). Each goes through
// the same dispatcher IPC uses, and a share of them through the WebSocket of `grokscope serve`, against a back end on
// a database that holds a finished run. Every one must be rejected with a message; no compute process may start; the
// database's content hash must not change. IDX dataset bytes get the same treatment against the IDX parser, and
// config text nested far too deep or holding control characters must be refused or parsed, never crash the process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { stringify as toYaml } from 'yaml';
import { dispatch, type DispatchResult } from '../../src/shared/api/dispatch';
import { METHOD_NAMES, methodInputs } from '../../src/shared/api/contract';
import { seededRandom, type SeededRandom } from '../../src/shared/analysis/rng';
import { RunConfigSchema } from '../../src/shared/config/run-config';
import { MAX_CONFIG_CHARS, MAX_CONFIG_DEPTH } from '../../src/shared/config/limits';
import { parseConfigText, parseSweepText } from '../../src/shared/config/parse';
import { createBackend, type LocalBackend } from '../../src/main/services/create-backend';
import type { ComputeLauncher } from '../../src/main/host/types';
import { startServer, type RunningServer } from '../../src/main/server/index';
import { DatasetError, parseIdx } from '../../src/main/compute/datasets/idx';
import { contentHash } from '../../src/main/store/backup';
import { tempDir, tinyConfig } from '../integration/backend-helpers';

const tmp = tempDir('fuzz');
let backend: LocalBackend;
let server: RunningServer;
let launches = 0;
const noCompute: ComputeLauncher = {
  launch() {
    launches++;
    throw new Error('fuzz: a malformed input reached the compute host');
  },
};

beforeAll(async () => {
  backend = createBackend({ dbPath: tmp.file('fuzz.db'), launcher: noCompute });
  // a finished run with metrics, a checkpoint and an analysis, written straight through the store
  const { store } = backend;
  const id = store.runs.insert({ name: 'stored', config: tinyConfig(), createdAt: '2026-01-01T00:00:00Z', owner: { host: 'h', pid: 1 } });
  store.metrics.insertBatch(
    id,
    Array.from({ length: 31 }, (_, i) => ['val_acc', i * 10, i / 30] as [string, number, number]),
  );
  store.checkpoints.save(
    id,
    { step: 300, params: [{ name: 'w', shape: [2], data: new Float32Array([1, 2]) }], optimizer: [], rng: [1, 2] } as never,
    '2026-01-01T00:01:00Z',
  );
  store.analyses.save(id, 'spectral', { window: 8 }, { energy: 1 }, '2026-01-01T00:02:00Z');
  store.runs.setStatus(id, 'completed', { finishedAt: '2026-01-01T00:01:00Z', step: 300 });
  server = await startServer({ backend, port: 0 });
});
afterAll(async () => {
  await server.close();
  await backend.close();
  tmp.cleanup();
});

// ---------------------------------------------------------------- generators

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const VALID = JSON.parse(JSON.stringify(tinyConfig())) as { [k: string]: Json };

const pick = <T>(r: SeededRandom, xs: readonly T[]): T => xs[r.int(xs.length)]!;
const clone = <T>(v: T): T => structuredClone(v);

/** Paths to every node of a JSON value: [] is the root. */
function nodes(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (v !== null && typeof v === 'object') for (const [k, c] of Object.entries(v)) nodes(c, [...at, Array.isArray(v) ? Number(k) : k], out);
  return out;
}
const getAt = (v: Json, p: (string | number)[]): Json => p.reduce<Json>((o, k) => (o as Record<string, Json>)[k]!, v);
function setAt(v: Json, p: (string | number)[], x: unknown): void {
  const parent = getAt(v, p.slice(0, -1)) as Record<string | number, unknown>;
  parent[p.at(-1)!] = x;
}

/** Values out of range or of the wrong kind for one field, each invalid whatever the rest says. */
const OUT_OF_RANGE: [string, unknown[]][] = [
  ['seed', [-1, 1.5, 2 ** 53, 'one']],
  ['backend', ['cuda', '', 'WASM']],
  ['task.kind', ['modulo', '', 7]],
  ['task.op', ['pow', 'x^y', '']],
  ['task.p', [1, 0, -7, 1.5, 1e12]],
  ['task.trainFraction', [0, -0.1, 1.5]],
  ['model.kind', ['cnn', '']],
  ['model.width', [0, -3, 2.5, 1e9]],
  ['model.depth', [-1, 0.5]],
  ['optimizer.kind', ['adamz', 'sgd ']],
  ['optimizer.lr', [0, -1, 1e6]],
  ['optimizer.beta1', [1, -0.1, 2]],
  ['training.steps', [0, -5, 1.5, 1e15]],
  ['training.evalEvery', [0, -1]],
  ['training.batchSize', [0, -1, 'half', 2.5]],
  ['init.scale', [-1, 0]],
  ['loss', ['l1', '']],
];

/** Something no field of a run config accepts: an object with an unknown key, a huge array, a non-JSON number. */
const ALIEN: ((r: SeededRandom) => unknown)[] = [
  (r) => ({ [`fuzz_${r.int(1000)}`]: r.next() }),
  () => new Array(100_000).fill(1),
  () => [[[[[]]]]],
  () => NaN,
  () => Infinity,
  () => -Infinity,
];

/** A malformed run config object, and what made it so. */
function badConfig(r: SeededRandom): { value: unknown; how: string } {
  const c = clone(VALID) as Json;
  const kind = r.int(7);
  const all = nodes(c);
  if (kind === 0) {
    const objs = all.filter((p) => {
      const v = getAt(c, p);
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    });
    const p = pick(r, objs);
    (getAt(c, p) as Record<string, Json>)[pick(r, ['fuzz', '__proto__x', 'Lr', 'step', '', ' task'])] = r.int(10);
    return { value: c, how: `unknown key under ${p.join('.') || '(root)'}` };
  }
  if (kind === 1) {
    const leaves = all.filter((p) => p.length > 0);
    const p = pick(r, leaves);
    const was = getAt(c, p);
    // a type that differs from the field's own (the batchSize union takes numbers and 'full': give it neither)
    const alt: unknown[] =
      typeof was === 'number'
        ? ['12', true, null, [1]]
        : typeof was === 'boolean'
          ? ['true', 0, 1, null]
          : typeof was === 'string'
            ? [true, null, [was], { v: was }]
            : [7, 'x', true];
    setAt(c, p, pick(r, alt));
    return { value: c, how: `wrong type at ${p.join('.')}` };
  }
  if (kind === 2) {
    const [path, values] = pick(r, OUT_OF_RANGE);
    setAt(c, path.split('.'), pick(r, values));
    return { value: c, how: `out of range at ${path}` };
  }
  if (kind === 3) {
    const p = pick(
      r,
      all.filter((q) => q.length > 0),
    );
    setAt(c, p, pick(r, ALIEN)(r));
    return { value: c, how: `alien value at ${p.join('.')}` };
  }
  if (kind === 4) {
    const section = pick(r, ['task', 'model', 'optimizer', 'training']);
    const obj = (c as Record<string, Json>)[section] as Record<string, Json>;
    // the discriminator of a section, or the task's modulus, is required
    const key = section === 'task' ? pick(r, ['kind', 'p']) : section === 'model' || section === 'optimizer' ? 'kind' : 'steps';
    if (section === 'optimizer' || section === 'training') {
      obj[key] = pick(r, [null, '', -1]);
      return { value: c, how: `null/empty ${section}.${key}` };
    }
    delete obj[key];
    return { value: c, how: `missing ${section}.${key}` };
  }
  if (kind === 5) return { value: pick(r, [null, 42, 'config', [], [VALID], true]), how: 'not an object' };
  // several mutations at once
  const a = badConfig(r);
  return { value: a.value, how: `${a.how} (+ more)` };
}

/** Config file text that must not parse into a valid run config. */
function badText(r: SeededRandom): { name: string; text: string; how: string } {
  const { value, how } = badConfig(r);
  const kind = r.int(6);
  if (kind === 0) return { name: 'c.json', text: JSON.stringify(value, null, 2) ?? 'undefined', how: `JSON: ${how}` };
  if (kind === 1) return { name: 'c.yaml', text: toYaml(value), how: `YAML: ${how}` };
  const good = JSON.stringify(VALID, null, 2);
  if (kind === 2) return { name: 'c.json', text: good.slice(0, 1 + r.int(good.length - 2)), how: 'truncated JSON' };
  if (kind === 3) {
    const bytes = [...good];
    for (let i = 0; i < 1 + r.int(4); i++) bytes[r.int(bytes.length)] = pick(r, ['{', '}', '"', ',', ':', '\u0000', '\ufffd']);
    const text = bytes.join('');
    try {
      JSON.parse(text);
      return { name: 'c.json', text: '{', how: 'garbled JSON (fell back)' };
    } catch {
      return { name: 'c.json', text, how: 'garbled JSON' };
    }
  }
  if (kind === 4) {
    // the "billion laughs": nested YAML aliases that expand exponentially
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    return { name: 'bomb.yaml', text: lines.join('\n'), how: 'YAML alias bomb' };
  }
  return {
    name: pick(r, ['c.yaml', 'c.json']),
    text: pick(r, ['', '   ', '---\n...', 'null', '[]', '\u0000\u0001', '{"task": {"kind": "modular", "p": 11}, "model": ']),
    how: 'degenerate text',
  };
}

/** A malformed API request: [method, params]. */
function badRequest(r: SeededRandom): { method: unknown; params: unknown; how: string } {
  const kind = r.int(6);
  const absent = 1_000_000 + r.int(1000); // no run or sweep has such an id
  if (kind === 0) {
    const method = pick(r, [
      'runs.drop',
      'RUNS.LIST',
      'runs.get ',
      '',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'runs',
      'app.info.x',
      'x'.repeat(10_000),
      42,
      null,
      ['runs.get'],
      { m: 1 },
    ]);
    return { method, params: { id: 1 }, how: `unknown method ${JSON.stringify(method)?.slice(0, 40)}` };
  }
  // a method that needs something in its parameters
  const withFields = METHOD_NAMES.filter((m) => !['app.info', 'runs.list', 'sweeps.list'].includes(m));
  const method = pick(r, withFields);
  if (kind === 1)
    return {
      method,
      params: pick(r, [
        42,
        'id',
        [1],
        true,
        { id: '1' },
        { id: -1 },
        { id: 0 },
        { id: 1.5 },
        { id: null },
        { id: NaN },
        { id: Infinity },
        { id: [1] },
      ]),
      how: `${method}: bad params`,
    };
  if (kind === 2) return { method, params: { id: absent, [`extra_${r.int(99)}`]: 1 }, how: `${method}: unknown key` };
  if (kind === 3) {
    // schema-valid shapes on ids that do not exist: not_found, never a change
    const shape: Record<string, unknown> = { id: absent };
    if (method === 'runs.create') return { method, params: { config: badConfig(r).value }, how: 'runs.create: bad config' };
    if (method === 'runs.createFromFile' || method === 'config.validate' || method === 'sweeps.createFromFile') {
      const t = badText(r);
      return { method, params: { name: t.name, text: t.text }, how: `${method}: ${t.how}` };
    }
    if (method === 'analysis.landscapeGet') shape['key'] = 'nope';
    return { method, params: shape, how: `${method}: absent id` };
  }
  if (kind === 4) {
    // huge values
    const huge = pick(r, [
      { id: absent, names: Array.from({ length: 100_000 }, (_, i) => `m${i}`) },
      { id: absent, steps: new Array(200_000).fill(0) },
      { id: absent, runs: new Array(50_000).fill(1) },
      { name: 'x.json', text: 'x'.repeat(1_100_000) },
      { id: absent, maxPoints: 1e9 },
      { id: 2 ** 60 },
    ]);
    return {
      method: pick(r, ['runs.metrics', 'analysis.hessian', 'sweeps.continue', 'runs.createFromFile', 'runs.get']),
      params: huge,
      how: 'huge value',
    };
  }
  // deep nesting
  let deep: unknown = { id: absent };
  for (let i = 0; i < 2000; i++) deep = { id: deep };
  return { method, params: deep, how: `${method}: deeply nested` };
}

// ---------------------------------------------------------------- checks

/** config.validate answers (ok) with a report; for bad text the report says invalid and lists problems. */
function expectInvalidReport(res: DispatchResult, how: string): void {
  if (!res.ok) throw new Error(`config.validate failed instead of reporting: ${how}: ${res.error.message}`);
  const report = res.result as { ok: boolean; problems: { message: string }[] };
  expect(report.ok, how).toBe(false);
  expect(report.problems.length, how).toBeGreaterThan(0);
  expect(report.problems[0]!.message.length, how).toBeGreaterThan(5);
}

const CODES = ['invalid_input', 'not_found', 'unknown_method', 'conflict'];
function expectRejected(res: DispatchResult, how: string, method?: unknown): string {
  if (method === 'config.validate' && res.ok) {
    expectInvalidReport(res, how);
    return 'reported';
  }
  // Cancelling the probes or landscapes of a run that has none is a no-op that says so (idempotent, like a cancel
  // racing a probe's end), not an error.
  if ((method === 'analysis.cancelProbes' || method === 'analysis.cancelLandscape') && res.ok) {
    expect(res.result, how).toEqual({ ok: true, cancelled: false });
    return 'no-op';
  }
  if (res.ok) throw new Error(`accepted: ${how}`);
  expect(CODES, how).toContain(res.error.code);
  expect(res.error.message.length, how).toBeGreaterThan(5);
  return res.error.code;
}

describe('fuzzing the API with malformed configs and payloads', () => {
  it('rejects 1,200 malformed run configs (object and file text) with a located message; nothing stored changes', async () => {
    const before = contentHash(backend.store.db);
    const r = seededRandom(9001);
    const codes = new Map<string, number>();
    let located = 0;
    for (let i = 0; i < 1200; i++) {
      let res: DispatchResult;
      let how: string;
      if (i % 2 === 0) {
        const c = badConfig(r);
        how = c.how;
        // the generator's own check: each case must be invalid by the schema (else the generator is wrong)
        expect(RunConfigSchema.safeParse(c.value).success, how).toBe(false);
        res = await dispatch(backend.handlers, 'runs.create', { config: c.value });
        if (!res.ok && res.error.problems?.some((p) => p.path !== '' || p.message.length > 0)) located++;
      } else {
        const t = badText(r);
        how = t.how;
        res = await dispatch(backend.handlers, 'runs.createFromFile', { name: t.name, text: t.text });
        if (!res.ok && /c\.(json|yaml)|bomb\.yaml/.test(res.error.message)) located++;
        expectInvalidReport(await dispatch(backend.handlers, 'config.validate', { name: t.name, text: t.text }), how);
      }
      const code = expectRejected(res, how);
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect(launches).toBe(0);
    expect(contentHash(backend.store.db)).toBe(before);
    expect(codes.get('invalid_input')).toBe(1200);
    expect(located).toBe(1200);
    console.log(
      `fuzz configs: 1200 rejected (${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')}), 600 config.validate reports invalid, 0 compute launches, DB hash unchanged`,
    );
  }, 60_000);

  it('rejects 1,200 malformed API requests with a message; nothing stored changes', async () => {
    const before = contentHash(backend.store.db);
    const r = seededRandom(4242);
    const codes = new Map<string, number>();
    for (let i = 0; i < 1200; i++) {
      const q = badRequest(r);
      const code = expectRejected(await dispatch(backend.handlers, q.method, q.params), q.how, q.method);
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect(launches).toBe(0);
    expect(contentHash(backend.store.db)).toBe(before);
    console.log(`fuzz API requests: 1200 (${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')}), 0 compute launches, DB hash unchanged`);
    // every kind of rejection occurred
    expect([...codes.keys()].sort()).toEqual(['invalid_input', 'no-op', 'not_found', 'reported', 'unknown_method']);
    expect(METHOD_NAMES.length).toBe(Object.keys(methodInputs).length);
  }, 60_000);

  it('the WebSocket answers 300 malformed requests and bad frames with errors, and refuses a missing or wrong token', async () => {
    const before = contentHash(backend.store.db);
    const u = new URL(server.url);
    const refused = async (query: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://${u.host}/api${query}`);
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => reject(new Error(`opened with ${query}`)));
        ws.once('error', () => undefined);
      });
    expect(await refused('')).toBe(401);
    expect(await refused('?token=')).toBe(401);
    // a wrong token: the real one with its last character changed (to 'x', or 'y' when it already ends in 'x')
    const last = server.token.endsWith('x') ? 'y' : 'x';
    expect(await refused(`?token=${server.token.slice(0, -1)}${last}`)).toBe(401);

    const ws = new WebSocket(`ws://${u.host}/api?token=${server.token}`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const replies = new Map<unknown, { ok: boolean; error?: { code: string; message: string } }>();
    const anonymous: { ok: boolean; error: { message: string } }[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { id: unknown; ok: boolean; error: { code: string; message: string }; event?: string };
      if (m.event) return;
      if (m.id === null) anonymous.push(m);
      else replies.set(m.id, m);
    });
    const r = seededRandom(77);
    const sent: unknown[] = [];
    for (let i = 0; i < 300; i++) {
      const q = badRequest(r);
      sent.push(q.method);
      // NaN and Infinity become null in JSON; still invalid for every field that takes them
      ws.send(JSON.stringify({ id: i, method: q.method, params: q.params }));
    }
    const frames = [
      'not json',
      '[]',
      '42',
      'null',
      '{"method": "runs.get"}',
      '{"id": {"x": 1}, "method": "runs.get"}',
      '{"id": 1e999, "method": "app.info"}',
      `{"id": "${'x'.repeat(200)}", "method": "app.info"}`,
      '{"id": 5000, "method": 7}',
    ];
    for (const f of frames) ws.send(f);
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    for (let i = 0; i < 300 && (replies.size < 301 || anonymous.length < 9); i++) await new Promise((res) => setTimeout(res, 20));
    for (let i = 0; i < 300; i++) {
      const m = replies.get(i);
      expect(m, `reply ${i}`).toBeDefined();
      expectRejected(m as DispatchResult, `ws request ${i}`, sent[i]);
    }
    expect(replies.get(5000)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(anonymous.length).toBe(9); // 8 envelopes without a usable id, and the binary frame
    for (const a of anonymous) expect(a.ok).toBe(false);

    // a frame over the payload limit closes that connection (1009); the server lives on
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(JSON.stringify({ id: 'big', method: 'runs.get', params: { id: 1, pad: 'x'.repeat(3 * 1024 * 1024) } }));
    expect(await closed).toBe(1009);
    const again = new WebSocket(`ws://${u.host}/api?token=${server.token}`);
    await new Promise((resolve, reject) => again.once('open', resolve).once('error', reject));
    again.send(JSON.stringify({ id: 1, method: 'runs.list', params: {} }));
    const list = JSON.parse(String(await new Promise((resolve) => again.once('message', resolve)))) as { ok: boolean; result: unknown[] };
    expect(list.ok).toBe(true);
    expect(list.result).toHaveLength(1);
    again.close();
    expect(launches).toBe(0);
    expect(contentHash(backend.store.db)).toBe(before);
  }, 60_000);
});

describe('fuzzing the IDX parser', () => {
  it('1,000 truncated, extended and bit-flipped IDX files: a DatasetError naming the file, or a consistent parse', () => {
    const r = seededRandom(31337);
    const valid = (): Uint8Array => {
      const rank = 1 + r.int(3);
      const type = pick(r, [0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e]);
      const size = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 }[type]!;
      const dims = Array.from({ length: rank }, () => 1 + r.int(6));
      const n = dims.reduce((a, b) => a * b, 1);
      const b = new Uint8Array(4 + 4 * rank + n * size);
      b.set([0, 0, type, rank]);
      const v = new DataView(b.buffer);
      dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
      for (let i = 4 + 4 * rank; i < b.length; i++) b[i] = r.int(256);
      return b;
    };
    let rejected = 0;
    for (let i = 0; i < 1000; i++) {
      let b = valid();
      const kind = r.int(5);
      if (kind === 0) b = b.slice(0, r.int(b.length));
      else if (kind === 1) b = Uint8Array.from([...b, ...Array.from({ length: 1 + r.int(8) }, () => r.int(256))]);
      else if (kind === 2) {
        const at = r.int(Math.min(b.length, 16));
        b[at] = b[at]! ^ (1 << r.int(8)); // header bit flip
      } else if (kind === 3)
        new DataView(b.buffer).setUint32(4, 0xffffffff, false); // a dimension of 4 billion
      else b[r.int(b.length)] = r.int(256);
      try {
        const a = parseIdx(b, 'fuzz.idx');
        const n = a.dims.reduce((x, y) => x * y, 1);
        expect(a.data.length).toBe(n);
      } catch (e) {
        expect(e).toBeInstanceOf(DatasetError);
        expect((e as Error).message.startsWith('fuzz.idx: ')).toBe(true);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(500);
  });
});

// ---------------------------------------------------------------- config text: nesting and control characters

/** Lists and maps nested around MAX_CONFIG_DEPTH or far beyond it, in random mixes of JSON's and YAML's forms. */
function deepText(r: SeededRandom): { name: string; text: string; depth: number; pure: boolean } {
  const depth = r.int(2) === 0 ? MAX_CONFIG_DEPTH - 3 + r.int(7) : 100 + r.int(900);
  if (r.int(3) === 0) {
    const open = Array.from({ length: depth }, () => pick(r, ['[', '{"k": ']));
    const close =
      r.int(2) === 0
        ? open
            .map((o) => (o === '[' ? ']' : '}'))
            .reverse()
            .join('')
        : '';
    return { name: 'deep.json', text: open.join('') + '1' + close, depth, pure: true };
  }
  const forms = r.int(2) === 0 ? [pick(r, ['[', '{a: ', '- ', '? ', 'k:\n'])] : ['[', '{a: ', '- ', '? ', 'k:\n', 'k: ', '[{', '- k: '];
  let text = '';
  let indent = 0;
  for (let i = 0; i < depth; i++) {
    const form = pick(r, forms);
    text += form;
    if (form.endsWith('\n')) text += ' '.repeat(++indent);
  }
  return { name: pick(r, ['deep.yaml', 'deep.yml']), text: text + 'x', depth, pure: forms.length === 1 && forms[0] !== 'k: ' };
}

const CONTROL = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\b',
  '\t',
  '\n',
  '\u000b',
  '\f',
  '\r',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u2029',
  '\ud800',
  '\ufeff',
];

/** A valid config whose strings (and keys) carry control characters, escaped (JSON, YAML) or raw in the text. */
function controlText(r: SeededRandom): { name: string; text: string; how: string } {
  const value = clone(VALID);
  const junk = () => Array.from({ length: 1 + r.int(4) }, () => pick(r, CONTROL)).join('');
  const where = r.int(3);
  if (where === 0) value['name'] = `run${junk()}name`;
  else if (where === 1) (value['task'] as Record<string, Json>)['kind'] = `modular${junk()}`;
  else value[`key${junk()}`] = 1;
  const form = r.int(3);
  if (form === 0) return { name: 'c.json', text: JSON.stringify(value, null, 2), how: `escaped JSON, control at ${where}` };
  if (form === 1) return { name: 'c.yaml', text: toYaml(value), how: `YAML, control at ${where}` };
  const raw = JSON.stringify(value, null, 2).replace(/\\u00([0-9a-f]{2})|\\[btnfr]/g, () => pick(r, CONTROL));
  return { name: pick(r, ['c.json', 'c.yaml']), text: raw, how: `raw control characters, at ${where}` };
}

describe('fuzzing config text for nesting and control characters', () => {
  it('refuses 300 deeply nested texts with the depth, or parses them, and never crashes', async () => {
    const r = seededRandom(6464);
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const t = deepText(r);
      const how = `${t.name} depth ${t.depth}: ${JSON.stringify(t.text.slice(0, 40))}`;
      const run = parseConfigText(t.text, t.name);
      const sweep = parseSweepText(t.text, t.name);
      expect(run.ok || sweep.ok, how).toBe(false);
      const problems = run.ok ? [] : run.problems;
      expect(problems[0]!.message.length, how).toBeGreaterThan(5);
      const deep = problems.some((p) => p.message.includes(`more than ${MAX_CONFIG_DEPTH} levels deep`));
      if (deep) refused++;
      if (t.pure && t.depth > MAX_CONFIG_DEPTH + 1 && t.text.length <= MAX_CONFIG_CHARS) expect(deep, how).toBe(true);
      if (t.depth <= MAX_CONFIG_DEPTH) expect(deep, how).toBe(false);
      expectInvalidReport(await dispatch(backend.handlers, 'config.validate', { name: t.name, text: t.text }), how);
      expectRejected(await dispatch(backend.handlers, 'runs.createFromFile', { name: t.name, text: t.text }), how);
    }
    expect(refused).toBeGreaterThan(100);
    expect(launches).toBe(0);
  }, 60_000);

  it('validates or refuses 300 configs with control characters in their strings, never crashing', async () => {
    const r = seededRandom(127);
    let valid = 0;
    for (let i = 0; i < 300; i++) {
      const t = controlText(r);
      const res = await dispatch(backend.handlers, 'config.validate', { name: t.name, text: t.text });
      if (!res.ok) throw new Error(`config.validate failed instead of reporting: ${t.how}: ${res.error.message}`);
      const report = res.result as { ok: boolean; problems: { message: string }[] };
      if (report.ok) valid++;
      else expect(report.problems[0]!.message.length, t.how).toBeGreaterThan(5);
    }
    // names may hold any text; a control character in a kind or a key is refused
    expect(valid).toBeGreaterThan(0);
    expect(valid).toBeLessThan(300);
  }, 60_000);
});
