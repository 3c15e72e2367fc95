// Generated user text through the CLI's printing functions: thousands of random strings mixing ordinary text, accents,
// CJK, emoji, every C0/C1 control, DEL, the bidi marks and lone surrogates, as run names, errors, notes, task and model
// descriptions and sweep axis values. No raw control, bidi or separator character may come out, a name never adds a
// line to a table, and the stdout/stderr writers escape whatever reaches them.
import { describe, expect, it } from 'vitest';
import type { Phases, RunDetail, RunSummary, SweepView } from '../../src/shared/api/types';
import { seededRandom, type SeededRandom } from '../../src/shared/analysis/rng';
import { runDetailText, runsTable } from '../../src/main/cli/format';
import { sweepGridText } from '../../src/main/cli/sweep';
import { hasUnsafeChar, safeJson, safeText } from '../../src/main/cli/safe-text';

const NASTY = [
  ...Array.from({ length: 32 }, (_, c) => c),
  0x7f,
  ...Array.from({ length: 32 }, (_, c) => 0x80 + c),
  0x061c,
  0x200e,
  0x200f,
  0x2028,
  0x2029,
  0x202a,
  0x202b,
  0x202c,
  0x202d,
  0x202e,
  0x2066,
  0x2067,
  0x2068,
  0x2069,
  0xd800,
  0xdbff,
  0xdc00,
  0xdfff,
].map((c) => String.fromCharCode(c));
const NICE = ['a', 'Z', '0', ' ', '-', '_', 'é', 'ß', 'Ω', '日', '本', '🚀', '👩‍🔬', '\\', '[', '2J', 'm', ';'];
const SEQUENCES = ['\x1b[2J', '\x1b[H', '\x1b]0;title\x07', '\x9b31m', '\r', '\b\b\b', '\x1bc', '\u202egnp.exe'];

function randomText(rng: SeededRandom, maxLen = 24): string {
  const n = Math.floor(rng.next() * maxLen);
  let s = '';
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    const pool = u < 0.4 ? NASTY : u < 0.9 ? NICE : SEQUENCES;
    s += pool[Math.floor(rng.next() * pool.length)]!;
  }
  return s;
}

const PHASES: Phases = { t1: 1, t2: 2, t3: 3, t4: null, t2_99: null, t4_99: null } as Phases;

function randomRun(rng: SeededRandom, id: number): RunDetail {
  return {
    id,
    name: randomText(rng),
    status: 'failed',
    task: randomText(rng),
    model: randomText(rng),
    lr: 1e-3,
    weightDecay: 1,
    trainFraction: 0.5,
    seed: 0,
    step: 10,
    totalSteps: 100,
    backend: rng.next() < 0.5 ? null : randomText(rng, 8),
    createdAt: randomText(rng, 6),
    startedAt: null,
    finishedAt: null,
    final: { trainLoss: null, trainAcc: 0.5, valLoss: null, valAcc: null },
    phases: PHASES,
    error: rng.next() < 0.5 ? null : randomText(rng, 60),
    deleted: false,
    prediction: null,
    sweepId: null,
    tags: [],
    notes: '',
    config: {} as RunDetail['config'],
    backendNotes: Array.from({ length: 3 }, () => randomText(rng)),
    checkpoints: [],
  };
}

const clean = (text: string) => !hasUnsafeChar(text.replace(/\n/g, ''));

describe('CLI text under generated control characters', () => {
  it('runsTable and runDetailText print none raw, and a name never adds a table line', () => {
    const rng = seededRandom(14);
    for (let round = 0; round < 400; round++) {
      const runs = Array.from({ length: 5 }, (_, i) => randomRun(rng, i + 1));
      const table = runsTable(runs as RunSummary[]);
      expect(clean(table), JSON.stringify(table)).toBe(true);
      expect(table.split('\n')).toHaveLength(runs.length + 1);
      for (const r of runs) {
        const detail = runDetailText(r);
        expect(clean(detail), JSON.stringify(detail)).toBe(true);
        expect(detail.split('\n')).toHaveLength(13);
      }
    }
  });

  it('sweepGridText prints axis paths and string values safely', () => {
    const rng = seededRandom(15);
    for (let round = 0; round < 1000; round++) {
      const v: SweepView = {
        id: 1,
        name: randomText(rng),
        status: 'running',
        mode: 'full',
        window: 100,
        axes: [
          { path: randomText(rng), values: [randomText(rng), 1, true] },
          { path: randomText(rng), values: [randomText(rng), 0.5] },
        ],
        steps: 100,
        cells: [],
        createdAt: '',
        finishedAt: null,
      };
      const grid = sweepGridText(v);
      expect(clean(grid), JSON.stringify(grid)).toBe(true);
      expect(grid.split('\n')).toHaveLength(4);
    }
  });

  it('safeText (the writers) and safeJson leave nothing raw in any string', () => {
    const rng = seededRandom(16);
    for (let round = 0; round < 3000; round++) {
      const s = randomText(rng, 40);
      expect(clean(safeText(s).replace(/\t/g, ''))).toBe(true); // tabs may stay in a message
      const j = safeJson({ s });
      expect(clean(j)).toBe(true);
      expect(JSON.parse(j)).toEqual({ s });
    }
  });
});
