// WebGPU from the command line: `grokscope info` lists the adapters; without a usable adapter `auto` trains on wasm
// and says why webgpu was skipped, and `--backend webgpu` exits 2 with the reason before storing a run; on the
// software GPU (SwiftShader) a named webgpu run trains and its stored notes name the adapter.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './backend-helpers';
import { SWIFTSHADER_ICD, useSoftwareGpu } from '../unit/software-gpu';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'grokscope.js');
const tmp = tempDir('cli-webgpu');
beforeAll(() => useSoftwareGpu(), 600_000);
afterAll(() => tmp.cleanup());

const CONFIG = {
  seed: 1,
  task: { kind: 'modular', op: 'add', p: 7, trainFraction: 0.5 },
  model: { kind: 'mlp', embedDim: 8, width: 16, depth: 1 },
  training: { steps: 4, evalEvery: 2 },
};
writeFileSync(tmp.file('run.json'), JSON.stringify(CONFIG));
const STACK = /\n\s+at .+:\d+:\d+/;

/** `grokscope …` with Vulkan pointed at `icd` (a file that does not exist: no driver at all). */
function cli(args: string[], icd: string) {
  const env: Record<string, string | undefined> = { ...process.env, GROKSCOPE_WORKERS: '0', VK_ICD_FILENAMES: icd };
  delete env['GROKSCOPE_DB'];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp.dir, env, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const NO_DRIVER = '/nonexistent/no-icd.json';

describe('without a usable adapter', () => {
  it('--backend webgpu exits 2 with the reason and stores no run; info says the same', () => {
    const db = tmp.file('none.db');
    const r = cli(['run', 'run.json', '--backend', 'webgpu', '--db', db], NO_DRIVER);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^grokscope run: backend "webgpu" is not available here: no adapter: no Vulkan driver offers a device/m);
    expect(r.stderr).not.toMatch(STACK);
    // the same check for the native bindings, which neither CI nor this machine can install
    const tf = cli(['run', 'run.json', '--backend', 'tensorflow', '--db', db], NO_DRIVER);
    expect(tf.code).toBe(2);
    expect(tf.stderr).toMatch(/^grokscope run: backend "tensorflow" is not available here: neither @tensorflow\/tfjs-node-gpu nor/m);
    expect(JSON.parse(cli(['list', '--db', db, '--json'], NO_DRIVER).stdout)).toEqual([]);
    const info = JSON.parse(cli(['info', '--db', db, '--json'], NO_DRIVER).stdout) as { backends: { name: string; available: boolean }[] };
    expect(info.backends.find((b) => b.name === 'webgpu')).toMatchObject({ available: false, adapters: [] });
  }, 120_000);

  it('auto trains on wasm, with a note saying why webgpu was skipped', () => {
    const r = cli(['run', 'run.json', '--db', tmp.file('auto.db'), '--json'], NO_DRIVER);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { backend: string; backendNotes: string[] };
    expect(out.backend).toBe('wasm');
    expect(out.backendNotes.find((n) => n.startsWith('webgpu: '))).toMatch(/no Vulkan driver offers a device Dawn can use/);
  }, 120_000);
});

describe('on the software GPU', () => {
  it('auto skips the software adapter; --backend webgpu trains on it and the run records the adapter', () => {
    const auto = JSON.parse(cli(['run', 'run.json', '--db', tmp.file('sw.db'), '--json'], SWIFTSHADER_ICD).stdout) as {
      backend: string;
      backendNotes: string[];
    };
    expect(auto.backend).toBe('wasm');
    expect(auto.backendNotes.find((n) => n.startsWith('webgpu: '))).toMatch(
      /the only adapter is SwiftShader.*a software one; auto never trains on it/,
    );
    const r = cli(['run', 'run.json', '--backend', 'webgpu', '--db', tmp.file('sw.db'), '--json'], SWIFTSHADER_ICD);
    expect(r.code, r.stderr).toBe(0);
    const gpu = JSON.parse(r.stdout) as { backend: string; backendNotes: string[]; status: string };
    expect(gpu).toMatchObject({ backend: 'webgpu', status: 'completed' });
    expect(gpu.backendNotes[0]).toMatch(/^webgpu: google \(swiftshader\): SwiftShader driver .*, a software adapter \(correct but slow\)$/);
    expect(gpu.backendNotes).toContainEqual(
      'training step: the webgpu backend runs the whole step on the GPU; the losses of up to 32 updates are read back together',
    );
    const info = JSON.parse(cli(['info', '--db', tmp.file('sw.db'), '--json'], SWIFTSHADER_ICD).stdout) as {
      backends: { name: string; available: boolean; adapters: { description: string; software: boolean }[] }[];
    };
    const webgpu = info.backends.find((b) => b.name === 'webgpu')!;
    expect(webgpu.available).toBe(true);
    expect(webgpu.adapters[0]).toMatchObject({ software: true });
    expect(webgpu.adapters[0]!.description).toMatch(/SwiftShader/);
  }, 300_000);
});
