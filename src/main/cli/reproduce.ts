// grokscope reproduce NAME [--quick] [--db PATH] [--workers N] [--json]      grokscope reproduce --list [--json]
// Runs one of the papers' headline results through the engine and services (runs, sweeps, analyses, stored in the
// database like any other) and says PASS or FAIL against the criterion stated for it. Exit 0 on PASS, 1 on FAIL or
// when a run fails, 2 for an unknown name.
import { availableParallelism } from 'node:os';
import { REPRODUCTIONS, reproductionNamed } from '../reproductions/registry';
import { outcomeText, runReproduction } from '../reproductions/run';
import { ReproFailure } from '../reproductions/steps';
import { saveReproOutcome } from '../services/reproductions';
import type { ReproContext } from '../reproductions/types';
import { intFlag, parseArgs, stringFlag } from './args';
import { callApi } from './call-api';
import { CliFailure, EXIT_FAILURE, EXIT_OK, UsageError } from './errors';
import { err, json, out } from './io';
import { openBackend } from './open-backend';

const FLAGS = { quick: 'boolean', db: 'value', workers: 'value', json: 'boolean', list: 'boolean' } as const;

function listText(): string {
  return REPRODUCTIONS.map((r) =>
    [
      `${r.name.padEnd(16)} ${r.source}: ${r.title}`,
      `${''.padEnd(16)} paper: ${r.claim}`,
      `${''.padEnd(16)} criterion: ${r.criterion.full}`,
    ].join('\n'),
  ).join('\n');
}

export async function reproduceCommand(argv: readonly string[]): Promise<number> {
  const listing = argv.includes('--list');
  const a = parseArgs({ name: 'reproduce', positionals: listing ? [] : ['NAME'], flags: FLAGS }, argv);
  if (listing) {
    if (a.flags['json'])
      json(REPRODUCTIONS.map((r) => ({ name: r.name, source: r.source, title: r.title, claim: r.claim, criterion: r.criterion })));
    else out(listText());
    return EXIT_OK;
  }
  const name = a.positionals['NAME']!;
  const r = reproductionNamed(name);
  if (!r) throw new UsageError(`no reproduction named ${JSON.stringify(name)}; one of ${REPRODUCTIONS.map((x) => x.name).join(', ')}`);
  const quick = a.flags['quick'] === true;
  const workers = intFlag(a, 'workers', 1, 256) ?? Math.max(1, Math.min(2, availableParallelism()));
  const backend = openBackend(stringFlag(a, 'db'), 'browser', workers);
  const ctx: ReproContext = { call: (m, p) => callApi(backend, m, p), progress: (m) => err(`${name}: ${m}`) };
  try {
    err(`${name}${quick ? ' (quick)' : ''}: ${r.source}: ${r.title}`);
    // kept in the database like the page's, so the app's Reproductions page shows it as the last result
    const o = saveReproOutcome(backend.store, await runReproduction(r, ctx, quick));
    if (a.flags['json']) json(o);
    else out(outcomeText(r, o));
    return o.passed ? EXIT_OK : EXIT_FAILURE;
  } catch (e) {
    if (e instanceof ReproFailure) throw new CliFailure(e.message);
    throw e;
  } finally {
    await backend.close();
  }
}
