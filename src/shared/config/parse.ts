// Reads a config document (JSON or YAML) and validates it, with problems located by config path and line.
import { LineCounter, parseDocument, isNode } from 'yaml';
import { RunConfigSchema, type RunConfig } from './run-config';
import { jsonDuplicateKey, jsonErrorOffset, lineOfOffset } from './json-locate';
import { CONFIG_SIZE_LIMIT_TEXT, MAX_CONFIG_CHARS } from './limits';
import { nestingProblem } from './nesting';
import { problemsFromZod, type ConfigProblem } from './errors';
import { memoryProblem } from './memory-estimate';
import { expandSweep, SweepConfigSchema, type SweepCell, type SweepConfig } from './sweep-config';

export type ConfigFormat = 'json' | 'yaml';

export type ParsedConfig = { ok: true; kind: 'run'; config: RunConfig } | { ok: false; problems: ConfigProblem[] };

/** The name under which a config read from standard input is reported. */
export const STDIN_NAME = '<stdin>';

/** JSON for .json and other names; YAML for .yaml/.yml and for standard input, whose YAML reading also takes JSON. */
export const formatFromName = (filename: string): ConfigFormat => (/\.ya?ml$/i.test(filename) || filename === STDIN_NAME ? 'yaml' : 'json');

export { MAX_CONFIG_CHARS };

/** Parses text into a plain value, or a located syntax problem. */
export function parseDocumentText(
  source: string,
  format: ConfigFormat,
): { ok: true; value: unknown; lineOf: (path: (string | number)[]) => number | undefined } | { ok: false; problems: ConfigProblem[] } {
  // Editors on Windows may start a UTF-8 file with a byte order mark; JSON.parse refuses it, YAML skips it.
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  if (text.trim() === '') return { ok: false, problems: [{ path: '', message: 'the file is empty', line: 1 }] };
  // A config is a few KiB; parsing (and locating lines in) megabytes of YAML takes seconds on the thread that serves
  // the API, so an oversized file is refused up front.
  if (text.length > MAX_CONFIG_CHARS)
    return {
      ok: false,
      problems: [
        {
          path: '',
          message:
            `the file has ${text.length} characters; a config file may have at most ${MAX_CONFIG_CHARS} ` +
            `(${CONFIG_SIZE_LIMIT_TEXT}; datasets are read from their own files)`,
          line: 1,
        },
      ],
    };
  // Before any parser that recurses (the YAML composer, also used to locate lines in JSON): see nesting.ts.
  const tooDeep = nestingProblem(text, format);
  if (tooDeep) return { ok: false, problems: [tooDeep] };
  let value: unknown;
  if (format === 'json') {
    try {
      value = JSON.parse(text);
    } catch (e) {
      const msg = (e as Error).message;
      const pos = /position (\d+)/.exec(msg);
      const at = pos ? Number(pos[1]) : jsonErrorOffset(text);
      const line = at === null ? undefined : lineOfOffset(text, at);
      return { ok: false, problems: [{ path: '', message: `not valid JSON: ${msg.replace(/^JSON\.parse: /, '')}`, line }] };
    }
    const dup = jsonDuplicateKey(text);
    if (dup) {
      const message = `the key ${JSON.stringify(dup.key)} appears twice in this object`;
      return { ok: false, problems: [{ path: dup.path, message, line: lineOfOffset(text, dup.offset) }] };
    }
  }
  const lc = new LineCounter();
  // For JSON the YAML document only locates lines of problems: built when first needed (valid files never need it).
  let parsedDoc: ReturnType<typeof parseDocument> | null = null;
  const document = () => (parsedDoc ??= parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true }));
  if (format === 'yaml') {
    const doc = document();
    if (doc.errors.length > 0) {
      return {
        ok: false,
        problems: doc.errors.map((err) => ({
          path: '',
          message: `not valid YAML: ${err.message.split('\n')[0]}`,
          line: lc.linePos(err.pos[0]).line,
        })),
      };
    }
    try {
      value = doc.toJS();
    } catch (e) {
      // e.g. the yaml library's guard against alias bombs ("billion laughs"): a problem with the file, not a crash
      return { ok: false, problems: [{ path: '', message: `not valid YAML: ${(e as Error).message}`, line: 1 }] };
    }
  }
  const lineOf = (path: (string | number)[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = document().getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return { ok: true, value, lineOf };
}

const splitPath = (p: string): (string | number)[] =>
  p === ''
    ? []
    : p
        .split(/\.|\[(\d+)\]/)
        .filter((s) => s !== undefined && s !== '')
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s));

/** Validates an already parsed value as a run config. */
export function validateRunConfig(value: unknown): ParsedConfig {
  const r = RunConfigSchema.safeParse(value, { reportInput: true });
  if (!r.success) return { ok: false, problems: problemsFromZod(r.error) };
  const tooBig = memoryProblem(r.data);
  return tooBig ? { ok: false, problems: [tooBig] } : { ok: true, kind: 'run', config: r.data };
}

/** Values given outside the file (the CLI's --backend and --steps), applied before validation so they are checked as
 *  if the file said them: a config too big for wasm can still run with `--backend tensorflow`, and not the reverse. */
export interface RunOverrides {
  backend?: string;
  steps?: number;
}

const withOverrides = (value: Record<string, unknown>, o: RunOverrides): Record<string, unknown> => {
  const training = value['training'];
  return {
    ...value,
    ...(o.backend !== undefined ? { backend: o.backend } : {}),
    ...(o.steps !== undefined
      ? { training: { ...(training !== null && typeof training === 'object' ? training : {}), steps: o.steps } }
      : {}),
  };
};

/** Parses and validates a config file's text; every problem carries its config path and, where known, its line. */
export function parseConfigText(text: string, filename: string, overrides: RunOverrides = {}): ParsedConfig {
  const doc = parseDocumentText(text, formatFromName(filename));
  if (!doc.ok) return doc;
  if (doc.value === null || typeof doc.value !== 'object' || Array.isArray(doc.value))
    return { ok: false, problems: [{ path: '', message: 'must be an object with task, model, optimizer and training', line: 1 }] };
  const r = validateRunConfig(withOverrides(doc.value as Record<string, unknown>, overrides));
  if (r.ok) return r;
  return { ok: false, problems: r.problems.map((p) => ({ ...p, line: doc.lineOf(splitPath(p.path)) })) };
}

export type ParsedSweep = { ok: true; kind: 'sweep'; config: SweepConfig; cells: SweepCell[] } | { ok: false; problems: ConfigProblem[] };

/** A document is a sweep when it has `axes` (and a `base` run config) at the top. */
export const looksLikeSweep = (value: unknown): boolean =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, 'axes');

/** Parses, validates and expands a sweep config file; every problem carries its sweep path and, where known, line. */
export function parseSweepText(text: string, filename: string): ParsedSweep {
  const doc = parseDocumentText(text, formatFromName(filename));
  if (!doc.ok) return doc;
  const located = (problems: ConfigProblem[]): ParsedSweep => ({
    ok: false,
    problems: problems.map((p) => ({ ...p, line: doc.lineOf(splitPath(p.path)) })),
  });
  if (!looksLikeSweep(doc.value)) return located([{ path: '', message: 'a sweep config needs "base" (a run config) and "axes"' }]);
  const r = SweepConfigSchema.safeParse(doc.value, { reportInput: true });
  if (!r.success) return located(problemsFromZod(r.error));
  const cells = expandSweep(r.data);
  if (!cells.ok) return located(cells.problems);
  return { ok: true, kind: 'sweep', config: r.data, cells: cells.cells };
}
