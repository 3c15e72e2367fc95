// The Omnigrok datasets (003): teacher-student, MNIST subsets and §5.2 messiness, §5.1 representation messiness,
// IMDb (aclImdb folder) and QM9 (CSV / .xyz) readers, on data the tests generate or write.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ImdbTaskSchema,
  MessinessTaskSchema,
  MnistTaskSchema,
  Qm9TaskSchema,
  TeacherStudentTaskSchema,
} from '../../src/shared/config/run-config';
import { createTeacher, teacherForward } from '../../src/main/compute/datasets/teacher-student';
import { readImagePair } from '../../src/main/compute/datasets/idx';
import { encodeReview, tokenize } from '../../src/main/compute/datasets/imdb';
import { graphFromSmiles, parseQm9Xyz } from '../../src/main/compute/datasets/qm9';
import { parseSmiles } from '../../src/main/compute/datasets/smiles';
import { buildTeacherStudentDataset, teacherSpec } from '../../src/main/compute/tasks/teacher-student';
import { buildMnistDataset, defaultMnistFiles } from '../../src/main/compute/tasks/mnist';
import { buildMessinessDataset, messyRepresentation } from '../../src/main/compute/tasks/messiness';
import { buildImdbDataset } from '../../src/main/compute/tasks/imdb';
import { buildQm9Dataset } from '../../src/main/compute/tasks/qm9';

