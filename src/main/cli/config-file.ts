// Reads and validates a config file for the CLI. Every problem is reported as FILE:LINE: PATH: PROBLEM (exit 2).
import { readFileSync, statSync } from 'node:fs';
import { parseConfigText } from '../../shared/config/parse';
import { formatProblem } from '../../shared/config/errors';
import type { RunConfig } from '../../shared/config/run-config';
import { UsageError } from './errors';

const MAX_BYTES = 1_000_000;

export function readConfigText(file: string): string {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new UsageError(`${file}: is a folder, not a config file`);
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read it (${code ?? (e as Error).message})`);
  }
  if (size > MAX_BYTES) throw new UsageError(`${file}: is ${size} bytes; a config file must be under ${MAX_BYTES} bytes`);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export function loadRunConfig(file: string): RunConfig {
  const r = parseConfigText(readConfigText(file), file);
  if (r.ok) return r.config;
  const n = r.problems.length;
  throw new UsageError(
    `${file}: ${n === 1 ? 'one problem' : `${n} problems`}`,
    r.problems.map((p) => formatProblem(p, file)),
  );
}
