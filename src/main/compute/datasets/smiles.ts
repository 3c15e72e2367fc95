// A SMILES reader for the molecules of QM9 (and other small organic molecules): atoms of the organic subset (B C N O P
// S F Cl Br I, aromatic b c n o p s) and bracket atoms ([NH3+], [C@@H], [nH], [O-]), bonds - = # : / \, branches,
// ring closures (digits and %nn) and '.'. Hydrogens become a count on their heavy atom: implicit ones from the
// element's lowest valence that fits (aromatic atoms use one valence unit for the ring), explicit ones from brackets.
// Stereo marks are read and ignored. A string it cannot read gets an error saying where.

export interface SmilesAtom {
  element: string;
  aromatic: boolean;
  hydrogens: number;
  charge: number;
}

export interface SmilesMolecule {
  atoms: SmilesAtom[];
  /** [a, b, order] with order 1, 2, 3 or 1.5 (aromatic) */
  bonds: [number, number, number][];
}

const VALENCES: Record<string, number[]> = { B: [3], C: [4], N: [3, 5], O: [2], P: [3, 5], S: [2, 4, 6], F: [1], Cl: [1], Br: [1], I: [1] };
const AROMATIC = new Set(['b', 'c', 'n', 'o', 'p', 's']);

export class SmilesError extends Error {}

export function parseSmiles(s: string): SmilesMolecule {
  const atoms: SmilesAtom[] = [];
  const bonds: [number, number, number][] = [];
  const implicit: boolean[] = [];
  const stack: number[] = [];
  const rings = new Map<number, { atom: number; order: number | null }>();
  let prev: number | null = null;
  let pending: number | null = null;
  let i = 0;
  const fail = (why: string): never => {
    throw new SmilesError(`SMILES "${s}" at position ${i + 1}: ${why}`);
  };
  const addAtom = (a: SmilesAtom, isImplicit: boolean) => {
    const idx = atoms.length;
    atoms.push(a);
    implicit.push(isImplicit);
    if (prev !== null) bonds.push([prev, idx, pending ?? (a.aromatic && atoms[prev]!.aromatic ? 1.5 : 1)]);
    prev = idx;
    pending = null;
  };
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === '(') {
      if (prev === null) fail('branch before any atom');
      stack.push(prev!);
      i++;
    } else if (ch === ')') {
      if (!stack.length) fail('unmatched )');
      prev = stack.pop()!;
      i++;
    } else if ('-=#:/\\'.includes(ch)) {
      pending = ch === '=' ? 2 : ch === '#' ? 3 : ch === ':' ? 1.5 : 1;
      i++;
    } else if (ch === '.') {
      prev = null;
      i++;
    } else if (ch === '[') {
      const end = s.indexOf(']', i);
      if (end < 0) fail('unclosed [');
      const m = /^(\d*)([A-Z][a-z]?|[bcnops]|se|as)(@{1,2}(?:TH\d|AL\d|SP\d|TB\d+|OH\d+)?)?(H\d?)?([+-]+\d*)?(:\d+)?$/.exec(
        s.slice(i + 1, end),
      );
      if (!m) fail(`cannot read the bracket atom [${s.slice(i + 1, end)}]`);
      const sym = m![2]!;
      const aromatic = sym === sym.toLowerCase();
      const h = m![4] ? (m![4].length > 1 ? Number(m![4].slice(1)) : 1) : 0;
      let charge = 0;
      if (m![5]) {
        const signs = m![5].match(/[+-]/g)!;
        const digits = m![5].replace(/[+-]/g, '');
        charge = (signs[0] === '+' ? 1 : -1) * (digits ? Number(digits) : signs.length);
      }
      addAtom({ element: aromatic ? sym[0]!.toUpperCase() + sym.slice(1) : sym, aromatic, hydrogens: h, charge }, false);
      i = end + 1;
    } else if (ch === '%' || (ch >= '0' && ch <= '9')) {
      if (prev === null) fail('ring closure before any atom');
      const num = ch === '%' ? Number(s.slice(i + 1, i + 3)) : Number(ch);
      if (ch === '%' && !/^\d\d$/.test(s.slice(i + 1, i + 3))) fail('% must be followed by two digits');
      i += ch === '%' ? 3 : 1;
      const open = rings.get(num);
      if (open) {
        const a = atoms[open.atom]!;
        const b = atoms[prev!]!;
        bonds.push([open.atom, prev!, pending ?? open.order ?? (a.aromatic && b.aromatic ? 1.5 : 1)]);
        rings.delete(num);
      } else rings.set(num, { atom: prev!, order: pending });
      pending = null;
    } else {
      const two = s.slice(i, i + 2);
      const sym = two === 'Cl' || two === 'Br' ? two : ch;
      if (!(sym in VALENCES) && !AROMATIC.has(sym)) fail(`unexpected character "${ch}"`);
      const aromatic = AROMATIC.has(sym);
      addAtom({ element: aromatic ? sym.toUpperCase() : sym, aromatic, hydrogens: 0, charge: 0 }, true);
      i += sym.length;
    }
  }
  if (stack.length) fail('unclosed (');
  if (rings.size) fail(`unclosed ring ${[...rings.keys()].join(', ')}`);
  if (!atoms.length) fail('no atoms');
  // implicit hydrogens of the organic subset: the lowest valence ≥ the bonds' total, minus that total
  const used = new Float64Array(atoms.length);
  for (const [a, b, o] of bonds) {
    used[a] = used[a]! + (o === 1.5 ? 1 : o);
    used[b] = used[b]! + (o === 1.5 ? 1 : o);
  }
  atoms.forEach((a, k) => {
    if (!implicit[k]) return;
    const u = used[k]! + (a.aromatic ? 1 : 0);
    const v = VALENCES[a.element]!.find((x) => x >= u);
    a.hydrogens = v === undefined ? 0 : v - u;
  });
  return { atoms, bonds };
}
