// grokscope validate FILE: a run config, or a sweep config (a document with "axes"). FILE `-` is standard input,
// read once, so both checks look at the same text.
import { formatFromName, looksLikeSweep, parseDocumentText, parseSweepText } from '../../shared/config/parse';
import { formatProblem } from '../../shared/config/errors';
import { parseArgs } from './args';
import { readConfig, runConfigFromText } from './config-file';
import { EXIT_OK, UsageError } from './errors';
import { err, out } from './io';
import { runConfigWarnings } from '../../shared/config/warnings';
import { describeModel, describeTask } from '../services/run-views';

export async function validateCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs({ name: 'validate', positionals: ['FILE'], flags: {} }, argv);
  const { name: file, text } = readConfig(a.positionals['FILE']!);
  const doc = parseDocumentText(text, formatFromName(file));
  if (doc.ok && looksLikeSweep(doc.value)) {
    const s = parseSweepText(text, file);
    if (!s.ok) {
      const n = s.problems.length;
      throw new UsageError(
        `${file}: ${n === 1 ? 'one problem' : `${n} problems`}`,
        s.problems.map((p) => formatProblem(p, file)),
      );
    }
    const axes = s.config.axes.map((x) => x.path).join(' × ');
    out(
      `${file}: valid sweep config: ${s.cells.length} runs over ${axes} · ${s.config.policy.mode} mode · window ${s.config.policy.window}`,
    );
    return EXIT_OK;
  }
  const c = runConfigFromText(text, file);
  for (const w of runConfigWarnings(c)) err(`${file}: warning: ${formatProblem(w)}`);
  out(`${file}: valid run config: ${describeTask(c.task)} · ${describeModel(c.model)} · ${c.training.steps} steps · backend ${c.backend}`);
  return EXIT_OK;
}
