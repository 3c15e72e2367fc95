// The renderer build: a plain Vite config that `npx vite build -c src/renderer/vite.config.ts` builds on its own and
// that electron.vite.config.ts imports as its `renderer` section. base './' lets the same files load from file://
// (Electron) and from the browser-mode server.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [svelte()],
  build: {
    outDir: here('../../out/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    // ECharts alone is about 1 MB; the app loads it from disk or loopback, so one chunk is fine.
    chunkSizeWarningLimit: 2048,
  },
});
