// The WebSocket's packing of long arrays of objects (issue 18: the runs list of 10,000 runs): lossless against JSON,
// whatever keys rows lack or hold, and smaller.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { pack, packable, unpack, PACK_MIN_ROWS } from '../../src/shared/api/wire-columns';
import { replyFrame } from '../../src/main/server/ws-api';

const viaJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
const roundTrip = (rows: Record<string, unknown>[]): unknown => unpack(viaJson(pack(rows)) as ReturnType<typeof pack>);

const summary = (i: number): Record<string, unknown> => ({
  id: i,
  name: `run ${i}`,
  status: ['completed', 'running', 'failed'][i % 3],
  task: 'a+b mod 97, r=0.3',
  lr: [1e-3, 3e-4][i % 2],
  backend: i % 4 === 0 ? null : 'wasm',
  createdAt: new Date(1_800_000_000_000 + i * 1000).toISOString(),
  final: { trainLoss: i / 7, trainAcc: 1, valLoss: i % 5 === 0 ? null : 0.5, valAcc: Number.NaN },
  phases: { t1: 10, t2: null, t4: i % 3 === 0 ? 900 + i : null },
  prediction: i % 2 ? { willGrok: true, probability: 0.9, method: 'rule', atStep: 400 } : null,
  tags: i % 10 === 0 ? ['paper', 'seed group'] : [],
  notes: '',
  deleted: false,
  ...(i % 7 === 0 ? { damaged: 'final_json is not JSON' } : {}),
  ...(i % 11 === 0 ? { skipped: undefined } : {}),
  config: { task: { kind: 'modular', p: 97 }, optimizer: { lr: 1e-3 }, ...(i % 2 ? { name: 'x' } : {}) },
});

it('gives back what JSON would, rows lacking keys and odd values included', () => {
  const rows = Array.from({ length: 300 }, (_, i) => summary(i));
  expect(packable(rows)).toBe(true);
  const back = roundTrip(rows) as Record<string, unknown>[];
  expect(back).toEqual(viaJson(rows));
  expect('damaged' in back[1]!).toBe(false);
  expect(back[7]!['damaged']).toBe('final_json is not JSON');
  expect('skipped' in back[11]!).toBe(false);
  expect(back[1]!['config']).toEqual({ task: { kind: 'modular', p: 97 }, optimizer: { lr: 1e-3 }, name: 'x' });
  expect('name' in (back[0]!['config'] as object)).toBe(false);
});

it('keeps a "__proto__" key as an own property, as JSON.parse does', () => {
  const rows = viaJson(Array.from({ length: PACK_MIN_ROWS }, () => JSON.parse('{"__proto__": {"polluted": 1}, "a": 1}'))) as Record<
    string,
    unknown
  >[];
  const back = roundTrip(rows) as Record<string, unknown>[];
  expect(Object.getPrototypeOf(back[0])).toBe(Object.prototype);
  expect(Object.hasOwn(back[0]!, '__proto__')).toBe(true);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
});

it('packs only long arrays of plain objects, and the runs list to well under half its size', () => {
  expect(packable(Array.from({ length: PACK_MIN_ROWS - 1 }, () => ({ a: 1 })))).toBe(false);
  expect(packable([...Array.from({ length: PACK_MIN_ROWS }, () => ({ a: 1 })), [1]])).toBe(false);
  expect(packable({ a: 1 })).toBe(false);
  const rows = Array.from({ length: 1000 }, (_, i) => summary(i)).map(({ config: _, ...r }) => r);
  const frame = replyFrame({ id: 3, ok: true, result: rows });
  const reply = JSON.parse(frame) as { id: number; ok: boolean; packed: ReturnType<typeof pack> };
  expect(reply.id).toBe(3);
  expect(unpack(reply.packed)).toEqual(viaJson(rows));
  expect(frame.length).toBeLessThan(JSON.stringify(rows).length / 2);
  // short results and errors go as they are
  expect(JSON.parse(replyFrame({ id: 'x', ok: true, result: [{ a: 1 }] }))).toEqual({ id: 'x', ok: true, result: [{ a: 1 }] });
  expect(JSON.parse(replyFrame({ id: null, ok: false, error: { code: 'internal', message: 'm' } }))).toMatchObject({ ok: false });
});

it('gives objects with fast properties, as JSON.parse does (a filter reads 10,000 of them)', () => {
  // V8 says so only with --allow-natives-syntax: asked in a node of its own
  const code = `
    const { pack, unpack } = await import(${JSON.stringify(path.resolve('src/shared/api/wire-columns.ts'))});
    const rows = Array.from({ length: 100 }, (_, i) => ({
      id: i, name: 'run ' + i, status: ['completed', 'running', 'failed'][i % 3], task: 'a+b mod 97', model: 'mlp', lr: [1e-2, 3e-3][i % 2],
      weightDecay: i % 3, trainFraction: 0.6, seed: 0, step: 100, totalSteps: 100, backend: i % 4 ? null : 'wasm',
      createdAt: String(i), startedAt: String(i), finishedAt: String(i), final: { trainLoss: 0.01, valAcc: (i % 100) / 100 },
      phases: { t1: null, t4: i % 5 ? null : 1000 + i }, error: null, deleted: false, damaged: null, prediction: null,
      sweepId: null, tags: [], notes: '',
    }));
    rows[7].extra = 1; // a row with a key the others lack
    const back = unpack(JSON.parse(JSON.stringify(pack(rows))));
    process.stdout.write(JSON.stringify({ fast: back.map((o) => %HasFastProperties(o)), same: JSON.stringify(back) === JSON.stringify(rows) }));`;
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', code], {
    encoding: 'utf8',
  });
  const { fast, same } = JSON.parse(out) as { fast: boolean[]; same: boolean };
  expect(same).toBe(true);
  expect(fast.filter((f) => !f)).toEqual([]);
});
