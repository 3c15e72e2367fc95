// `electron-vite build` → out/main/index.js (the app), out/main/compute.js (the compute process the app forks with
// utilityProcess), out/preload/index.cjs (the sandboxed preload), out/renderer/ (the UI, same build as browser mode).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import renderer from './src/renderer/vite.config';

// import.meta.url, not import.meta.dirname: electron-vite rewrites only the former when it bundles this file
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      // package.json dependencies stay external and load from node_modules at run time: better-sqlite3 is native,
      // the TF.js backends find their .wasm files next to their own modules, and electron-builder ships them all
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve(root, 'src/main/app/index.ts'),
          compute: resolve(root, 'src/main/compute/entry.ts'),
          // the data-parallel gradient worker (opt-in, GROKSCOPE_WORKERS): started by path from the compute process
          'grad-worker': resolve(root, 'src/main/compute/train/grad-worker.ts'),
          // the worker of landscape grids, reduced landscapes and probes: started by path from the compute process
          'grid-worker': resolve(root, 'src/main/compute/probes/worker/grid-worker.ts'),
        },
        // ESM ("type": "module"); code shared by the two entries goes to out/main/chunks/
        output: { entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // a sandboxed preload can require only 'electron' and a few built-ins: inline everything else (zod, via the
      // contract's method names)
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        // sandboxed preloads must be CommonJS; .cjs because package.json says "type": "module"
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  // the renderer engineer's plain Vite config (root src/renderer, the Svelte plugin, out/renderer), used as is
  renderer,
});
