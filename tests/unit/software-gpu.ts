// A software WebGPU adapter for the webgpu tests: Chromium's SwiftShader Vulkan driver behind Debian's Vulkan loader
// (scripts/ensure-software-gpu.sh installs both where missing). Vulkan's loader reads VK_ICD_FILENAMES each time Dawn
// creates an instance, so setting it in the test process before the first adapter request is enough.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const SCRIPT = path.join(import.meta.dirname, '..', '..', 'scripts', 'ensure-software-gpu.sh');

/**
 * Installs what is missing and points Vulkan at SwiftShader; throws a sentence when that cannot be done. With
 * GROKSCOPE_TEST_GPU=hardware (scripts/gpu-check.sh on a machine with a GPU) the machine's own adapter is used instead.
 */
export function useSoftwareGpu(): void {
  if (process.env['GROKSCOPE_TEST_GPU'] === 'hardware') return;
  try {
    execFileSync('bash', [SCRIPT], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
  } catch (e) {
    throw new Error(`the webgpu tests need a software GPU; ${SCRIPT} failed (${(e as Error).message.split('\n')[0]})`);
  }
  process.env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
}
