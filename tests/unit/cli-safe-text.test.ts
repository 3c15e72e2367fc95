import { describe, expect, it } from 'vitest';
import { hasUnsafeChar, safeJson, safeLine, safeText } from '../../src/main/cli/safe-text';

const hex2 = (c: number) => c.toString(16).padStart(2, '0');
const BIDI = [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];

describe('safeText / safeLine', () => {
  it('escapes every C0 control but tab and newline as a visible \\xHH (safeText)', () => {
    for (let c = 0; c < 0x20; c++) {
      const s = `a${String.fromCharCode(c)}b`;
      if (c === 9 || c === 10) expect(safeText(s)).toBe(s);
      else expect(safeText(s)).toBe(`a\\x${hex2(c)}b`);
    }
  });
  it('escapes tab and newline too on one line (safeLine), so a name cannot break a table row', () => {
    expect(safeLine('a\tb\nc\rd')).toBe('a\\x09b\\x0ac\\x0dd');
  });
  it('escapes DEL, every C1 control, the line separators and the bidi controls', () => {
    expect(safeText('\x7f')).toBe('\\x7f');
    for (let c = 0x80; c <= 0x9f; c++) expect(safeText(String.fromCharCode(c))).toBe(`\\x${hex2(c)}`);
    for (const c of [0x2028, 0x2029, ...BIDI]) expect(safeText(String.fromCharCode(c))).toBe(`\\u${c.toString(16).padStart(4, '0')}`);
  });
  it('escapes lone surrogates but keeps pairs (emoji)', () => {
    expect(safeText('x\ud800y')).toBe('x\\ud800y');
    expect(safeText('\udc00')).toBe('\\udc00');
  });
  it('leaves accents, CJK, emoji (with ZWJ sequences), backslashes and ordinary punctuation alone', () => {
    const s = 'Müller café Ωμέγα 日本語 grokking 🚀 👩‍🔬 ÿ ¡ \\x1b literal · × →';
    expect(safeText(s)).toBe(s);
    expect(safeLine(s)).toBe(s);
    expect(hasUnsafeChar(s)).toBe(false);
  });
  it('turns an escape-sequence attack into inert text', () => {
    const evil = 'run\x1b[2J\x1b[H\rHACKED\b\u202egnp.exe\u009b31m';
    const safe = safeLine(evil);
    expect(hasUnsafeChar(safe)).toBe(false);
    expect(safe).toBe('run\\x1b[2J\\x1b[H\\x0dHACKED\\x08\\u202egnp.exe\\x9b31m');
  });
  it('is idempotent: escaping twice changes nothing more', () => {
    const once = safeLine('a\x1bb\u202e');
    expect(safeLine(once)).toBe(once);
  });
});

describe('safeJson', () => {
  it('writes the same data (parses back equal) with no raw control, bidi or separator character', () => {
    const v = { name: 'a\x1b[2J\u202e\u2028\u0085\x7f\ud800 🚀 é', n: 1 };
    const text = safeJson(v);
    expect(hasUnsafeChar(text.replace(/\n/g, ''))).toBe(false);
    expect(JSON.parse(text)).toEqual(v);
  });
});
