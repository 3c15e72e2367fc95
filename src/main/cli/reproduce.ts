// grokscope reproduce NAME [--quick] [--db PATH] [--workers N] [--json]      grokscope reproduce --list [--json]
// Runs one of the papers' headline results through the engine and services (runs, sweeps, analyses, stored in the
// database like any other) and says PASS or FAIL against the criterion stated for it. Exit 0 on PASS, 1 on FAIL or
// when a run fails, 2 for an unknown name. Ctrl-C (or SIGTERM) cancels it as the page's Cancel does: the run or sweep
// it trains is cancelled, no outcome is stored, the runs it finished are kept, exit 1 (as an interrupted `grokscope
// sweep` or `run`); a second one stops at once.
import { availableParallelism } from 'node:os';
import { REPRODUCTIONS, reproductionNamed } from '../reproductions/registry';
import { outcomeText, runReproduction } from '../reproductions/run';
import { ReproCancelled, cancellableContext } from '../reproductions/cancel';
import { ReproFailure } from '../reproductions/steps';
import { saveReproOutcome } from '../services/reproductions';
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
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (!abort.signal.aborted) {
      err(`\n${name}: ${sig}: cancelling the run or sweep it trains; no outcome is stored (again to stop at once)`);
      abort.abort();
    } else {
      err(`${name}: ${sig}: stopping now`);
      void backend.close().finally(() => process.exit(EXIT_FAILURE));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const ctx = cancellableContext(
    (m, p) => callApi(backend, m, p),
    (m) => err(`${name}: ${m}`),
    abort.signal,
  );
  try {
    err(`${name}${quick ? ' (quick)' : ''}: ${r.source}: ${r.title}`);
    const outcome = await runReproduction(r, ctx, quick);
    if (abort.signal.aborted) throw new ReproCancelled();
    // kept in the database like the page's, so the app's Reproductions page shows it as the last result
    const o = saveReproOutcome(backend.store, outcome);
    if (a.flags['json']) json(o);
    else out(outcomeText(r, o));
    return o.passed ? EXIT_OK : EXIT_FAILURE;
  } catch (e) {
    if (abort.signal.aborted) {
      err(`${name}: cancelled; nothing was stored as its outcome, the runs it finished are kept in ${backend.dbPath}`);
      return EXIT_FAILURE;
    }
    if (e instanceof ReproFailure) throw new CliFailure(e.message);
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await backend.close();
  }
}
