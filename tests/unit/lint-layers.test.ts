// The layer rules of DESIGN.md, as eslint.layers.js enforces them on the file each import resolves to: each
// forbidden import is reported with a message naming the layer, and the imports each layer needs are not.
import { beforeAll, describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The layer-rule messages for `code` as if it were the file at `file` (repo-relative). */
async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${file}` });
  const fatal = result!.messages.filter((m) => m.fatal);
  expect(fatal, `${file}: ${fatal.map((m) => m.message).join('; ')}`).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.message);
}

const imp = (source: string) => `import * as m from '${source}';\nexport const used = m;\n`;

type Case = { file: string; forbidden: string[]; allowed: string[]; layer: RegExp };
const cases: Case[] = [
  {
    file: 'src/shared/config/example.ts',
    layer: /src\/shared/,
    forbidden: [
      'node:fs',
      'fs',
      'path/posix',
      'electron',
      '@tensorflow/tfjs-core',
      'better-sqlite3',
      'ws',
      '../../main/store/db',
      '../../main/protocol/messages',
      '../../renderer/src/lib/bridge',
      '../../preload/index',
      '../../../package.json',
    ],
    allowed: ['zod', 'yaml', '../api/contract', './errors', '../analysis/phases'],
  },
  {
    file: 'src/shared/example.ts',
    layer: /src\/shared/,
    forbidden: ['../main/store/db', '../renderer/src/main'],
    allowed: ['./config/run-config', 'zod'],
  },
  {
    file: 'src/renderer/src/lib/example.ts',
    layer: /src\/renderer/,
    forbidden: [
      'electron',
      'node:path',
      'path',
      'better-sqlite3',
      '@tensorflow/tfjs-core',
      'ws',
      '../../../main/services/backend-api',
      '../../../main/protocol/messages',
      '../../../preload/index',
      '../../../../scripts/gen-schema',
    ],
    allowed: [
      '../../../shared/api/contract',
      '../../../shared/analysis/phases',
      'svelte',
      'svelte/store',
      'echarts',
      'echarts-gl',
      './format',
      '../App.svelte',
      '../main',
    ],
  },
  {
    file: 'src/preload/index.ts',
    layer: /src\/preload/,
    forbidden: ['zod', 'node:fs', 'fs', 'ws', '../main/app/ipc', '../main/services/backend-api', '../renderer/src/lib/bridge'],
    allowed: ['electron', '../shared/api/contract', './index'],
  },
  {
    file: 'src/main/compute/train/example.ts',
    layer: /src\/main\/compute/,
    forbidden: ['electron', '../../store/db', '../../services/create-backend', '../../app/index', '../../../renderer/src/main'],
    allowed: [
      '../../protocol/messages',
      '../models/mlp',
      '../../../shared/config/run-config',
      '@tensorflow/tfjs-core',
      'node:worker_threads',
    ],
  },
  {
    file: 'src/main/compute/entry.ts',
    layer: /src\/main\/compute/,
    forbidden: ['electron', '../store/db', '../services/events', '../app/paths'],
    allowed: ['../protocol/messages', './train/run', '../../shared/api/types', '../host/types'],
  },
  {
    file: 'src/main/services/example.ts',
    layer: /src\/main.*(electron|src\/main\/app)/i,
    forbidden: ['electron', '../app/ipc', '../../renderer/src/lib/bridge', '../../preload/index'],
    allowed: [
      'better-sqlite3',
      'node:path',
      '../store/db',
      '../host/child-launcher',
      '../protocol/messages',
      '../../shared/api/dispatch',
      './events',
    ],
  },
  {
    file: 'src/main/example.ts',
    layer: /src\/main/,
    forbidden: ['electron', './app/index', '../renderer/src/main'],
    allowed: ['./services/create-backend', '../shared/api/types'],
  },
  {
    file: 'src/main/store/db.ts',
    layer: /only src\/main\/app imports electron/,
    forbidden: ['electron', 'electron/main'],
    allowed: ['better-sqlite3', 'node:fs'],
  },
  {
    file: 'src/main/host/child-launcher.ts',
    layer: /only src\/main\/app imports electron/,
    forbidden: ['electron'],
    allowed: ['node:child_process', '../protocol/messages'],
  },
  {
    file: 'src/main/cli/commands/run.ts',
    layer: /only src\/main\/app knows about Electron|imports electron/,
    forbidden: ['electron', '../../app/paths'],
    allowed: ['../../services/create-backend'],
  },
  {
    file: 'src/main/server/index.ts',
    layer: /only src\/main\/app imports electron/,
    forbidden: ['electron'],
    allowed: ['ws', 'node:http', '../services/backend-api'],
  },
  {
    file: 'src/main/app/ipc.ts',
    layer: /src\/main\/app must not import src\/(renderer|preload)/,
    forbidden: ['../../renderer/src/lib/bridge', '../../preload/index'],
    allowed: ['electron', '../services/backend-api', '../services/create-backend', '../../shared/api/dispatch', 'node:path', './paths'],
  },
  { file: 'tests/unit/example.test.ts', layer: /./, forbidden: [], allowed: ['electron', '../../src/main/store/db', 'node:fs'] },
  { file: 'scripts/example.ts', layer: /./, forbidden: [], allowed: ['../src/shared/config/run-config', 'node:fs'] },
  { file: 'src/renderer/vite.config.ts', layer: /./, forbidden: [], allowed: ['node:url', 'vite', '@sveltejs/vite-plugin-svelte'] },
];

describe('layer rules (eslint-plugin-boundaries on resolved paths)', () => {
  for (const c of cases) {
    it(`${c.file}: refuses ${c.forbidden.length} imports, accepts ${c.allowed.length}`, async () => {
      for (const source of c.forbidden) {
        const messages = await restricted(c.file, imp(source));
        expect(messages, `${c.file} importing ${source}`).toHaveLength(1);
        expect(messages[0], `${c.file} importing ${source}`).toMatch(c.layer);
      }
      for (const source of c.allowed) expect(await restricted(c.file, imp(source)), `${c.file} importing ${source}`).toEqual([]);
    });
  }

  it('also sees type-only imports and re-exports', async () => {
    expect(
      await restricted('src/shared/api/example.ts', "import type { BrowserWindow } from 'electron';\nexport type W = BrowserWindow;\n"),
    ).toHaveLength(1);
    expect(await restricted('src/shared/api/example.ts', "export { openDb } from '../../main/store/db';\n")).toHaveLength(1);
    expect(await restricted('src/renderer/src/example.ts', "export * from '../../main/services/backend-api';\n")).toHaveLength(1);
  });

  it('sees dynamic import() and judges the file an import reaches, not how its path is spelt', async () => {
    expect(await restricted('src/main/compute/train/example.ts', "export const s = () => import('../../store/db');\n")).toHaveLength(1);
    expect(await restricted('src/main/compute/train/example.ts', "export const s = () => import('../models/mlp');\n")).toEqual([]);
    // a detour through an allowed folder still ends in the store
    expect(await restricted('src/main/compute/train/example.ts', imp('../../compute/../store/db'))).toHaveLength(1);
    expect(await restricted('src/shared/config/example.ts', imp('../../shared/../main/store/db'))).toHaveLength(1);
  });

  it('checks the <script> of Svelte components', async () => {
    const component = (source: string) =>
      `<script lang="ts">\n  import * as m from '${source}';\n  let { x }: { x: number } = $props();\n  console.log(m, x);\n</script>\n\n<p>{x}</p>\n`;
    expect(await restricted('src/renderer/src/components/Example.svelte', component('electron'))).toHaveLength(1);
    expect(await restricted('src/renderer/src/components/Example.svelte', component('../../../main/store/db'))).toHaveLength(1);
    expect(await restricted('src/renderer/src/components/Example.svelte', component('../../../shared/api/contract'))).toEqual([]);
  });
});
