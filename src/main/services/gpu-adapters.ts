// Which WebGPU adapters this machine offers, asked of a short-lived compute process: Dawn's addon never loads in the
// main process (as TF.js does not), and a driver that hangs or crashes takes only that process with it. Asked once
// per back end, on the first app.info, and remembered.
import type { GpuAdapterReport } from '../../shared/api/types';
import type { ComputeLauncher } from '../host/types';

export interface GpuAdapters {
  adapters: GpuAdapterReport[];
  /** why there is none (no Vulkan loader, no driver, the addon failed to load) */
  why: string | null;
}

/** A driver that takes longer than this to list its adapters is reported as not answering. */
const ANSWER_MS = 30_000;

export function askGpuAdapters(launcher: ComputeLauncher): Promise<GpuAdapters> {
  return new Promise((resolve) => {
    let child: ReturnType<ComputeLauncher['launch']>;
    try {
      child = launcher.launch();
    } catch (e) {
      resolve({ adapters: [], why: `looking for a GPU failed: ${e instanceof Error ? e.message : String(e)}` });
      return;
    }
    let answered = false;
    const answer = (a: GpuAdapters) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      resolve(a);
    };
    const timer = setTimeout(() => {
      answer({ adapters: [], why: `the GPU driver did not list its adapters within ${ANSWER_MS / 1000} s` });
      child.kill();
    }, ANSWER_MS);
    child.onMessage((m) => {
      if (m.type === 'gpu-adapters') answer({ adapters: m.adapters, why: m.why });
    });
    child.onExit((e) => answer({ adapters: [], why: `looking for a GPU failed: ${e.reason}` }));
    child.send({ type: 'gpu-adapters' });
  });
}

/** The webgpu line of app.info's backends. */
export function webgpuBackendReport(gpu: GpuAdapters): { name: string; available: boolean; note: string; adapters: GpuAdapterReport[] } {
  const hardware = gpu.adapters.filter((a) => !a.software);
  const note =
    gpu.adapters.length === 0
      ? `no adapter: ${gpu.why ?? 'none found'}`
      : hardware.length > 0
        ? `${hardware[0]!.description}: auto trains on it`
        : `only a software adapter (${gpu.adapters[0]!.description}): correct but slow; auto skips it, backend webgpu uses it`;
  return { name: 'webgpu', available: gpu.adapters.length > 0, note, adapters: gpu.adapters };
}
