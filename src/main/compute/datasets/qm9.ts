// QM9 (Ramakrishnan et al. 2014) as the user keeps it: either a CSV with a SMILES column and property columns (as
// MoleculeNet/DeepChem ship qm9.csv: mol_id, smiles, A, B, C, mu, alpha, …), or a folder of the original
// dsgdb9nsd_*.xyz files (atom count; "gdb id A B C mu alpha …"; one line per atom "El x y z q"; frequencies; SMILES;
// InChI). Every molecule becomes the same kind of graph: heavy atoms as nodes with their hydrogens as a count, bonds
// as edges (from the SMILES in a CSV; from interatomic distances in an .xyz file). Bad input gets an error naming the
// file (and line) and the problem.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from './idx';
import { parseSmiles, SmilesError } from './smiles';

/** A small undirected graph: node features [nodes, featureDim] row-major, edges as index pairs (each listed once). */
export interface Graph {
  nodes: number;
  features: Float32Array;
  edges: [number, number][];
}

export interface Molecule {
  source: string;
  graph: Graph;
  target: number;
}

/** Node features: one-hot element over ELEMENTS (others share the last slot), then attached hydrogens / 4. */
export const ELEMENTS = ['H', 'C', 'N', 'O', 'F', 'other'] as const;
export const NODE_FEATURES = ELEMENTS.length + 1;

function node(element: string, hydrogens: number, out: Float32Array, at: number): void {
  const e = ELEMENTS.indexOf(element as (typeof ELEMENTS)[number]);
  out[at + (e < 0 ? ELEMENTS.length - 1 : e)] = 1;
  out[at + ELEMENTS.length] = hydrogens / 4;
}

export function graphFromSmiles(smiles: string): Graph {
  const mol = parseSmiles(smiles);
  const features = new Float32Array(mol.atoms.length * NODE_FEATURES);
  mol.atoms.forEach((a, i) => node(a.element, a.hydrogens, features, i * NODE_FEATURES));
  return { nodes: mol.atoms.length, features, edges: mol.bonds.map(([a, b]) => [a, b]) };
}

/** Covalent radii (Å, Cordero et al. 2008); a bond is two atoms closer than 1.15 × the sum of their radii. */
const RADII: Record<string, number> = {
  H: 0.31,
  C: 0.76,
  N: 0.71,
  O: 0.66,
  F: 0.57,
  S: 1.05,
  Cl: 1.02,
  P: 1.07,
  B: 0.84,
  Br: 1.2,
  I: 1.39,
};
const BOND_TOLERANCE = 1.15;

export function graphFromAtoms(atoms: { element: string; x: number; y: number; z: number }[], file: string): Graph {
  for (const a of atoms) if (!(a.element in RADII)) throw new DatasetError(`${file}: unknown element "${a.element}"`);
  const bonded = (i: number, j: number) => {
    const a = atoms[i]!;
    const b = atoms[j]!;
    const d = Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);
    return d < BOND_TOLERANCE * (RADII[a.element]! + RADII[b.element]!);
  };
  const heavy = atoms.map((a, i) => (a.element === 'H' ? -1 : i)).filter((i) => i >= 0);
  const keep = heavy.length ? heavy : atoms.map((_, i) => i); // a molecule of hydrogens only keeps them as nodes
  const index = new Map(keep.map((a, k) => [a, k]));
  const hydrogens = new Array<number>(keep.length).fill(0);
  if (heavy.length)
    atoms.forEach((a, h) => {
      if (a.element !== 'H') return;
      // each hydrogen belongs to its nearest bonded heavy atom
      let best = -1;
      let bestD = Infinity;
      for (const i of heavy) {
        const d = Math.hypot(a.x - atoms[i]!.x, a.y - atoms[i]!.y, a.z - atoms[i]!.z);
        if (bonded(h, i) && d < bestD) [best, bestD] = [i, d];
      }
      if (best >= 0) hydrogens[index.get(best)!]! += 1;
    });
  const edges: [number, number][] = [];
  for (let a = 0; a < keep.length; a++) for (let b = a + 1; b < keep.length; b++) if (bonded(keep[a]!, keep[b]!)) edges.push([a, b]);
  const features = new Float32Array(keep.length * NODE_FEATURES);
  keep.forEach((i, k) => node(atoms[i]!.element, hydrogens[k]!, features, k * NODE_FEATURES));
  return { nodes: keep.length, features, edges };
}

