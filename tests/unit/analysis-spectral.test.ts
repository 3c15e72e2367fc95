import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hjorth, hjorthFromSpectrum, spectralSignature } from '../../src/shared/analysis/spectral';
import { seededRandom } from '../../src/shared/analysis/rng';

interface Expected {
  window: number;
  cutoff: number;
  bandHigh: number;
  detrend: boolean;
  detrended: number[];
  freqs: number[];
  power: number[];
  energy: number;
  lowBandEnergy: number;
  activity: number;
  mobility: number;
  complexity: number;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/analysis/spectral.json', import.meta.url), 'utf8')) as {
  cases: { name: string; loss: number[]; expected: Expected }[];
};

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
const sine = (n: number, amp: number, omega: number, phase = 0): number[] =>
  Array.from({ length: n }, (_, t) => amp * Math.sin(omega * t + phase));

describe('spectralSignature against the NumPy/SciPy pipeline (fixture from gen_spectral.py)', () => {
  for (const { name, loss, expected: e } of fixture.cases) {
    it(name, () => {
      const s = spectralSignature(loss, { window: e.window, cutoff: e.cutoff, bandHigh: e.bandHigh, detrend: e.detrend });
      expect(s.window).toBe(e.window);
      const scale = Math.max(...e.detrended.map(Math.abs));
      expect(maxAbsDiff(s.detrended, e.detrended) / scale).toBeLessThan(1e-10);
      expect(maxAbsDiff(s.freqs, e.freqs)).toBeLessThan(1e-15);
      expect(maxAbsDiff(s.power, e.power) / Math.max(...e.power)).toBeLessThan(1e-10);
      expect(rel(s.energy, e.energy)).toBeLessThan(1e-10);
      expect(rel(s.lowBandEnergy, e.lowBandEnergy)).toBeLessThan(1e-10);
      expect(rel(s.activity, e.activity)).toBeLessThan(1e-10);
      expect(rel(s.mobility, e.mobility)).toBeLessThan(1e-10);
      expect(rel(s.complexity, e.complexity)).toBeLessThan(1e-10);
    });
  }

  it('tells the oscillating curve from the smooth one by its energy', () => {
    const [osc, smooth] = fixture.cases;
    expect(spectralSignature(osc!.loss).energy).toBeGreaterThan(10 * spectralSignature(smooth!.loss).energy);
  });
});

