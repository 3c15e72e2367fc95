// The layer rules of DESIGN.md, checked by eslint-plugin-boundaries on the file each import resolves to (static
// imports, type imports, re-exports and dynamic import()), so a path's spelling cannot slip past them:
//   src/shared          imports nothing of ours outside shared; no Node built-ins, electron, TF.js or native packages
//   src/renderer        imports only itself and src/shared; browser packages only
//   src/preload         imports only electron and src/shared
//   src/main/compute    never imports electron, src/main/store, src/main/services or src/main/app
//   src/main/*          only src/main/app imports electron; nothing in main imports the renderer or the preload
import boundaries from 'eslint-plugin-boundaries';

/** Folders that are layers; the first that holds a file decides its layer. */
const ELEMENTS = [
  ['shared', 'src/shared'],
  ['renderer', 'src/renderer'],
  ['preload', 'src/preload'],
  ['compute', 'src/main/compute'],
  ['app', 'src/main/app'],
  ['store', 'src/main/store'],
  ['services', 'src/main/services'],
  ['main', 'src/main'],
].map(([type, pattern]) => ({ type, pattern }));

const ELECTRON = { module: { source: 'electron' } };
const NODE_BUILTIN = { module: { origin: 'core' } };
const NATIVE = { module: { source: ['better-sqlite3', '@resvg/resvg-js', 'ws'] } };
const TFJS = { module: { source: '@tensorflow/*' } };
/** A local file that is in no layer (e.g. package.json, scripts/): only main reads those. */
const OUTSIDE = { module: { origin: 'local' }, element: { type: null } };
const layer = (...types) => ({ element: { type: types.length === 1 ? types[0] : types } });

const why = {
  shared: 'shared is pure TypeScript used by every layer; DESIGN.md',
  renderer: 'the renderer talks to the back end only through the API contract; DESIGN.md',
  preload: 'the preload exposes exactly the contract; DESIGN.md',
  compute: 'compute only trains and reports through its protocol; DESIGN.md',
  app: 'main reaches the renderer through IPC only; DESIGN.md',
  main: 'only src/main/app knows about Electron; DESIGN.md',
};

const policies = [
  {
    from: layer('shared'),
    disallow: { to: [layer('renderer', 'preload', 'compute', 'app', 'store', 'services', 'main'), OUTSIDE] },
    message: `src/shared may import only src/shared (${why.shared}).`,
  },
  {
    from: layer('shared'),
    disallow: { to: NODE_BUILTIN },
    message: `src/shared: Node built-ins are not available everywhere shared code runs (${why.shared}).`,
  },
  {
    from: layer('shared'),
    disallow: { to: ELECTRON },
    message: `src/shared: electron is for src/main/app and src/preload only (${why.shared}).`,
  },
  {
    from: layer('shared'),
    disallow: { to: NATIVE },
    message: `src/shared: native and Node-only packages belong in src/main (${why.shared}).`,
  },
  { from: layer('shared'), disallow: { to: TFJS }, message: `src/shared: TF.js belongs in src/main/compute (${why.shared}).` },

  {
    from: layer('renderer'),
    disallow: { to: [layer('preload', 'compute', 'app', 'store', 'services', 'main'), OUTSIDE] },
    message: `src/renderer may import only src/renderer and src/shared (${why.renderer}).`,
  },
  {
    from: layer('renderer'),
    disallow: { to: NODE_BUILTIN },
    message: `src/renderer: the renderer is a sandboxed web page without Node (${why.renderer}).`,
  },
  {
    from: layer('renderer'),
    disallow: { to: ELECTRON },
    message: `src/renderer: the renderer talks to the app only through window.grokscope (lib/bridge) (${why.renderer}).`,
  },
  {
    from: layer('renderer'),
    disallow: { to: NATIVE },
    message: `src/renderer: native and Node-only packages cannot run in the renderer (${why.renderer}).`,
  },
  {
    from: layer('renderer'),
    disallow: { to: TFJS },
    message: `src/renderer: training runs in compute processes, never in the renderer (${why.renderer}).`,
  },

  {
    from: layer('preload'),
    disallow: { to: [layer('renderer', 'compute', 'app', 'store', 'services', 'main'), OUTSIDE] },
    message: `src/preload may import only src/preload and src/shared (${why.preload}).`,
  },
  {
    from: layer('preload'),
    disallow: { to: [{ module: { origin: 'external', source: '!electron' } }, NODE_BUILTIN] },
    message: `src/preload: the sandboxed preload may import only electron among packages (${why.preload}).`,
  },

  {
    from: layer('compute'),
    disallow: { to: layer('store', 'services', 'app', 'renderer', 'preload') },
    message: `src/main/compute must not import {{ to.element.type }} code (${why.compute}).`,
  },
  {
    from: layer('compute'),
    disallow: { to: ELECTRON },
    message: `src/main/compute: compute processes also run headless under plain Node, without electron (${why.compute}).`,
  },
  {
    from: layer('app'),
    disallow: { to: layer('renderer', 'preload') },
    message: `src/main/app must not import src/renderer or src/preload (${why.app}).`,
  },
  {
    from: layer('store', 'services', 'main'),
    disallow: { to: layer('app', 'renderer', 'preload') },
    message: `src/main outside src/main/app must not import src/main/app, src/renderer or src/preload (${why.main}).`,
  },
  {
    from: layer('store', 'services', 'main'),
    disallow: { to: ELECTRON },
    message: `src/main: only src/main/app imports electron, so the back end also runs headless (CLI, server) (${why.main}).`,
  },
];

export const layerRules = [
  {
    name: 'grokscope/layers',
    files: ['src/**/*.{ts,js,mjs,cjs,svelte}'],
    // the renderer's Vite config runs in Node at build time, not in the page
    ignores: ['src/renderer/*.config.{ts,js,mjs}'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': ELEMENTS,
      'boundaries/dependency-nodes': ['import', 'dynamic-import', 'export', 'require'],
      'boundaries/legacy-templates': false,
      'import/resolver': { node: { extensions: ['.ts', '.svelte.ts', '.js', '.mjs', '.svelte', '.json'] } },
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'allow', checkAllOrigins: true, checkUnknownLocals: true, policies }],
    },
  },
];
