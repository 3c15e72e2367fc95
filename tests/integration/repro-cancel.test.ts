// Cancelling a running reproduction (issue 19) on a real back end, training in real compute processes: a sweep
// reproduction (000-fig2 quick) and a single-run one (000-pca quick) are each cancelled once their first run trains.
// The sweep and its unfinished runs end cancelled, the run ends cancelled, nothing is stored as an outcome, every run
// stays in the database, 'repro.done' says cancelled (no error); cancelling one not running is a conflict, an
// unknown name not_found; 000-pca started again afterwards runs to its stored outcome.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalBackend } from '../../src/main/services/create-backend';
import { REPRO_KIND } from '../../src/main/services/reproductions';
import { isTerminal } from '../../src/shared/api/run-status';
import type { ReproDone } from '../../src/shared/api/reproductions';
import { nextEvent, realBackend, tempDir } from './backend-helpers';

const tmp = tempDir('repro-cancel');
let backend: LocalBackend;
const done: ReproDone[] = [];

beforeAll(() => {
  backend = realBackend(tmp.file('repro.db'), 2);
  backend.events.subscribe((e, p) => {
    if (e === 'repro.done') done.push(p as ReproDone);
  });
});
afterAll(async () => {
  await backend?.close();
  tmp.cleanup();
});

const api = () => backend.handlers;
/** Starts a reproduction and resolves with the id of its first run once that run trains. */
async function startAndWaitForTraining(name: string): Promise<number> {
  const training = nextEvent(backend, 'run.status', (s) => s.status === 'running', 120_000);
  await api()['repro.run']({ name, quick: true });
  return (await training).runId;
}
const doneOf = (name: string) => done.filter((d) => d.name === name);

describe('repro.cancel', () => {
  it('cancels a sweep reproduction: the sweep and its unfinished runs end cancelled, no outcome stored', async () => {
    const first = await startAndWaitForTraining('000-fig2');
    expect((await api()['repro.list']({})).find((e) => e.name === '000-fig2')?.running).toMatchObject({ quick: true });

    expect(await api()['repro.cancel']({ name: '000-fig2' })).toEqual({ cancelled: true });

    // resolved after the end: the done event is out, the entry no longer running
    expect(doneOf('000-fig2')).toEqual([{ name: '000-fig2', quick: true, outcome: null, error: null, cancelled: true }]);
    const entry = (await api()['repro.list']({})).find((e) => e.name === '000-fig2')!;
    expect(entry.running).toBeNull();
    expect(entry.last).toEqual({ quick: null, full: null });
    const sweeps = await api()['sweeps.list']({});
    expect(sweeps).toHaveLength(1);
    expect(sweeps[0]!.status).toBe('cancelled');
    const view = await api()['sweeps.get']({ id: sweeps[0]!.id });
    const runs = view.cells.flatMap((c) => c.runs);
    expect(runs).toHaveLength(9);
    expect(runs.map((r) => r.id)).toContain(first);
    // every run has ended; none finished by itself in the second it ran, so all are cancelled, and all kept
    for (const r of runs) expect(isTerminal(r.status), `run ${r.id} is ${r.status}`).toBe(true);
    expect(runs.filter((r) => r.status === 'cancelled').length).toBeGreaterThanOrEqual(8);
    expect((await api()['runs.get']({ id: first })).status).toBe('cancelled');
    const listed = await api()['runs.list']({ includeDeleted: false });
    expect(listed.map((r) => r.id)).toEqual(expect.arrayContaining(runs.map((r) => r.id)));
    expect(backend.store.analyses.latestResults(REPRO_KIND).size).toBe(0);
  }, 180_000);

  it('says conflict for one not running and not_found for an unknown name', async () => {
    await expect(api()['repro.cancel']({ name: '000-fig2' })).rejects.toMatchObject({ code: 'conflict', message: /not running/ });
    await expect(api()['repro.cancel']({ name: 'no-such' })).rejects.toMatchObject({ code: 'not_found' });
    // the sweep cancel the reproduction used refuses a sweep that is not running
    const [s] = await api()['sweeps.list']({});
    await expect(api()['sweeps.cancel']({ id: s!.id })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('cancels a single-run reproduction, and a second start afterwards runs to its stored outcome', async () => {
    const id = await startAndWaitForTraining('000-pca');
    // a second cancel while the first is in flight is refused, not queued
    const cancelling = api()['repro.cancel']({ name: '000-pca' });
    await expect(api()['repro.cancel']({ name: '000-pca' })).rejects.toMatchObject({
      code: 'conflict',
      message: /already being cancelled/,
    });
    await cancelling;
    expect((await api()['runs.get']({ id })).status).toBe('cancelled');
    expect(doneOf('000-pca')).toEqual([{ name: '000-pca', quick: true, outcome: null, error: null, cancelled: true }]);
    expect(backend.store.analyses.latestResults(REPRO_KIND).size).toBe(0);

    const again = nextEvent(backend, 'repro.done', (d) => d.name === '000-pca', 240_000);
    await api()['repro.run']({ name: '000-pca', quick: true });
    const end = await again;
    expect(end).toMatchObject({ cancelled: false, error: null });
    expect(end.outcome?.runIds).toHaveLength(1);
    expect(end.outcome!.runIds[0]).not.toBe(id);
    const last = (await api()['repro.list']({})).find((e) => e.name === '000-pca')!.last.quick;
    expect(last?.runIds).toEqual(end.outcome!.runIds);
    // the cancelled run is still there
    expect((await api()['runs.get']({ id })).status).toBe('cancelled');
  }, 300_000);
});
