// What app.info reports: version, database, mode, and which TF.js backends are installed. Backends are probed by
// resolving their packages, not by loading them: TF.js never loads in this (main) process, only in compute processes,
// which record per run which backend they actually used and why better ones were skipped. WebGPU's adapters are
// listed by a compute process (services/gpu-adapters).
import { createRequire } from 'node:module';
import { version } from '../../../package.json';
import type { AppInfo } from '../../shared/api/types';
import { webgpuBackendReport, type GpuAdapters } from './gpu-adapters';

const installed = (pkg: string): boolean => {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
};

export function probeBackends(isInstalled: (pkg: string) => boolean = installed): AppInfo['backends'] {
  const gpu = isInstalled('@tensorflow/tfjs-node-gpu');
  const node = isInstalled('@tensorflow/tfjs-node');
  return [
    {
      name: 'tensorflow',
      available: gpu || node,
      note: gpu
        ? '@tensorflow/tfjs-node-gpu is installed (CUDA); a run falls back if libtensorflow fails to load'
        : node
          ? '@tensorflow/tfjs-node is installed (CPU); a run falls back if libtensorflow fails to load'
          : 'neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed',
    },
    {
      name: 'wasm',
      available: isInstalled('@tensorflow/tfjs-backend-wasm'),
      note: 'WebAssembly with its own binary; the default when no tensorflow backend loads',
    },
    { name: 'cpu', available: isInstalled('@tensorflow/tfjs-backend-cpu'), note: 'plain JavaScript; the slowest fallback' },
  ];
}

export function appInfo(dbPath: string, mode: AppInfo['mode'], gpu: GpuAdapters): AppInfo {
  const [tensorflow, ...rest] = probeBackends();
  return { version, dbPath, backends: [tensorflow!, webgpuBackendReport(gpu), ...rest], mode };
}
