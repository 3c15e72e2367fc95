// Prints the import cycles between folders of src (a folder is every file directly in it: src/main/services,
// src/main/compute/train, ...) and between files, and exits 1 when there is one. A cycle between folders means neither
// can be understood, tested or moved without the other. Static imports, re-exports,
// dynamic import() and `import('x').T` type references all count: a type-only edge still ties the folders' designs.
//   npm run check:cycles [-- ROOT]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One import from `from` to `to` (both paths relative to the root's parent, e.g. src/main/store/db.ts). */
export interface ImportEdge {
  from: string;
  to: string;
}

export interface FolderCycle {
  /** the folders that import each other, sorted */
  folders: string[];
  /** the file imports that join them, one line each: "a.ts -> b.ts" */
  edges: string[];
}

const SOURCE = /\.(ts|svelte)$/;
const SPECIFIERS = [
  /\bimport\s+(?:type\s+)?[^'"();]*?\bfrom\s*['"]([^'"]+)['"]/g, // import x from '...'
  /\bexport\s+(?:type\s+)?(?:\*|\{[^}]*\})\s*(?:as\s+\w+\s*)?from\s*['"]([^'"]+)['"]/g, // export { x } from '...'
  /\bimport\s*['"]([^'"]+)['"]/g, // import '...'
  /\bimport\s*\(\s*(?:\/\*[^*]*\*\/\s*)?['"]([^'"]+)['"]\s*\)/g, // import('...'), also in type positions
];

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listSources(p));
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The file a relative specifier names, as the bundler resolves it; null for one that leaves the tree or is not a source. */
function resolveSpecifier(fromFile: string, spec: string): string | null {
  const base = resolve(dirname(fromFile), spec);
  const stem = base.replace(/\.js$/, '');
  for (const p of [base, `${stem}.ts`, `${stem}.svelte.ts`, join(base, 'index.ts')]) {
    if (existsSync(p) && statSync(p).isFile() && SOURCE.test(p)) return p;
  }
  return null;
}

/** Comments are dropped so that an import quoted in a comment does not count. */
const stripComments = (code: string): string => code.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');

export function importEdges(root: string): ImportEdge[] {
  const top = dirname(resolve(root));
  const edges: ImportEdge[] = [];
  for (const file of listSources(resolve(root))) {
    const code = stripComments(readFileSync(file, 'utf8'));
    const seen = new Set<string>();
    for (const re of SPECIFIERS) {
      for (const m of code.matchAll(re)) {
        const spec = m[1]!;
        if (!spec.startsWith('.')) continue;
        const to = resolveSpecifier(file, spec);
        if (!to || seen.has(to)) continue;
        seen.add(to);
        edges.push({ from: relative(top, file), to: relative(top, to) });
      }
    }
  }
  return edges;
}

/** Strongly connected components of a directed graph (Tarjan), each with more than one node. */
function tangled(nodes: string[], next: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return out;
}

export function folderCycles(root: string): FolderCycle[] {
  const edges = importEdges(root).filter((e) => dirname(e.from) !== dirname(e.to));
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = dirname(e.from);
    if (!next.has(a)) next.set(a, new Set());
    next.get(a)!.add(dirname(e.to));
  }
  return tangled([...next.keys()].sort(), next).map((folders) => {
    const inside = new Set(folders);
    return {
      folders,
      edges: edges.filter((e) => inside.has(dirname(e.from)) && inside.has(dirname(e.to))).map((e) => `${e.from} -> ${e.to}`),
    };
  });
}

/** Groups of files that import each other (directly or round about), inside a folder or across folders. */
export function fileCycles(root: string): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of importEdges(root)) {
    if (!next.has(e.from)) next.set(e.from, new Set());
    next.get(e.from)!.add(e.to);
  }
  return tangled([...next.keys()].sort(), next);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
  const cycles = folderCycles(root);
  for (const c of cycles) {
    console.log(`cycle between ${c.folders.length} folders: ${c.folders.join(', ')}`);
    for (const e of c.edges) console.log(`  ${e}`);
  }
  const files = fileCycles(root);
  for (const c of files) console.log(`cycle between ${c.length} files: ${c.join(', ')}`);
  if (cycles.length > 0 || files.length > 0) process.exit(1);
  console.log('no import cycle between folders or files');
}