const tmp = mkdtempSync(join(tmpdir(), 'grokscope-omni-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('teacher-student (003 §3)', () => {
  const task = TeacherStudentTaskSchema.parse({ kind: 'teacher-student' });
  it('labels N(0, I) inputs with a 5-100-100-5 tanh teacher at PyTorch default init', () => {
    const ds = buildTeacherStudentDataset(task);
    expect(ds.train.size).toBe(100);
    expect(ds.val.size).toBe(100);
    const x = ds.train.inputs.kind === 'dense' ? ds.train.inputs.values : new Float32Array();
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(0.15);
    expect(variance).toBeGreaterThan(0.8);
    expect(variance).toBeLessThan(1.2);
    const layers = createTeacher(teacherSpec(task));
    expect(layers.map((l) => [l.inDim, l.outDim])).toEqual([
      [5, 100],
      [100, 100],
      [100, 5],
    ]);
    for (const l of layers) expect(Math.max(...l.w.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(l.inDim));
    // an independent forward pass (tanh by hand) reproduces the targets
    const row = Array.from(x.subarray(0, 5));
    let h = row;
    layers.forEach((l, k) => {
      const y = Array.from({ length: l.outDim }, (_, j) => l.b[j]! + h.reduce((s, hi, i) => s + hi * l.w[i * l.outDim + j]!, 0));
      h = k < layers.length - 1 ? y.map(Math.tanh) : y;
    });
    h.forEach((v, j) => expect(ds.train.targets[j]).toBeCloseTo(v, 5));
    expect(Array.from(teacherForward(layers, row, 'tanh')).map((v) => Math.fround(v))).toEqual(Array.from(ds.train.targets.subarray(0, 5)));
    expect(ds.accuracy).toEqual({ kind: 'threshold', beta: 0.01 });
  });
  it('gets a different teacher from another teacherSeed and the same data from the same seeds', () => {
    const a = buildTeacherStudentDataset(task);
    const b = buildTeacherStudentDataset(TeacherStudentTaskSchema.parse({ kind: 'teacher-student', teacherSeed: 2 }));
    expect(a.train.inputs).toEqual(b.train.inputs);
    expect(a.train.targets).not.toEqual(b.train.targets);
    expect(buildTeacherStudentDataset(task).train.targets).toEqual(a.train.targets);
  });
});

describe('MNIST (003 §4, §5.2)', () => {
  const files = defaultMnistFiles();
  const raw = readImagePair(files.trainImages, files.trainLabels);
  it('takes a seeded random subset of N training images and a fixed test subset', () => {
    const ds = buildMnistDataset(MnistTaskSchema.parse({ kind: 'mnist', trainSize: 300, evalSize: 200 }));
    expect(ds.train.size).toBe(300);
    expect(ds.val.size).toBe(200);
    expect(ds.inputDim).toBe(784);
    expect(ds.outDim).toBe(10);
    // every training row is a real MNIST image with its own label
    const x = ds.train.inputs.kind === 'dense' ? ds.train.inputs.values : new Float32Array();
    // a 52-bit key per image from two FNV-1a hashes of its pixel bytes (the pixels are compared in full below)
    const key = (img: Float32Array) => {
      let a = 0x811c9dc5;
      let b = 0x01000193;
      for (const v of img) {
        const byte = Math.round(v * 255);
        a = Math.imul(a ^ byte, 0x01000193) >>> 0;
        b = Math.imul(b ^ byte ^ 0x5a, 0x0100019d) >>> 0;
      }
      return a * 2 ** 20 + (b & 0xfffff);
    };
    const index = new Map<number, number>();
    for (let i = 0; i < raw.n; i++) index.set(key(raw.images.subarray(i * 784, (i + 1) * 784)), i);
    const seen = new Set<number>();
    for (let r = 0; r < ds.train.size; r++) {
      const i = index.get(key(x.subarray(r * 784, (r + 1) * 784)));
      expect(i).toBeDefined();
      expect(Array.from(raw.images.subarray(i! * 784, (i! + 1) * 784))).toEqual(Array.from(x.subarray(r * 784, (r + 1) * 784)));
      expect(ds.train.labels[r]).toBe(raw.labels[i!]);
      expect(ds.train.targets[r * 10 + raw.labels[i!]!]).toBe(1);
      seen.add(i!);
    }
    expect(seen.size).toBe(300); // distinct images
    const again = buildMnistDataset(MnistTaskSchema.parse({ kind: 'mnist', trainSize: 300, evalSize: 200 }));
    expect(again.train.labels).toEqual(ds.train.labels);
    const other = buildMnistDataset(MnistTaskSchema.parse({ kind: 'mnist', trainSize: 300, evalSize: 200, subsetSeed: 1 }));
    expect(other.train.labels).not.toEqual(ds.train.labels);
    expect(other.val.labels).toEqual(ds.val.labels); // the test subset has its own seed
    expect(buildMnistDataset(MnistTaskSchema.parse({ kind: 'mnist', trainSize: 10 })).val.size).toBe(10_000);
  });
  it('interpolates raw images and the label representation by m (§5.2)', () => {
    const lin = buildMnistDataset(MnistTaskSchema.parse({ kind: 'mnist', trainSize: 20, evalSize: 5, messiness: 0 }));
    const half = buildMnistDataset(MnistTaskSchema.parse({ kind: 'mnist', trainSize: 20, evalSize: 5, messiness: 0.5 }));
    const rawDs = buildMnistDataset(MnistTaskSchema.parse({ kind: 'mnist', trainSize: 20, evalSize: 5 }));
    const v = (d: typeof lin) => (d.train.inputs.kind === 'dense' ? d.train.inputs.values : new Float32Array());
    for (let r = 0; r < 20; r++) {
      expect(new Set(v(lin).subarray(r * 784, (r + 1) * 784))).toEqual(new Set([lin.train.labels[r]]));
      for (const k of [0, 300, 783]) expect(v(half)[r * 784 + k]).toBeCloseTo(0.5 * v(rawDs)[r * 784 + k]! + 0.5 * lin.train.labels[r]!, 6);
    }
  });
  it('refuses a training size beyond the file and names missing files', () => {
    expect(() => buildMnistDataset(MnistTaskSchema.parse({ kind: 'mnist', trainSize: 70_000 }))).toThrow(/trainSize is 70000.*only 60000/);
    const t = MnistTaskSchema.parse({ kind: 'mnist', trainImages: join(tmp, 'nope-images'), trainLabels: join(tmp, 'nope-labels') });
    expect(() => buildMnistDataset(t)).toThrow(/nope-images: no such file/);
  });
});

describe('representation messiness (003 §5.1, App. E)', () => {
  it('R = m·R_random + (1 − m)·R_linear, inputs E_i + E_j, targets the template of i + j', () => {
    const lin = messyRepresentation(7, 3, 0, 0);
    expect(Array.from(lin)).toEqual([0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0, 0, 5, 0, 0, 6, 0, 0]);
    const rnd = messyRepresentation(7, 3, 1, 0);
    const mid = messyRepresentation(7, 3, 0.25, 0);
    mid.forEach((v, k) => expect(v).toBeCloseTo(0.25 * rnd[k]! + 0.75 * lin[k]!, 6));
    const ds = buildMessinessDataset(
      MessinessTaskSchema.parse({ kind: 'messiness', p: 7, reprDim: 3, messiness: 0.25, trainFraction: 0.6 }),
    );
    expect(ds.train.size + ds.val.size).toBe(49);
    expect(ds.train.size).toBe(29);
    expect(ds.outDim).toBe(30);
    if (ds.accuracy.kind !== 'nearest' || ds.train.inputs.kind !== 'dense') throw new Error('unexpected dataset');
    const templates = ds.accuracy.templates;
    expect(templates.length).toBe(13 * 30);
    const x = ds.train.inputs.values;
    for (let r = 0; r < ds.train.size; r++) {
      const k = ds.train.labels[r]!;
      expect(Array.from(ds.train.targets.subarray(r * 30, (r + 1) * 30))).toEqual(Array.from(templates.subarray(k * 30, (k + 1) * 30)));
      // some (i, j) with i + j = k gives this input
      const ok = Array.from({ length: 7 }, (_, i) => k - i)
        .filter((j) => j >= 0 && j < 7)
        .some((j) => [0, 1, 2].every((d) => Math.abs(x[r * 3 + d]! - mid[(k - j) * 3 + d]! - mid[j * 3 + d]!) < 1e-5));
      expect(ok).toBe(true);
    }
  });
});

function writeAclImdb(root: string, reviews: { part: string; sub: string; name: string; text: string }[]) {
  for (const part of ['train', 'test']) for (const sub of ['pos', 'neg']) mkdirSync(join(root, part, sub), { recursive: true });
  for (const r of reviews) writeFileSync(join(root, r.part, r.sub, r.name), r.text);
}

describe('IMDb reader (aclImdb folder)', () => {
  it('tokenises, keeps the top-K words of the training pool, cuts and left-pads', () => {
    expect(tokenize("A great film!<br /><br />It's GREAT, isn't it?")).toEqual(['a', 'great', 'film', "it's", 'great', "isn't", 'it']);
    const vocab = new Map([
      ['great', 1],
      ['film', 2],
    ]);
    expect(Array.from(encodeReview(['a', 'great', 'film', 'x'], vocab, 4))).toEqual([0, 0, 1, 2]);
    expect(Array.from(encodeReview(['great', 'film', 'great', 'film', 'great'], vocab, 3))).toEqual([1, 2, 1]);
    const root = join(tmp, 'aclImdb');
    const reviews = [];
    for (let i = 0; i < 12; i++) {
      const pos = i % 2 === 0;
      reviews.push({
        part: i < 8 ? 'train' : 'test',
        sub: pos ? 'pos' : 'neg',
        name: `${i}_${pos ? 8 : 2}.txt`,
        text: pos ? `good fine film number${i} good` : `bad awful film number${i} bad`,
      });
    }
    writeAclImdb(root, reviews);
    const ds = buildImdbDataset(
      ImdbTaskSchema.parse({ kind: 'imdb', path: root, vocabSize: 5, maxLen: 6, trainSize: 6, testFraction: 0.25 }),
    );
    expect(ds.train.size).toBe(6);
    expect(ds.val.size).toBe(3);
    expect(ds.vocabSize).toBe(6); // 5 words + padding
    expect(ds.seqLen).toBe(6);
    if (ds.train.inputs.kind !== 'tokens') throw new Error('tokens expected');
    const ids = ds.train.inputs.ids;
    for (let r = 0; r < 6; r++) {
      const row = Array.from(ids.subarray(r * 6, r * 6 + 6));
      expect(row[0]).toBe(0); // 5 words, 4 of them in the vocabulary ('numberN' is rare) → padded on the left
      expect(row.filter((v) => v > 0).length).toBe(4);
      expect(ds.train.targets[r * 2 + ds.train.labels[r]!]).toBe(1);
    }
  });
  it('names a missing folder and an empty review', () => {
    expect(() => buildImdbDataset(ImdbTaskSchema.parse({ kind: 'imdb', path: join(tmp, 'nowhere') }))).toThrow(
      /nowhere[/\\]train[/\\]pos: no such folder/,
    );
    const root = join(tmp, 'broken');
    writeAclImdb(root, [
      { part: 'train', sub: 'pos', name: '1.txt', text: 'fine' },
      { part: 'train', sub: 'neg', name: '2.txt', text: '<br />' },
      { part: 'test', sub: 'pos', name: '3.txt', text: 'fine' },
    ]);
    expect(() => buildImdbDataset(ImdbTaskSchema.parse({ kind: 'imdb', path: root }))).toThrow(/train[/\\]neg[/\\]2\.txt: empty review/);
    writeFileSync(join(root, 'train', 'neg', '2.txt'), 'bad');
    expect(() => buildImdbDataset(ImdbTaskSchema.parse({ kind: 'imdb', path: root }))).toThrow(/test[/\\]neg: no \.txt reviews/);
  });
});

// The first molecules of QM9 in the original .xyz layout (gdb 1: methane; gdb 5: hydrogen cyanide).
const METHANE_XYZ = `5
gdb 1\t157.7118\t157.70997\t157.70699\t0.\t13.21\t-0.3877\t0.1171\t0.5048\t35.3641\t0.044749\t-40.47893\t-40.476062\t-40.475117\t-40.498597\t6.469\t
C\t-0.0126981359\t 1.0858041578\t 0.0080009958\t-0.535689
H\t 0.002150416\t-0.0060313176\t 0.0019761204\t 0.133921
H\t 1.0117308433\t 1.4637511618\t 0.0002765748\t 0.133922
H\t-0.540815069\t 1.4475266138\t-0.8766437152\t 0.133923
H\t-0.5238136345\t 1.4379326443\t 0.9063972942\t 0.133923
1341.307\t1341.3284\t1341.365\t1562.6731\t1562.7453\t3038.3205\t3151.6034\t3151.6788\t3151.7078
C\tC\t
InChI=1S/CH4/h1H4\tInChI=1S/CH4/h1H4
`;
const HCN_XYZ = `3
gdb 5\t0.\t44.593883\t44.593883\t2.8937\t12.99\t-0.3604\t0.0191\t0.3796\t48.7476\t0.016601\t-93.411888\t-93.40937\t-93.408425\t-93.431246\t6.278\t
C\t-0.0133239314\t 1.1324657151\t 0.0082758861\t 0.033288
N\t 0.0023119269\t-0.0191661297\t 0.0016837729\t-0.336585
H\t-0.0278268027\t 2.1989657039\t 0.0146200117\t 0.303297
2147.5533\t2147.6229\t3584.3458
C#N\tC#N\t
InChI=1S/CHN/c1-2/h1H\tInChI=1S/CHN/c1-2/h1H
`;

describe('QM9 reader (CSV with SMILES, or .xyz files)', () => {
  it('reads SMILES of QM9 molecules into heavy-atom graphs with hydrogen counts', () => {
    const h = (s: string) => parseSmiles(s).atoms.map((a) => a.hydrogens);
    expect(h('C')).toEqual([4]);
    expect(h('CC#N')).toEqual([3, 0, 0]);
    expect(h('c1ccccc1')).toEqual([1, 1, 1, 1, 1, 1]);
    expect(h('c1cc[nH]c1')).toEqual([1, 1, 1, 1, 1]);
    expect(h('c1ccncc1')).toEqual([1, 1, 1, 0, 1, 1]);
    expect(h('[NH3+]CC([O-])=O')).toEqual([3, 2, 0, 0, 0]);
    expect(h('OC1CC2CC1O2')).toEqual([1, 1, 2, 1, 2, 1, 0]);
    expect(parseSmiles('[C@@H](F)(Cl)Br').atoms.map((a) => a.element)).toEqual(['C', 'F', 'Cl', 'Br']);
    const benzene = graphFromSmiles('c1ccccc1');
    expect(benzene.nodes).toBe(6);
    expect(benzene.edges.length).toBe(6);
    expect(() => parseSmiles('C1CC')).toThrow(/unclosed ring 1/);
    expect(() => parseSmiles('CX')).toThrow(/position 2: unexpected character "X"/);
  });
  it('reads .xyz files: the property from line 2, bonds from distances, the same graph as the SMILES', () => {
    const m = parseQm9Xyz(METHANE_XYZ, 'gdb1.xyz', 'alpha');
    expect(m.target).toBe(13.21);
    expect(m.graph).toEqual(graphFromSmiles('C'));
    const hcn = parseQm9Xyz(HCN_XYZ, 'gdb5.xyz', 'alpha');
    expect(hcn.target).toBe(12.99);
    expect(hcn.graph).toEqual(graphFromSmiles('C#N'));
    expect(() => parseQm9Xyz(METHANE_XYZ.split('\n').slice(0, 4).join('\n'), 'cut.xyz', 'alpha')).toThrow(/cut\.xyz: truncated: 5 atoms/);
    expect(() => parseQm9Xyz(METHANE_XYZ.replace('13.21', 'n/a'), 'bad.xyz', 'alpha')).toThrow(/bad\.xyz:2: alpha "n\/a" is not a number/);
  });
  it('builds a standardised train/test split from a CSV file or an .xyz folder, and names bad rows', () => {
    const csv = join(tmp, 'qm9.csv');
    const smiles = ['C', 'N', 'O', 'C#C', 'C#N', 'C=O', 'CO', 'CC', 'CCO', 'c1ccccc1'];
    writeFileSync(csv, 'mol_id,smiles,mu,alpha\n' + smiles.map((s, i) => `gdb_${i + 1},"${s}",0.1,${10 + 3 * i}`).join('\n') + '\n');
    const ds = buildQm9Dataset(Qm9TaskSchema.parse({ kind: 'qm9', path: csv, trainSize: 4, testFraction: 0.5 }));
    expect(ds.train.size).toBe(4);
    expect(ds.val.size).toBe(5);
    const t = Array.from(ds.train.targets);
    expect(t.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 5);
    expect(t.reduce((a, b) => a + b * b, 0) / 4).toBeCloseTo(1, 5);
    writeFileSync(csv, 'mol_id,smiles,alpha\ngdb_1,C,13.2\ngdb_2,C1C,14\n');
    expect(() => buildQm9Dataset(Qm9TaskSchema.parse({ kind: 'qm9', path: csv }))).toThrow(/qm9\.csv:3: SMILES "C1C".*unclosed ring/);
    writeFileSync(csv, 'mol_id,smiles,gap\ngdb_1,C,13.2\n');
    expect(() => buildQm9Dataset(Qm9TaskSchema.parse({ kind: 'qm9', path: csv }))).toThrow(
      /qm9\.csv: no column "alpha" in the header \(columns: mol_id, smiles, gap\)/,
    );
    const dir = join(tmp, 'xyz');
    mkdirSync(dir);
    writeFileSync(join(dir, 'dsgdb9nsd_000001.xyz'), METHANE_XYZ);
    writeFileSync(join(dir, 'dsgdb9nsd_000005.xyz'), HCN_XYZ);
    const x = buildQm9Dataset(Qm9TaskSchema.parse({ kind: 'qm9', path: dir, trainSize: 1 }));
    expect(x.train.size + x.val.size).toBe(2);
    expect(() => buildQm9Dataset(Qm9TaskSchema.parse({ kind: 'qm9', path: join(tmp, 'none') }))).toThrow(/none: no such file or folder/);
    mkdirSync(join(tmp, 'empty'));
    expect(() => buildQm9Dataset(Qm9TaskSchema.parse({ kind: 'qm9', path: join(tmp, 'empty') }))).toThrow(/empty: no \.xyz files/);
  });
});