/** Numbers of the .xyz files, which may be Mathematica-style "1.2*^-6". */
function xyzNumber(text: string, file: string, line: number, what: string): number {
  const v = Number(text.replace('*^', 'e'));
  if (text === '' || !Number.isFinite(v)) throw new DatasetError(`${file}:${line}: ${what} "${text}" is not a number`);
  return v;
}

/** Index of each property on an .xyz file's second line (after "gdb" and the molecule id). */
export const XYZ_PROPERTIES = ['A', 'B', 'C', 'mu', 'alpha', 'homo', 'lumo', 'gap', 'r2', 'zpve', 'U0', 'U', 'H', 'G', 'Cv'];

export function parseQm9Xyz(text: string, file: string, property: string): Molecule {
  const lines = text.split(/\r?\n/);
  const n = Number(lines[0]?.trim());
  if (!Number.isInteger(n) || n < 1) throw new DatasetError(`${file}:1: expected the number of atoms, found "${lines[0] ?? ''}"`);
  if (lines.length < n + 2)
    throw new DatasetError(
      `${file}: truncated: ${n} atoms announced, but the file has ${Math.max(0, lines.length - 2)} lines after the header`,
    );
  const props = lines[1]!.trim().split(/\s+/);
  const p = XYZ_PROPERTIES.indexOf(property);
  if (p < 0) throw new DatasetError(`${file}: task.targetColumn "${property}" is not a QM9 .xyz property (${XYZ_PROPERTIES.join(', ')})`);
  if (props.length < 2 + XYZ_PROPERTIES.length)
    throw new DatasetError(`${file}:2: expected "gdb <id>" and ${XYZ_PROPERTIES.length} properties, found ${props.length} fields`);
  const target = xyzNumber(props[2 + p]!, file, 2, property);
  const atoms = lines.slice(2, 2 + n).map((l, k) => {
    const f = l.trim().split(/\s+/);
    if (f.length < 4) throw new DatasetError(`${file}:${k + 3}: expected "element x y z", found "${l}"`);
    return {
      element: f[0]!,
      x: xyzNumber(f[1]!, file, k + 3, 'x'),
      y: xyzNumber(f[2]!, file, k + 3, 'y'),
      z: xyzNumber(f[3]!, file, k + 3, 'z'),
    };
  });
  return { source: file, graph: graphFromAtoms(atoms, file), target };
}

/** RFC 4180 fields of one line (quotes, doubled quotes inside quotes). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

export function parseQm9Csv(text: string, file: string, smilesColumn: string, targetColumn: string): Molecule[] {
  const lines = text.split(/\r?\n/);
  const header = csvFields(lines[0] ?? '');
  const col = (name: string) => {
    const exact = header.indexOf(name);
    const k = exact >= 0 ? exact : header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
    if (k < 0) throw new DatasetError(`${file}: no column "${name}" in the header (columns: ${header.join(', ')})`);
    return k;
  };
  const si = col(smilesColumn);
  const ti = col(targetColumn);
  const out: Molecule[] = [];
  lines.slice(1).forEach((line, k) => {
    if (!line.trim()) return;
    const f = csvFields(line);
    const where = `${file}:${k + 2}`;
    if (f.length !== header.length) throw new DatasetError(`${where}: ${f.length} fields, the header has ${header.length}`);
    const target = Number(f[ti]);
    if (f[ti] === '' || !Number.isFinite(target)) throw new DatasetError(`${where}: ${targetColumn} "${f[ti]}" is not a number`);
    let graph: Graph;
    try {
      graph = graphFromSmiles(f[si]!);
    } catch (e) {
      if (e instanceof SmilesError) throw new DatasetError(`${where}: ${e.message}`);
      throw e;
    }
    out.push({ source: where, graph, target });
  });
  if (!out.length) throw new DatasetError(`${file}: no molecules (only a header)`);
  return out;
}

/** A CSV file, or a folder of .xyz files (sorted by name). */
export function readQm9(path: string, smilesColumn: string, targetColumn: string): Molecule[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new DatasetError(`${path}: no such file or folder (give a QM9 .csv file or a folder of QM9 .xyz files)`);
  }
  const read = (f: string) => {
    try {
      return readFileSync(f, 'utf8');
    } catch (e) {
      throw new DatasetError(`${f}: cannot read (${(e as Error).message})`);
    }
  };
  if (!st.isDirectory()) return parseQm9Csv(read(path), path, smilesColumn, targetColumn);
  const files = readdirSync(path)
    .filter((f) => f.endsWith('.xyz'))
    .sort();
  if (!files.length) throw new DatasetError(`${path}: no .xyz files in this folder`);
  return files.map((f) => parseQm9Xyz(read(join(path, f)), join(path, f), targetColumn));
}
