// The runs table's search and sort: column tests (`lr>1e-3`, `tag:paper`, `duration>5m`, config paths), free text,
// sentences for what cannot be read, and sorting with nulls last.
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/shared/api/types';
import { EMPTY_PHASES } from '../../src/shared/analysis/phases';
import { fieldValue, sortRuns } from '../../src/shared/runs/run-fields';
import { matchRun, parseRunQuery } from '../../src/shared/runs/run-query';
import { smallConfig } from './store-helpers';

const NOW = Date.parse('2026-12-07T12:00:00Z');

function run(id: number, over: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    name: `run ${id}`,
    status: 'completed',
    task: 'a+b mod 97, r=0.5',
    model: 'mlp 1x128 e32 relu',
    lr: 1e-3,
    weightDecay: 1,
    trainFraction: 0.5,
    seed: 0,
    step: 1000,
    totalSteps: 1000,
    backend: 'wasm',
    createdAt: '2026-12-01T10:00:00Z',
    startedAt: '2026-12-01T10:00:01Z',
    finishedAt: '2026-12-01T10:02:01Z',
    final: { trainLoss: 0.01, trainAcc: 1, valLoss: 0.2, valAcc: 0.95 },
    phases: { ...EMPTY_PHASES },
    error: null,
    deleted: false,
    prediction: null,
    sweepId: null,
    tags: [],
    notes: '',
    config: smallConfig(),
    ...over,
  };
}

const ids = (q: string, runs: RunSummary[]) => runs.filter((r) => matchRun(parseRunQuery(q), r, NOW)).map((r) => r.id);

describe('runs query', () => {
  const runs = [
    run(1, { lr: 1e-2, tags: ['paper', 'wd 1'], notes: 'groks late' }),
    run(2, { lr: 1e-4, status: 'failed', phases: { ...EMPTY_PHASES, t4: 1500 } }),
    run(3, { lr: 3e-3, name: 'mod 97 baseline', startedAt: '2026-12-07T11:00:00Z', finishedAt: null, status: 'running' }),
  ];

  it('tests numbers, text, tags, phases, dates and durations', () => {
    expect(ids('lr>1e-3', runs)).toEqual([1, 3]);
    expect(ids('lr>1e-3 status:run', runs)).toEqual([3]);
    expect(ids('status!=failed', runs)).toEqual([1, 3]);
    expect(ids('tag:wd', runs)).toEqual([1]);
    expect(ids('tag=wd', runs)).toEqual([]);
    expect(ids('tag!=paper', runs)).toEqual([2, 3]);
    expect(ids('t4<2000', runs)).toEqual([2]);
    expect(ids('duration>30m', runs)).toEqual([3]);
    expect(ids('duration<=2m', runs)).toEqual([1, 2]);
    expect(ids('created>=2026-12-01', runs)).toEqual([1, 2, 3]);
    expect(ids('created>2026-12-02', runs)).toEqual([]);
  });

  it('finds free text in the name, task, model, tags and notes; quotes keep spaces', () => {
    expect(ids('GROKS', runs)).toEqual([1]);
    expect(ids('"mod 97 base"', runs)).toEqual([3]);
    expect(ids('mlp paper', runs)).toEqual([1]);
  });

  it('reads config paths, as numbers where they are numbers', () => {
    const c = smallConfig();
    const wide = run(4, { config: { ...c, model: { ...c.model, width: 64 } as typeof c.model } });
    expect(ids('model.width>=64', [...runs, wide])).toEqual([4]);
    expect(ids('task.kind=modular', [wide])).toEqual([4]);
    expect(ids('model.nothing=1', [wide])).toEqual([]);
  });

  it('names what it cannot read, and keeps the words it can', () => {
    const q = parseRunQuery('foo>1 name>3 lr>abc duration>soon lr<1');
    expect(q.problems).toEqual([
      expect.stringContaining('unknown column "foo" in "foo>1"'),
      '"name>3": name is text; compare it with =, != or : (contains)',
      '"lr>abc": > needs a number, not "abc"',
      '"duration>soon": > needs a duration such as 90s, 5m or 2h, not "soon"',
    ]);
    expect(q.terms).toHaveLength(1);
  });

  it('sorts by any column with nulls last, ties newest first', () => {
    const order = (key: string, dir: 'asc' | 'desc') => sortRuns(runs, key, dir, NOW).map((r) => r.id);
    expect(order('lr', 'asc')).toEqual([2, 3, 1]);
    expect(order('lr', 'desc')).toEqual([1, 3, 2]);
    expect(order('t4', 'asc')).toEqual([2, 3, 1]);
    expect(order('t4', 'desc')).toEqual([2, 3, 1]);
    expect(order('name', 'asc')).toEqual([3, 1, 2]);
    expect(fieldValue(runs[0]!, 'duration', NOW)).toBe(120_000);
  });
});
