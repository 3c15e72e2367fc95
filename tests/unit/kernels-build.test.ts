// The wasm kernels embedded in the engine are the ones their AssemblyScript sources compile to: an edit to wasm/
// without `npm run build:kernels` (or a hand-edited binary) fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileKernel, KERNELS, kernelModule } from '../../scripts/build-kernels';

describe('embedded wasm kernels', () => {
  for (const k of KERNELS) {
    it(`${k.module} is ${k.source} compiled`, () => {
      const root = join(__dirname, '..', '..');
      const embedded = readFileSync(join(root, k.module), 'utf8');
      expect(embedded).toBe(kernelModule(k.source, k.name, compileKernel(k.source)));
    }, 60_000);
  }
});
