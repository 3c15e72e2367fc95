// Tiny task files in the formats the Omnigrok tasks read (IDX images, an aclImdb tree, a QM9 CSV), written under a
// test's temporary directory: `file(name)` gives the path for a name.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../src/shared/analysis/rng';

type FileOf = (name: string) => string;

/** An IDX file: magic [0, 0, 0x08 (unsigned byte), rank], big-endian dims, then the bytes. */
export function idx(dims: number[], payload: Uint8Array): Uint8Array {
  const head = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  head.setUint8(2, 0x08);
  head.setUint8(3, dims.length);
  dims.forEach((d, i) => head.setUint32(4 + 4 * i, d, false));
  return Uint8Array.from([...new Uint8Array(head.buffer), ...payload]);
}

/** MNIST-like IDX files: 7×7 images of 10 classes. */
export function mnistLike(file: FileOf) {
  const r = seededRandom(8);
  const files: Record<string, string> = {};
  for (const [split, n] of [
    ['train', 60],
    ['test', 20],
  ] as const) {
    const labels = Uint8Array.from({ length: n }, (_, i) => (i * 7) % 10);
    const pixels = Uint8Array.from({ length: n * 49 }, (_, k) =>
      k % 49 === (labels[Math.floor(k / 49)]! * 4) % 49 ? 255 : Math.floor(90 * r.next()),
    );
    files[`${split}Images`] = file(`${split}-img`);
    files[`${split}Labels`] = file(`${split}-lab`);
    writeFileSync(files[`${split}Images`]!, idx([n, 7, 7], pixels));
    writeFileSync(files[`${split}Labels`]!, idx([n], labels));
  }
  return files;
}

export function aclImdb(file: FileOf): string {
  const root = file('aclImdb');
  const words = { pos: ['great', 'fine', 'superb'], neg: ['awful', 'dull', 'poor'] };
  let k = 0;
  for (const part of ['train', 'test'])
    for (const sub of ['pos', 'neg'] as const) {
      mkdirSync(join(root, part, sub), { recursive: true });
      for (let i = 0; i < 6; i++)
        writeFileSync(
          join(root, part, sub, `${k++}_${sub === 'pos' ? 8 : 2}.txt`),
          `the film ${words[sub][i % 3]} plot ${words[sub][(i + 1) % 3]} was`,
        );
    }
  return root;
}

export function qm9(file: FileOf): string {
  const smiles = ['C', 'N', 'O', 'C#C', 'C=O', 'CO', 'CC', 'CCO', 'CC(C)C', 'CCN', 'C1CC1', 'CC#N', 'c1ccccc1', 'OCC(N)=O'];
  const csv = file('qm9.csv');
  writeFileSync(
    csv,
    'mol_id,smiles,alpha\n' + smiles.map((s, i) => `gdb_${i},${s},${(5 + 6 * s.length + (i % 4)).toFixed(2)}`).join('\n') + '\n',
  );
  return csv;
}
