// WebGPU for the compute processes: Dawn's Node bindings (the `webgpu` package: Vulkan on Linux, Metal on macOS,
// Direct3D 12 on Windows) give an adapter, and TF.js's webgpu backend runs on a device of that adapter. The adapter
// is chosen here rather than by the backend's own factory, so that a software adapter (SwiftShader, llvmpipe, WARP)
// is only used when asked for by name, and so that every reason for having no adapter can be said in words.
import * as tf from '@tensorflow/tfjs-core';
import os from 'node:os';
import type { GpuAdapterReport as AdapterReport } from '../../../shared/api/types';

// The few WebGPU types used here, written out: the DOM lib of this TypeScript has none, and the @webgpu/types that
// TF.js brings predates GpuAdapter.info.
interface GpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter?: boolean;
}
interface GpuAdapter {
  readonly info: GpuAdapterInfo;
  readonly features: ReadonlySet<string>;
  readonly limits: Record<string, number>;
  requestDevice(descriptor: { requiredFeatures: string[]; requiredLimits: Record<string, number | undefined> }): Promise<unknown>;
}
interface Gpu {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapter | null>;
}
type Dawn = { create(flags: string[]): Gpu; globals: Record<string, unknown> };

let dawn: Dawn | string | null = null;

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/** Loads Dawn once per process; a string says why it could not be loaded. */
async function loadDawn(): Promise<Dawn | string> {
  if (dawn) return dawn;
  try {
    const specifier: string = 'webgpu'; // a variable keeps bundlers from inlining the native addon
    const mod = (await import(/* @vite-ignore */ specifier)) as Dawn;
    // TF.js's webgpu backend reads the WebGPU constants (GPUBufferUsage, GPUMapMode, …) as globals, as in a browser
    for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    dawn = mod;
  } catch (e) {
    dawn = `Dawn's WebGPU addon (the webgpu package) failed to load: ${errorText(e)}`;
  }
  return dawn;
}

/**
 * On Linux, Dawn reaches the GPU through Vulkan's loader library. When it is absent Dawn only prints a warning to
 * stderr, so it is looked for first: dlopen either fails to find the file or finds it and then refuses it as a Node
 * addon (which it is not), and only the first means it is missing.
 */
function vulkanLoaderMissing(): string | null {
  if (process.platform !== 'linux') return null;
  try {
    process.dlopen({ exports: {} } as NodeJS.Module, 'libvulkan.so.1', os.constants.dlopen.RTLD_LAZY);
  } catch (e) {
    if (/cannot open shared object file/i.test(errorText(e)))
      return "Vulkan's loader libvulkan.so.1 is not installed (Debian/Ubuntu: apt install libvulkan1, with your GPU's Vulkan driver)";
  }
  return null;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

export function describeAdapter(info: GpuAdapterInfo): AdapterReport {
  const fallback = info.isFallbackAdapter === true;
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
  return {
    vendor: info.vendor || 'unknown vendor',
    architecture: info.architecture || 'unknown architecture',
    description: info.description || info.device || 'no description',
    software: fallback || SOFTWARE.test(text),
  };
}

/** "NVIDIA (ampere): NVIDIA GeForce RTX 3080, driver 550.1", the words the notes use for an adapter. */
export function adapterText(a: AdapterReport): string {
  return `${a.vendor} (${a.architecture}): ${a.description}${a.software ? ', a software adapter (correct but slow)' : ''}`;
}

export type AdapterSearch = { gpu: Gpu; adapter: GpuAdapter; report: AdapterReport } | { why: string; software?: AdapterReport };

/**
 * The adapter to train on: the high-performance one, else any. A software adapter is returned only with
 * `allowSoftware` (an explicit `backend: webgpu`); otherwise it is reported as the reason there is none.
 */
export async function findAdapter(allowSoftware: boolean): Promise<AdapterSearch> {
  const loaded = await loadDawn();
  if (typeof loaded === 'string') return { why: loaded };
  const missing = vulkanLoaderMissing();
  if (missing) return { why: missing };
  let adapter: GpuAdapter | null;
  let gpu: Gpu;
  try {
    gpu = loaded.create([]);
    adapter = (await gpu.requestAdapter({ powerPreference: 'high-performance' })) ?? (await gpu.requestAdapter());
  } catch (e) {
    return { why: `the GPU driver failed while looking for an adapter: ${errorText(e)}` };
  }
  if (!adapter)
    return {
      why:
        process.platform === 'linux'
          ? 'no Vulkan driver offers a device Dawn can use (install your GPU\'s Vulkan driver; VK_ICD_FILENAMES names one, e.g. Chromium\'s SwiftShader "/usr/lib/chromium/vk_swiftshader_icd.json")'
          : 'the system offers no WebGPU adapter',
    };
  const report = describeAdapter(adapter.info);
  if (report.software && !allowSoftware)
    return {
      why: `the only adapter is ${report.description}, a software one; auto never trains on it (name backend "webgpu" to use it anyway)`,
      software: report,
    };
  return { gpu, adapter, report };
}

let registered: AdapterReport | null = null;

/** Makes TF.js's webgpu backend the active one on a device of `adapter`; returns the words for the run's notes. */
export async function startWebGpu(found: { gpu: Gpu; adapter: GpuAdapter; report: AdapterReport }): Promise<string> {
  if (!registered) {
    // the backend checks for navigator.gpu, as in a browser (Node 21+ has a navigator, without gpu)
    const g = globalThis as { navigator?: object };
    g.navigator ??= {};
    Object.defineProperty(g.navigator, 'gpu', { value: found.gpu, configurable: true });
    const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
    const { adapter } = found;
    const limits = adapter.limits;
    // the limits TF.js's own factory asks for: the adapter's, not WebGPU's small defaults (e.g. 128 MiB buffers)
    const device = await adapter.requestDevice({
      requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
      requiredLimits: {
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      },
    });
    // (TF.js's typings name the browser's GPUDevice and GPUAdapterInfo; Dawn's are those)
    type Args = ConstructorParameters<typeof WebGPUBackend>;
    tf.registerBackend('webgpu', () => new WebGPUBackend(device as Args[0], adapter.info as unknown as Args[1]), 0);
    registered = found.report;
  }
  if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend failed to initialise on its adapter');
  await tf.ready();
  return `webgpu: ${adapterText(registered)}`;
}

/** Every adapter Dawn finds, hardware first, for `grokscope info`; or why there is none. */
export async function listAdapters(): Promise<{ adapters: AdapterReport[]; why: string | null }> {
  const found = await findAdapter(true);
  if ('why' in found) return { adapters: [], why: found.why };
  const adapters = [found.report];
  if (!found.report.software) {
    // the low-power adapter of a two-GPU laptop, when it is another one
    const loaded = (await loadDawn()) as Dawn;
    const other = await loaded
      .create([])
      .requestAdapter({ powerPreference: 'low-power' })
      .catch(() => null);
    const r = other ? describeAdapter(other.info) : null;
    if (r && r.description !== found.report.description) adapters.push(r);
  }
  return { adapters, why: null };
}
