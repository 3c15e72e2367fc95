// The Large Movie Review Dataset (Maas et al. 2011) as the user keeps it: an aclImdb folder with train/pos, train/neg,
// test/pos and test/neg, one review per .txt file. Reviews are lower-cased, their <br /> tags dropped and split into
// words (letters, digits, apostrophes). A missing folder, a folder without reviews or an empty or unreadable review
// is refused with the path and the problem.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from './idx';

export interface Review {
  file: string;
  /** 1 positive, 0 negative */
  label: number;
  words: string[];
}

export function tokenize(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/<br\s*\/?>/g, ' ')
      .match(/[a-z0-9]+(?:'[a-z0-9]+)*/g) ?? []
  );
}

function listReviews(dir: string): string[] {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new DatasetError(`${dir}: no such folder (an aclImdb folder holds train/pos, train/neg, test/pos and test/neg)`);
  }
  if (!st.isDirectory()) throw new DatasetError(`${dir}: not a folder`);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort();
  if (files.length === 0) throw new DatasetError(`${dir}: no .txt reviews in this folder`);
  return files.map((f) => join(dir, f));
}

/** Every review of train/ and test/ (both are pooled: 003 App. A holds back its own 25% for testing). */
export function readAclImdb(root: string): Review[] {
  const out: Review[] = [];
  for (const part of ['train', 'test'])
    for (const [sub, label] of [
      ['pos', 1],
      ['neg', 0],
    ] as const)
      for (const file of listReviews(join(root, part, sub))) {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (e) {
          throw new DatasetError(`${file}: cannot read (${(e as Error).message})`);
        }
        const words = tokenize(text);
        if (words.length === 0) throw new DatasetError(`${file}: empty review (no words)`);
        out.push({ file, label, words });
      }
  return out;
}

/** The `size` most frequent words of `reviews` (ties alphabetical), with ids 1..size (0 is padding). */
export function buildVocabulary(reviews: Review[], size: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of reviews) for (const w of r.words) counts.set(w, (counts.get(w) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, size);
  return new Map(ranked.map(([w], i) => [w, i + 1]));
}

/** The kept words' ids, cut to the first maxLen and left-padded with 0 (so the last position is the review's end). */
export function encodeReview(words: string[], vocab: Map<string, number>, maxLen: number): Int32Array {
  const ids = words
    .map((w) => vocab.get(w))
    .filter((id): id is number => id !== undefined)
    .slice(0, maxLen);
  const out = new Int32Array(maxLen);
  out.set(ids, maxLen - ids.length);
  return out;
}
