import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileCycles, folderCycles } from '../../scripts/check-cycles';

const SRC = join(__dirname, '../../src');
const scratch = mkdtempSync(join(tmpdir(), 'grokscope-cycles-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const root = join(scratch, name, 'src');
  for (const [path, code] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), code);
  }
  return root;
}

describe('import cycles between folders', () => {
  it('finds a cycle made by static imports, with the imports that make it', () => {
    const root = tree('static', {
      'a/x.ts': "import { y } from '../b/y';\nexport const x = y;\n",
      'b/y.ts': "import type { Z } from '../a/z';\nexport const y: Z = 1;\n",
      'a/z.ts': 'export type Z = number;\n',
    });
    expect(fileCycles(root)).toEqual([]);
    expect(folderCycles(root)).toEqual([{ folders: ['src/a', 'src/b'], edges: ['src/a/x.ts -> src/b/y.ts', 'src/b/y.ts -> src/a/z.ts'] }]);
  });

  it('counts dynamic import(), re-exports and .svelte.ts modules, and ignores imports in comments', () => {
    const root = tree('dynamic', {
      'a/x.ts': "export const load = () => import('../b/y');\n",
      'b/y.ts': "export * from '../c/w.svelte';\n// import { x } from '../a/x';\n",
      'c/w.svelte.ts': "export { x } from '../a/x';\n",
      'd/v.ts': "/* import '../a/x' */ export const v = 1;\n",
    });
    expect(folderCycles(root).map((c) => c.folders)).toEqual([['src/a', 'src/b', 'src/c']]);
    expect(fileCycles(root)).toEqual([['src/a/x.ts', 'src/b/y.ts', 'src/c/w.svelte.ts']]);
  });

  it('finds none in a tree whose folders import one way', () => {
    const root = tree('clean', { 'a/x.ts': "import { y } from '../b/y';\nexport const x = y;\n", 'b/y.ts': 'export const y = 1;\n' });
    expect(folderCycles(root)).toEqual([]);
  });

  it('src has no file that imports itself back through others', () => {
    expect(fileCycles(SRC)).toEqual([]);
  });

  it('src has no cycle between folders', () => {
    expect(folderCycles(SRC).map((c) => c.edges)).toEqual([]);
  });
});
