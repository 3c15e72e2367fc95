// Picks the TF.js backend for a compute process. `auto` tries the native TensorFlow GPU build, then WebGPU on a
// hardware adapter (engine/webgpu), then the native CPU build, then wasm, then cpu, and says why each better one was
// skipped. Native bindings are optional: they are loaded by dynamic import only if installed, never required by
// package.json.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { GpuAdapterReport } from '../../../shared/api/types';
import type { BackendChoice } from '../../../shared/config/run-config';
import { findAdapter, startWebGpu } from './webgpu';

export interface BackendInfo {
  backend: string;
  notes: string[];
  /** webgpu: the adapter it runs on */
  adapter?: GpuAdapterReport;
}

/** The native TensorFlow bindings: the CUDA build is tried before WebGPU, the CPU build after it. */
type NativePackage = '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node';

/** Backends whose tensors live on a GPU: reads are asynchronous and host round trips cost a device sync each. */
export function onDevice(backend: string = tf.getBackend()): boolean {
  return backend === 'webgpu';
}

let wasmPathsSet = false;

/** Points the wasm backend at the .wasm binaries inside node_modules (under Node it reads them with fs, by path). */
function configureWasm(): void {
  if (wasmPathsSet) return;
  const require = createRequire(import.meta.url);
  // the package's main file lives in dist/, next to tfjs-backend-wasm{,-simd,-threaded-simd}.wasm
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  setWasmPaths(dir + path.sep);
  wasmPathsSet = true;
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0] ?? e.message;
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

function isNotInstalled(e: unknown, pkg: string): boolean {
  const code = (e as { code?: string } | null)?.code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && errorText(e).includes(pkg);
}

/** Tries the native TensorFlow binding; returns null on success, else why it was skipped. */
async function tryNative(pkg: string): Promise<string | null> {
  try {
    // A variable specifier keeps bundlers and tsc from resolving a package that is usually absent.
    const specifier: string = pkg;
    await import(/* @vite-ignore */ specifier);
  } catch (e) {
    return isNotInstalled(e, pkg) ? `${pkg} not installed` : `${pkg} failed to load: ${errorText(e)}`;
  }
  if (!tf.findBackendFactory('tensorflow'))
    return `${pkg} loaded but registered its backend with another copy of @tensorflow/tfjs-core (versions differ)`;
  try {
    if (!(await tf.setBackend('tensorflow'))) return `${pkg} loaded but the tensorflow backend failed to initialise`;
    return null;
  } catch (e) {
    return `${pkg} loaded but the tensorflow backend failed to initialise: ${errorText(e)}`;
  }
}

async function trySimple(name: 'wasm' | 'cpu'): Promise<string | null> {
  try {
    if (name === 'wasm') configureWasm();
    if (await tf.setBackend(name)) {
      await tf.ready();
      return null;
    }
    return `${name}: backend failed to initialise`;
  } catch (e) {
    return `${name}: ${errorText(e)}`;
  }
}

/**
 * Makes `choice` the active TF.js backend. An explicit choice that cannot load is an error naming why;
 * `auto` falls back in order and records each skipped backend in `notes`.
 */
export async function initBackend(choice: BackendChoice, opts: { syncReads?: boolean } = {}): Promise<BackendInfo> {
  // PROD only silences TF.js console warnings (e.g. the cpu backend's "install tfjs-node" banner on stdout/stderr,
  // which would corrupt CLI output); the reasons for the backend choice are reported in `notes` instead.
  tf.env().set('PROD', true);
  const notes: string[] = [];
  // work that reads tensors synchronously (the second-order probes' host-side Lanczos and power iterations) cannot run
  // on a GPU backend, whose reads are asynchronous: it takes the best CPU backend instead, and says so
  if (opts.syncReads && (choice === 'webgpu' || choice === 'auto')) {
    notes.push('webgpu: this job reads the backend synchronously, which a GPU backend cannot do; it runs on the CPU');
    if (choice === 'webgpu') choice = 'wasm';
  }
  const native = async (pkg: NativePackage): Promise<BackendInfo | null> => {
    const why = await tryNative(pkg);
    if (why === null) return { backend: 'tensorflow', notes: [...notes, `tensorflow: using ${pkg}`] };
    notes.push(`tensorflow: ${why}`);
    return null;
  };
  if (choice === 'auto' || choice === 'tensorflow') {
    const gpu = await native('@tensorflow/tfjs-node-gpu');
    if (gpu) return gpu;
  }
  if ((choice === 'auto' && !opts.syncReads) || choice === 'webgpu') {
    const found = await findAdapter(choice === 'webgpu');
    if ('why' in found) {
      if (choice === 'webgpu') throw new Error(`backend "webgpu" is not available: ${found.why}`);
      notes.push(`webgpu: ${found.why}`);
    } else
      try {
        return { backend: 'webgpu', notes: [...notes, await startWebGpu(found)], adapter: found.report };
      } catch (e) {
        if (choice === 'webgpu') throw new Error(`backend "webgpu" is not available: ${errorText(e)}`);
        notes.push(`webgpu: ${errorText(e)}`);
      }
  }
  if (choice === 'auto' || choice === 'tensorflow') {
    const cpu = await native('@tensorflow/tfjs-node');
    if (cpu) return cpu;
    if (choice === 'tensorflow')
      throw new Error(`backend "tensorflow" is not available: ${notes.map((n) => n.replace(/^tensorflow: /, '')).join('; ')}`);
  }
  if (choice === 'auto' || choice === 'wasm') {
    const why = await trySimple('wasm');
    if (why === null) {
      // Emscripten threads need worker support that tfjs-backend-wasm turns off under Node (tfjs issue #3830).
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      notes.push(`wasm: ${simd ? 'SIMD' : 'no SIMD'}, each kernel on one thread (tfjs-backend-wasm disables its threads under Node)`);
      return { backend: 'wasm', notes };
    }
    if (choice === 'wasm') throw new Error(`backend "wasm" is not available: ${why.replace(/^wasm: /, '')}`);
    notes.push(why);
  }
  const why = await trySimple('cpu');
  if (why !== null) throw new Error(`no TF.js backend could be initialised (${[...notes, why].join('; ')})`);
  return { backend: 'cpu', notes };
}
