// grokscope sweep FILE [--db PATH] [--workers N] [--mode predict|confirm|full] [--redis URL] [--json]
// With --redis, the cells go to `grokscope worker` processes on other machines (src/main/distributed).
// Runs a sweep to the end with N workers. Running the same file again resumes an unfinished sweep of the same config
// (finished cells are kept). Progress on stderr; the grid (or --json: the sweep view) on stdout; Ctrl-C interrupts.
import { availableParallelism } from 'node:os';
import { formatProblem } from '../../shared/config/errors';
import { parseSweepText } from '../../shared/config/parse';
import { SWEEP_MODES } from '../../shared/config/sweep-config';
import type { SweepView } from '../../shared/api/types';
import { cellStat } from '../../shared/figures/heatmap';
import { choiceFlag, intFlag, parseArgs, stringFlag } from './args';
import { callApi } from './call-api';
import { readConfig } from './config-file';
import { describeWorkers, remoteSweeps } from './redis-option';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './errors';
import { openBackend } from './open-backend';
import { err, json, out } from './io';
import { safeLine } from './safe-text';

/** The grid as text: rows = first axis, columns = second (or one column), each cell mean val acc and prediction. */
export function sweepGridText(v: SweepView): string {
  const [a, b] = v.axes;
  const rows = a!.values;
  const cols = b ? b.values : [''];
  const cellText = (i: number, j: number) => {
    const c = v.cells.find((x) => x.index[0] === i && (b ? x.index[1] === j : true));
    if (!c) return '';
    const acc = cellStat(c.runs, 'valAcc').mean; // in %
    const p = cellStat(c.runs, 'predicted').mean;
    return `${acc === null ? '-' : `${acc.toFixed(0)}%`}${p === null ? '' : ` p=${p.toFixed(2)}`}`;
  };
  // axis values and paths come from the user's file: printed on one line, control characters escaped
  const show = (x: number | string | boolean) => (typeof x === 'number' ? String(Number(x.toPrecision(4))) : safeLine(String(x)));
  const head = [`${safeLine(a!.path)} \\ ${safeLine(b?.path ?? '')}`, ...cols.map(show)];
  const lines = rows.map((r, i) => [show(r), ...cols.map((_, j) => cellText(i, j))]);
  const table = [head, ...lines];
  const w = head.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  return table.map((row) => row.map((cell, c) => cell.padEnd(w[c]!)).join('  ')).join('\n');
}

export async function sweepCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs(
    { name: 'sweep', positionals: ['FILE'], flags: { db: 'value', workers: 'value', mode: 'value', redis: 'value', json: 'boolean' } },
    argv,
  );
  const { name: file, text } = readConfig(a.positionals['FILE']!);
  const parsed = parseSweepText(text, file);
  if (!parsed.ok) {
    const n = parsed.problems.length;
    throw new UsageError(
      `${file}: ${n === 1 ? 'one problem' : `${n} problems`}`,
      parsed.problems.map((p) => formatProblem(p, file)),
    );
  }
  const workers = intFlag(a, 'workers', 1, 256) ?? availableParallelism();
  const mode = choiceFlag(a, 'mode', SWEEP_MODES) ?? parsed.config.policy.mode;
  const redisUrl = stringFlag(a, 'redis');
  const remote = redisUrl === undefined ? undefined : await remoteSweeps(redisUrl);
  const backend = openBackend(stringFlag(a, 'db'), 'browser', workers, false, remote?.factory);
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    err('\ngrokscope sweep: interrupted; the finished cells are kept, run the same command again to resume');
    void backend.close().finally(() => process.exit(EXIT_FAILURE));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // the same file run again continues its unfinished sweep instead of starting another
    const started = await callApi(backend, 'sweeps.createFromFile', { name: file, text, mode, resumeSame: true });
    const id = started.id;
    const r = started.resumed;
    if (r)
      err(
        `resuming sweep ${id}: ${r.kept} runs kept, ${r.continued} continued from a checkpoint, ${r.restarted} restarted, ${r.queued} queued`,
      );
    else if (remote) err(`sweep ${id}: ${parsed.cells.length} runs (${mode} mode, on the Redis queue at ${remote.target.shown})`);
    else err(`sweep ${id}: ${parsed.cells.length} runs (${mode} mode, ${workers} worker${workers === 1 ? '' : 's'})`);
    if (remote) err(await describeWorkers(remote));
    let last = '';
    for (;;) {
      // the sweeps' summaries every 250 ms (counts only); the full view (predictions, spread over seeds) once at the end
      const s = (await callApi(backend, 'sweeps.list', {})).find((x) => x.id === id)!;
      const line = `sweep ${id}: ${s.done}/${s.runs} runs done, ${s.running} running`;
      if (line !== last) err(line);
      last = line;
      if (s.status === 'completed') break;
      await new Promise((res) => setTimeout(res, 250));
    }
    const view = await callApi(backend, 'sweeps.get', { id });
    if (a.flags['json']) json(view);
    else out(sweepGridText(view));
    const failed = view.cells.flatMap((c) => c.runs).filter((r) => r.status === 'failed' || r.status === 'diverged');
    return failed.length === 0 ? EXIT_OK : EXIT_FAILURE;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!interrupted) await backend.close();
  }
}
