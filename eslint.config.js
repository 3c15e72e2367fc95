// ESLint (flat config): typescript-eslint + eslint-plugin-svelte, and the layer rules of DESIGN.md as
// `no-restricted-imports`, so an import against the direction of the layers fails `npm run lint`:
//   src/shared          imports nothing of ours outside shared; no node:*, electron, tfjs, better-sqlite3
//   src/renderer        imports only itself and src/shared; browser packages only
//   src/preload         imports only electron and src/shared
//   src/main/compute    never imports electron, src/main/store, src/main/services (nor app)
//   src/main/*          only src/main/app imports electron; nothing in main imports the renderer or the preload
// no-restricted-imports sees the import text, not the resolved file, so relative imports are matched per folder depth:
// from src/renderer/lib/x.ts the path '../../shared/…' reaches src/shared, from src/renderer/x.ts it is '../shared/…'.
// Dynamic import() and require() are not covered (the rule does not see them); none of the layers uses them for code.
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';

const SOURCE = '{ts,js,mjs,cjs,svelte}';
/** deepest folder level under a layer that gets its own rule set */
const MAX_DEPTH = 10;

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const builtins = [...new Set(builtinModules.map((m) => m.replace(/^node:/, '')))];

// Bare specifiers, by kind, as regular expressions on the import text.
const NODE = `^(?:node:|(?:${builtins.map(escape).join('|')})(?:/|$))`;
const ELECTRON = '^electron(?:/|$)';
const NATIVE = '^(?:better-sqlite3|@resvg/resvg-js|ws)(?:/|$)';
const TFJS = '^@tensorflow/';

/** The shortest relative path from a file `depth` folders below src/<from> to src/<to> (src-relative folders). */
function relativeForm(from, to, depth) {
  const a = from.split('/');
  const b = to.split('/');
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  // `to` inside `from` (main/app seen from main/cli/…): climbing `depth` folders reaches src/<from> from anywhere in it
  if (common === a.length) return (depth === 0 ? '\\./' : `(?:\\.\\./){${depth}}`) + b.slice(common).map(escape).join('/');
  return '(?:\\.\\./)'.repeat(depth + a.length - common) + b.slice(common).map(escape).join('/');
}

/**
 * One config object per folder depth of src/<dir>, each with the complete no-restricted-imports options for it
 * (flat config replaces, not merges, a rule's options, so file sets must not overlap).
 *  allow: src folders a relative import may reach outside <dir> (everything else is refused)
 *  deny:  src folders a relative import must not reach (everything else is allowed)
 *  packages: [regex, why] pairs for bare specifiers
 */
function layer({ dir, ignores = [], allow, deny = [], packages = [], why }) {
  return Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => {
    const patterns = packages.map(([regex, what]) => ({ regex, message: `src/${dir}: ${what} (${why}).` }));
    if (allow) {
      const forms = allow.map((to) => relativeForm(dir, to, depth)).filter((f) => f !== null);
      const allowed = forms.length ? `(?!(?:${forms.join('|')})(?:/|$))` : '';
      patterns.push({
        regex: `^${allowed}(?:\\.\\./){${depth + 1},}`,
        message: `src/${dir} may import only ${[dir, ...allow].map((d) => `src/${d}`).join(' and ')} (${why}).`,
      });
    }
    for (const to of deny) {
      const form = relativeForm(dir, to, depth);
      if (form) patterns.push({ regex: `^${form}(?:/|$)`, message: `src/${dir} must not import src/${to} (${why}).` });
    }
    return {
      name: `grokscope/layers/${dir}/depth-${depth}`,
      files: [`src/${dir}/${'*/'.repeat(depth)}*.${SOURCE}`],
      ignores,
      rules: { 'no-restricted-imports': ['error', { patterns }] },
    };
  });
}

const layers = [
  ...layer({
    dir: 'shared',
    allow: [],
    packages: [
      [NODE, 'Node built-ins are not available everywhere shared code runs'],
      [ELECTRON, 'electron is for src/main/app and src/preload only'],
      [NATIVE, 'native and Node-only packages belong in src/main'],
      [TFJS, 'TF.js belongs in src/main/compute'],
    ],
    why: 'shared is pure TypeScript used by every layer; DESIGN.md',
  }),
  ...layer({
    dir: 'renderer',
    // the renderer's Vite config runs in Node at build time, not in the page
    ignores: ['src/renderer/*.config.{ts,js,mjs}'],
    allow: ['shared'],
    packages: [
      [NODE, 'the renderer is a sandboxed web page without Node'],
      [ELECTRON, 'the renderer talks to the app only through window.grokscope (lib/bridge)'],
      [NATIVE, 'native and Node-only packages cannot run in the renderer'],
      [TFJS, 'training runs in compute processes, never in the renderer'],
    ],
    why: 'the renderer talks to the back end only through the API contract; DESIGN.md',
  }),
  ...layer({
    dir: 'preload',
    allow: ['shared'],
    packages: [['^(?!electron(?:/|$))[^./]', 'the sandboxed preload may import only electron among packages']],
    why: 'the preload exposes exactly the contract; DESIGN.md',
  }),
  ...layer({
    dir: 'main/compute',
    deny: ['main/store', 'main/services', 'main/app', 'renderer', 'preload'],
    packages: [[ELECTRON, 'compute processes also run headless under plain Node, without electron']],
    why: 'compute only trains and reports through its protocol; DESIGN.md',
  }),
  ...layer({
    dir: 'main/app',
    deny: ['renderer', 'preload'],
    why: 'main reaches the renderer through IPC only; DESIGN.md',
  }),
  ...layer({
    dir: 'main',
    ignores: ['src/main/app/**', 'src/main/compute/**'],
    deny: ['main/app', 'renderer', 'preload'],
    packages: [[ELECTRON, 'only src/main/app imports electron, so the back end also runs headless (CLI, server)']],
    why: 'only src/main/app knows about Electron; DESIGN.md',
  }),
];

// Globals for the few plain .js files (this config, scripts); TypeScript checks its own files.
const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'URL', 'Buffer', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'structuredClone'].map((g) => [
    g,
    'readonly',
  ]),
);

export default defineConfig(
  {
    ignores: ['out/**', 'dist/**', 'wasm/**', 'coverage/**', 'tmp/**', 'resources/**', 'tests/e2e/artifacts/**', '.grokscope-test/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  svelte.configs['flat/recommended'],
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  // TypeScript already reports undefined names, with the right globals for each tsconfig
  { files: ['**/*.ts', '**/*.svelte'], rules: { 'no-undef': 'off' } },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], languageOptions: { globals: nodeGlobals } },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // test doubles stand in for loosely typed modules
  { files: ['tests/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  layers,
);