describe('spectralSignature closed forms', () => {
  const N = 400;
  const A = 0.7;
  const cycles = 25;
  const omega = (2 * Math.PI * cycles) / N;

  it('a pure sine A·sin(ωn) has activity A²/2, mobility 2·sin(ω/2), complexity 1 (no detrend)', () => {
    const s = spectralSignature(sine(N, A, omega, 0.3), { detrend: false });
    expect(rel(s.activity, (A * A) / 2)).toBeLessThan(1e-12);
    expect(rel(s.energy, (N * A * A) / 2)).toBeLessThan(1e-12);
    // The first difference has N − 1 samples, so its variance is over a not-quite-whole number of periods: O(1/N).
    expect(rel(s.mobility, 2 * Math.sin(omega / 2))).toBeLessThan(5e-3);
    expect(Math.abs(s.complexity - 1)).toBeLessThan(5e-3);
    // All the energy sits in the sine's bin.
    expect(rel(s.power[cycles]!, s.energy)).toBeLessThan(1e-12);
  });

  it('with the default linear detrend a sine keeps its activity within the detrend loss 6/(π²k²) of A²/2', () => {
    const s = spectralSignature(sine(N, A, omega), {});
    const bound = 6 / (Math.PI ** 2 * cycles ** 2); // relative variance removed by fitting a line to k periods
    expect(s.activity).toBeLessThanOrEqual((A * A) / 2);
    expect(rel(s.activity, (A * A) / 2)).toBeLessThan(bound + 1e-3);
    expect(rel(s.mobility, 2 * Math.sin(omega / 2))).toBeLessThan(1e-2);
    expect(Math.abs(s.complexity - 1)).toBeLessThan(1e-2);
  });

  it('removes a slow component below the cutoff and keeps a fast one above it', () => {
    const slow = sine(N, 2, (2 * Math.PI * 3) / N); // period 133 steps: below the default cutoff (bin 10)
    const fast = sine(N, 0.1, (2 * Math.PI * 50) / N); // period 8 steps
    const s = spectralSignature(
      slow.map((v, i) => v + fast[i]! + 5),
      { detrend: false },
    );
    expect(s.cutoffBin).toBe(10);
    expect(maxAbsDiff(s.detrended, fast)).toBeLessThan(1e-12);
    expect(rel(s.activity, 0.005)).toBeLessThan(1e-12);
    expect(s.lowBandEnergy).toBeLessThan(1e-20); // bin 50 is above the low band (bins 10..39)
  });

  it('a linear trend is removed entirely: activity ≈ 0, mobility and complexity 0', () => {
    const line = Array.from({ length: N }, (_, t) => 3 - 0.004 * t);
    const s = spectralSignature(line);
    expect(s.activity).toBeLessThan(1e-24);
    expect(s.energy).toBeLessThan(1e-20);
    expect(s.mobility).toBe(0);
    expect(s.complexity).toBe(0);
    expect(s.trend.slope).toBeCloseTo(-0.004, 12);
    expect(s.trend.intercept).toBeCloseTo(3, 12);
  });

  it('white noise: activity σ²·(1 − cutoff), mobility and complexity from the flat spectrum above the cutoff', () => {
    const n = 20000;
    const sigma = 0.3;
    const rng = seededRandom(11);
    const noise = Array.from({ length: n }, () => sigma * rng.normal());
    const cutoff = 0.05;
    const s = spectralSignature(noise, { window: n, cutoff });
    // A flat spectrum on ω ∈ [ω_c, π], ω_c = cutoff·π. Means over that band:
    //   ⟨4 sin²(ω/2)⟩ = 2 + 2 sin(ω_c)/(π − ω_c),  ⟨16 sin⁴(ω/2)⟩ = ⟨4(1 − cos ω)²⟩ = 6 + 8 sin(ω_c)/(π − ω_c) − sin(2ω_c)/(π − ω_c)
    const wc = cutoff * Math.PI;
    const L = Math.PI - wc;
    const m2 = 2 + (2 * Math.sin(wc)) / L;
    const m4 = 6 + (8 * Math.sin(wc)) / L - Math.sin(2 * wc) / L;
    expect(rel(s.activity, sigma * sigma * (1 - cutoff))).toBeLessThan(0.03);
    expect(rel(s.mobility, Math.sqrt(m2))).toBeLessThan(0.02);
    expect(rel(s.complexity, Math.sqrt(m4 / m2) / Math.sqrt(m2))).toBeLessThan(0.02);
  });

  it('Parseval: energy = W · activity on realistic curves', () => {
    for (const { loss } of fixture.cases) {
      const s = spectralSignature(loss);
      expect(rel(s.energy, s.window * s.activity)).toBeLessThan(1e-10);
      expect(
        rel(
          s.power.reduce((a, b) => a + b, 0),
          s.energy,
        ),
      ).toBeLessThan(1e-12);
    }
  });

  it('the spectral-moment Hjorth parameters equal the time-domain ones with the circular difference', () => {
    for (const { loss } of fixture.cases) {
      const s = spectralSignature(loss);
      const f = hjorthFromSpectrum(s.power, s.window);
      const t = hjorth(s.detrended, 0, true);
      expect(rel(f.activity, s.activity)).toBeLessThan(1e-10);
      expect(rel(f.activity, t.activity)).toBeLessThan(1e-10);
      expect(rel(f.mobility, t.mobility)).toBeLessThan(1e-10);
      expect(rel(f.complexity, t.complexity)).toBeLessThan(1e-10);
    }
  });

  it('and agree with the ordinary-difference ones within O(1/N) when the window wraps around smoothly', () => {
    const rng = seededRandom(5);
    const signals = [
      sine(N, A, omega),
      sine(N, 1, (2 * Math.PI * 60) / N, 1).map((v, i) => v + 0.5 * Math.sin((2 * Math.PI * 17 * i) / N)),
      Array.from({ length: N }, () => rng.normal()),
    ];
    for (const x of signals) {
      const s = spectralSignature(x);
      const f = hjorthFromSpectrum(s.power, s.window);
      expect(rel(f.activity, s.activity)).toBeLessThan(1e-10);
      expect(rel(f.mobility, s.mobility)).toBeLessThan(0.02);
      expect(rel(f.complexity, s.complexity)).toBeLessThan(0.02);
    }
    // A whole number of periods without detrending: the spectral form is exact.
    const f = hjorthFromSpectrum(spectralSignature(sine(N, 1, omega), { detrend: false }).power, N);
    expect(rel(f.activity, 0.5)).toBeLessThan(1e-12);
    expect(rel(f.mobility, 2 * Math.sin(omega / 2))).toBeLessThan(1e-12);
    expect(Math.abs(f.complexity - 1)).toBeLessThan(1e-12);
  });

  it('on a decaying loss the wrap-around jump is what separates the two forms (documented caveat)', () => {
    const s = spectralSignature(fixture.cases[0]!.loss);
    const f = hjorthFromSpectrum(s.power, s.window);
    expect(Math.abs(s.detrended[0]! - s.detrended[s.window - 1]!)).toBeGreaterThan(1);
    expect(f.mobility).toBeGreaterThan(1.3 * s.mobility);
  });
});

describe('spectralSignature input checks', () => {
  const ok = Array.from({ length: 400 }, (_, t) => Math.exp(-t / 50));
  it('names the non-finite value and where it is', () => {
    const bad = ok.slice();
    bad[17] = Number.NaN;
    expect(() => spectralSignature(bad)).toThrow(/NaN at index 17 of the 400-step window/);
    bad[17] = Number.POSITIVE_INFINITY;
    expect(() => spectralSignature(bad)).toThrow(/Infinity at index 17/);
  });
  it('ignores non-finite values after the window', () => {
    expect(() => spectralSignature([...ok, Number.NaN])).not.toThrow();
  });
  it('rejects a short series, a bad window and bad cut-offs', () => {
    expect(() => spectralSignature(ok.slice(0, 399))).toThrow(/first 400 steps.*only 399/);
    expect(() => spectralSignature(ok, { window: 4 })).toThrow(/window/);
    expect(() => spectralSignature(ok, { window: 100.5 })).toThrow(/window/);
    expect(() => spectralSignature(ok, { cutoff: 1 })).toThrow(/cutoff/);
    expect(() => spectralSignature(ok, { cutoff: -0.1 })).toThrow(/cutoff/);
    expect(() => spectralSignature(ok, { cutoff: 0.3, bandHigh: 0.2 })).toThrow(/bandHigh/);
  });
});

describe('spectralSignature speed', () => {
  it('a 400-step window computes in under 5 ms (median of 200 runs)', () => {
    const loss = fixture.cases[0]!.loss;
    for (let i = 0; i < 20; i++) spectralSignature(loss); // warm-up (JIT, cached FFT plans)
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      spectralSignature(loss);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const median = times[100]!;
    console.log(`spectralSignature, 400-step window: median ${median.toFixed(3)} ms, p95 ${times[190]!.toFixed(3)} ms`);
    expect(median, `median ${median.toFixed(3)} ms`).toBeLessThan(5);
  });
});
