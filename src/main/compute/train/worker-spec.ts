// How a compute process starts one of its worker threads (gradient workers, grid workers): the built bundle beside
// this code (electron.vite.config.ts builds each worker entry as out/main/<name>.js), else the TypeScript source
// through tsx when running from the sources.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WorkerSpec {
  /** the file to start, or the bootstrap's code when `eval` */
  file: string;
  eval: boolean;
  /** what the bootstrap needs in workerData (from source only) */
  extra: { tsx?: string; entry?: string };
}

// From source, the worker is a TypeScript module: a small CommonJS bootstrap registers tsx's loader inside the
// worker and imports it (a worker's execArgv `--import tsx` does not reach its entry module under Node 20).
const BOOTSTRAP = `const { workerData } = require('node:worker_threads');
import(workerData.tsx).then(({ register }) => { register(); return import(workerData.entry); });`;

/**
 * How to start the worker `name` whose source is `source` (a URL beside the caller's module); null when neither the
 * built file nor the source can be found (e.g. a bundle built without it).
 */
export function workerSpec(name: string, source: URL): WorkerSpec | null {
  // built: out/main/<name>.js, beside compute.js, or one folder up when this code sits in out/main/chunks/
  for (const rel of [`./${name}.js`, `../${name}.js`]) {
    const built = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(built)) return { file: built, eval: false, extra: {} };
  }
  if (source.protocol !== 'file:' || !existsSync(fileURLToPath(source))) return null;
  let tsx: string;
  try {
    tsx = import.meta.resolve('tsx/esm/api');
  } catch {
    tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
  }
  return { file: BOOTSTRAP, eval: true, extra: { tsx, entry: source.href } };
}
