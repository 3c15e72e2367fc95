// grokscope info [--db PATH] [--json]: the version, the database, and each backend with whether it can be used here
// and why not, with the GPU adapters WebGPU finds (a compute process lists them: services/gpu-adapters).
import type { AppInfo, BackendReport } from '../../shared/api/types';
import { parseArgs, stringFlag } from './args';
import { callApi } from './call-api';
import { EXIT_OK, UsageError } from './errors';
import { json, out } from './io';
import { openBackend } from './open-backend';
import { probeBackends } from '../services/app-info';
import type { LocalBackend } from '../services/create-backend';

export function infoText(info: AppInfo): string {
  const lines = [`grokscope ${info.version}`, `database  ${info.dbPath}`, 'backends'];
  const width = Math.max(...info.backends.map((b) => b.name.length));
  for (const b of info.backends) {
    lines.push(`  ${b.name.padEnd(width)}  ${b.available ? 'yes' : 'no '}  ${b.note}`);
    for (const a of b.adapters ?? [])
      lines.push(
        `  ${' '.repeat(width)}       adapter: ${a.vendor} (${a.architecture}), ${a.description}${a.software ? ' [software]' : ''}`,
      );
  }
  return lines.join('\n');
}

export async function infoCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs({ name: 'info', positionals: [], flags: { db: 'value', json: 'boolean' } }, argv);
  const backend = openBackend(stringFlag(a, 'db'));
  try {
    const info = await callApi(backend, 'app.info', {});
    if (a.flags['json']) json(info);
    else out(infoText(info));
    return EXIT_OK;
  } finally {
    await backend.close();
  }
}

/**
 * Before a run is stored: a backend named explicitly that cannot load here is invalid input (exit 2) with the reason,
 * rather than a run that fails in its compute process. `auto` always finds one.
 */
export async function assertBackendUsable(backend: LocalBackend, choice: string): Promise<void> {
  if (choice !== 'webgpu' && choice !== 'tensorflow') return;
  // tensorflow is judged by its packages alone; only webgpu needs a compute process to look for adapters (app.info)
  const reports: BackendReport[] = choice === 'tensorflow' ? probeBackends() : (await callApi(backend, 'app.info', {})).backends;
  const report = reports.find((b) => b.name === choice);
  if (report && !report.available) throw new UsageError(`backend "${choice}" is not available here: ${report.note}`);
}
