import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { energySpectrum, fftInPlace, irfft, powerSpectrum, rfft, rfftFreq } from '../../src/shared/analysis/fft';

interface RealCase {
  n: number;
  x: number[];
  rfft_re: number[];
  rfft_im: number[];
  freq: number[];
}
interface Fixture {
  real: RealCase[];
  complex: { n: number; re: number[]; im: number[]; fft_re: number[]; fft_im: number[] };
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/analysis/fft.json', import.meta.url), 'utf8')) as Fixture;

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
const maxAbs = (a: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
};

describe('fft against numpy.fft (fixture from gen_fft.py)', () => {
  for (const c of fixture.real) {
    it(`rfft of a random signal of length ${c.n} matches numpy.fft.rfft`, () => {
      const X = rfft(c.x);
      const scale = maxAbs(c.rfft_re) + maxAbs(c.rfft_im);
      expect(X.re.length).toBe(Math.floor(c.n / 2) + 1);
      expect(maxAbsDiff(X.re, c.rfft_re) / scale).toBeLessThan(1e-12);
      expect(maxAbsDiff(X.im, c.rfft_im) / scale).toBeLessThan(1e-12);
      expect(maxAbsDiff(rfftFreq(c.n), c.freq)).toBeLessThan(1e-15);
    });
    it(`irfft(rfft(x)) returns x for length ${c.n}`, () => {
      expect(maxAbsDiff(irfft(rfft(c.x)), c.x)).toBeLessThan(1e-12);
    });
    it(`the energy spectrum of length ${c.n} satisfies Parseval`, () => {
      const energy = c.x.reduce((s, v) => s + v * v, 0);
      const spectral = powerSpectrum(c.x).reduce((s, v) => s + v, 0);
      expect(Math.abs(spectral - energy) / energy).toBeLessThan(1e-12);
    });
  }

  it('the complex transform of length 401 (Bluestein) matches numpy.fft.fft, and its inverse undoes it', () => {
    const { re, im, fft_re, fft_im } = fixture.complex;
    const r = Float64Array.from(re);
    const i = Float64Array.from(im);
    fftInPlace(r, i);
    const scale = maxAbs(fft_re) + maxAbs(fft_im);
    expect(maxAbsDiff(r, fft_re) / scale).toBeLessThan(1e-12);
    expect(maxAbsDiff(i, fft_im) / scale).toBeLessThan(1e-12);
    fftInPlace(r, i, true);
    expect(maxAbsDiff(r, re)).toBeLessThan(1e-12);
    expect(maxAbsDiff(i, im)).toBeLessThan(1e-12);
  });
});

describe('fft closed forms', () => {
  it('a cosine at bin k puts N/2 into bins k and N−k and nothing elsewhere (N = 12, not a power of two)', () => {
    const n = 12;
    const k = 3;
    const re = Float64Array.from({ length: n }, (_, t) => Math.cos((2 * Math.PI * k * t) / n));
    const im = new Float64Array(n);
    fftInPlace(re, im);
    for (let j = 0; j < n; j++) {
      const expected = j === k || j === n - k ? n / 2 : 0;
      expect(re[j]).toBeCloseTo(expected, 12);
      expect(im[j]).toBeCloseTo(0, 12);
    }
  });

  it('an impulse has a flat spectrum; a constant has everything at DC (odd and even lengths)', () => {
    for (const n of [7, 8, 400]) {
      const impulse = new Array<number>(n).fill(0);
      impulse[0] = 1;
      const X = rfft(impulse);
      for (let k = 0; k < X.re.length; k++) {
        expect(X.re[k]).toBeCloseTo(1, 12);
        expect(X.im[k]).toBeCloseTo(0, 12);
      }
      const P = powerSpectrum(new Array<number>(n).fill(2));
      expect(P[0]).toBeCloseTo(4 * n, 9);
      for (let k = 1; k < P.length; k++) expect(P[k]).toBeCloseTo(0, 9);
    }
  });

  it('energySpectrum counts the Nyquist bin once for even lengths', () => {
    // x = (−1)^n is all Nyquist: |X_{N/2}|² = N², energy N.
    const n = 10;
    const x = Array.from({ length: n }, (_, t) => (t % 2 === 0 ? 1 : -1));
    const P = energySpectrum(rfft(x));
    expect(P[n / 2]).toBeCloseTo(n, 12);
    expect(P.reduce((s, v) => s + v, 0)).toBeCloseTo(n, 12);
  });

  it('rejects mismatched inputs with a clear message', () => {
    expect(() => rfft([])).toThrow(/at least one sample/);
    expect(() => fftInPlace(new Float64Array(4), new Float64Array(3))).toThrow(/differ in length/);
    expect(() => irfft({ re: new Float64Array(3), im: new Float64Array(3), n: 8 })).toThrow(/5 bins/);
  });
});
