// The app's electron-vite config with the main and preload bundles written to $GROKSCOPE_BUNDLE_OUT instead of out/
// (tests must not race the real build), and no renderer (the bundle test does not load pages).
import type { UserConfig } from 'electron-vite';
import base from '../../../electron.vite.config';

const out = process.env.GROKSCOPE_BUNDLE_OUT;
if (!out) throw new Error('set GROKSCOPE_BUNDLE_OUT to the folder the test bundles go to');
const config = base as UserConfig;

export default {
  main: { ...config.main, build: { ...config.main?.build, outDir: `${out}/main` } },
  preload: { ...config.preload, build: { ...config.preload?.build, outDir: `${out}/preload` } },
} satisfies UserConfig;
