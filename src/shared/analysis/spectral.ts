// Spectral signature of the early training loss (000 §3, footnotes 1-2): how much the loss oscillates in its first
// W steps, once its slow, non-oscillatory part is removed.
//
// Pipeline on the first W samples x_0 .. x_{W−1}:
//   1. linear detrend: subtract the least-squares line (scipy.signal.detrend(x, type='linear'));
//   2. frequency-domain high-pass: zero the rfft bins below the cutoff (the paper calls this filter "low-pass",
//      but what it removes is the slow part: constant, trend, smooth decay) and transform back. The DC bin is always
//      removed, so the filtered signal has zero mean and its variance equals its mean square;
//   3. energy spectrum P_k of the filtered signal, normalised so that Σ_k P_k = Σ_n x_n² (see fft.energySpectrum).
//      Hence energy = Σ P = W · activity (Parseval, zero mean);
//   4. Hjorth parameters of the filtered signal x, with x' the first difference x_{n+1} − x_n:
//        activity   = var(x)
//        mobility   = sqrt(var(x') / var(x))
//        complexity = mobility(x') / mobility(x)
//      Complexity is Hjorth's own (1970): sqrt(m_4/m_2) / sqrt(m_2/m_0), 1 for a pure sine. 000's footnote 2 writes
//      sqrt(m_4/m_2) alone, which is mobility(x') (a frequency, not a shape measure); Grokscope reports Hjorth's,
//      and mobility(x') is mobility × complexity for a reader who wants the footnote's number.
//
// Units. `cutoff` and `bandHigh` are fractions of the Nyquist frequency (0.5 cycles per step), so they mean the same
// for any window length: bin k (frequency k/W cycles per step) is kept iff 2k/W ≥ cutoff. The default cutoff 0.05
// removes every component with a period longer than 40 steps (bins 0..9 of a 400-step window) — the smooth decay
// of the loss — and keeps oscillations of period 2..40 steps. A steep initial drop is not smooth at the scale of the
// window and still leaks some energy above any cutoff; the paper's energy heatmaps measure the same mixture.
// `lowBandEnergy` is the energy of the kept bins below bandHigh (default 0.2: periods from 10 to 40 steps).
//
// Closed forms (the tests check them). For x_n = A·sin(ωn) over a whole number of periods (no detrend):
//   activity = A²/2.
//   x'_n = A[sin(ω(n+1)) − sin(ωn)] = 2A·sin(ω/2)·cos(ω(n + ½)), a sinusoid of amplitude 2A·sin(ω/2), so
//   var(x') = 2A²·sin²(ω/2) and mobility = 2·sin(ω/2) (→ ω for small ω, the continuous-time value);
//   x'' has amplitude 4A·sin²(ω/2), so mobility(x') = 2·sin(ω/2) too and complexity = 1.
// Spectral-moment form (footnote 2), for the discrete difference: the circular difference multiplies X_k by
// e^{iω_k} − 1, whose squared modulus is 4·sin²(ω_k/2). With m_j = Σ_k (2·sin(ω_k/2))^j · P_k:
//   activity = m_0 / W,  mobility = sqrt(m_2 / m_0),  complexity = sqrt(m_4 / m_2) / sqrt(m_2 / m_0).
// These equal the time-domain values exactly for the circular difference (hjorth(x, 0, true)), and within O(1/W)
// of the ordinary difference used above for signals that wrap around smoothly (sines, noise).
//
// Caveat, measured on realistic curves: the detrended window of a decaying loss does not wrap around smoothly (it
// starts high and ends low; a jump of ≈1.4 on the fixture's oscillating curve), and the DFT sees that jump as broadband
// energy. It survives the high-pass and is part of `energy` (4.4 of that curve's 6.9: the noiseless decay alone gives
// 4.4; on the smooth curve nearly all of its 0.42), and it makes the spectral-moment mobility differ from the
// time-domain one (0.67 vs 0.41). The time-domain Hjorth parameters, which are what this function reports, do not
// difference across the jump.
import { energySpectrum, irfft, rfft, rfftFreq } from './fft';

export interface SpectralOptions {
  /** number of leading samples analysed (default 400, the paper's window) */
  window?: number;
  /** high-pass cutoff as a fraction of Nyquist, in [0, 1) (default 0.05: periods longer than 40 steps removed) */
  cutoff?: number;
  /** upper edge of the low band as a fraction of Nyquist, in (cutoff, 1] (default 0.2: periods down to 10 steps) */
  bandHigh?: number;
  /** subtract the least-squares line before filtering (default true) */
  detrend?: boolean;
}

export interface Hjorth {
  activity: number;
  mobility: number;
  complexity: number;
}

export interface SpectralSignature extends Hjorth {
  /** W, the number of samples analysed */
  window: number;
  cutoff: number;
  bandHigh: number;
  /** first kept bin: bins 0 .. cutoffBin−1 were zeroed */
  cutoffBin: number;
  /** low band = bins cutoffBin .. bandHighBin−1 */
  bandHighBin: number;
  /** the line subtracted in step 1 (value at sample n: intercept + slope·n); zero when detrend is off */
  trend: { intercept: number; slope: number };
  /** the filtered signal (detrended and high-passed), length W; zero mean */
  detrended: number[];
  /** bin frequencies in cycles per step, length ⌊W/2⌋ + 1 */
  freqs: number[];
  /** one-sided energy spectrum of the filtered signal, Σ power = energy */
  power: number[];
  /** spectral energy Σ_k P_k = Σ_n x_n² = W · activity */
  energy: number;
  /** Σ P_k over the low band */
  lowBandEnergy: number;
}

export const SPECTRAL_DEFAULTS = { window: 400, cutoff: 0.05, bandHigh: 0.2, detrend: true } as const;

/** Least-squares line through (n, x_n), n = 0..N−1. */
export function linearFit(x: ArrayLike<number>, n = x.length): { intercept: number; slope: number } {
  if (n < 2) return { intercept: n === 1 ? x[0]! : 0, slope: 0 };
  const tMean = (n - 1) / 2;
  let xMean = 0;
  for (let i = 0; i < n; i++) xMean += x[i]!;
  xMean /= n;
  let sxt = 0;
  let stt = 0;
  for (let i = 0; i < n; i++) {
    const dt = i - tMean;
    sxt += dt * (x[i]! - xMean);
    stt += dt * dt;
  }
  const slope = sxt / stt;
  return { intercept: xMean - slope * tMean, slope };
}

function variance(x: ArrayLike<number>): number {
  const n = x.length;
  if (n === 0) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (x[i]! - mean) ** 2;
  return s / n;
}

/** First difference x_{n+1} − x_n; circular adds the wrap-around term x_0 − x_{N−1} (same length as x). */
function diff(x: ArrayLike<number>, circular: boolean): Float64Array {
  const n = x.length;
  const out = new Float64Array(circular ? n : Math.max(0, n - 1));
  for (let i = 0; i < n - 1; i++) out[i] = x[i + 1]! - x[i]!;
  if (circular && n > 0) out[n - 1] = x[0]! - x[n - 1]!;
  return out;
}

/**
 * Hjorth parameters in the time domain (population variances). A signal with no variance has mobility and
 * complexity 0 (they are 0/0 there); `zeroBelow` is the variance treated as none (for round-off after detrending).
 * `circular` differences across the wrap-around (x_0 − x_{N−1}) as the DFT does; the signature uses the ordinary
 * difference.
 */
export function hjorth(x: ArrayLike<number>, zeroBelow = 0, circular = false): Hjorth {
  const activity = variance(x);
  if (!(activity > zeroBelow)) return { activity: Math.max(activity, 0), mobility: 0, complexity: 0 };
  const d1 = diff(x, circular);
  const v1 = variance(d1);
  const mobility = Math.sqrt(v1 / activity);
  if (!(v1 > 0)) return { activity, mobility, complexity: 0 };
  const mobility1 = Math.sqrt(variance(diff(d1, circular)) / v1);
  return { activity, mobility, complexity: mobility1 / mobility };
}

/**
 * Hjorth parameters from the spectral moments of a one-sided energy spectrum of a length-n signal (energySpectrum
 * normalisation), with the discrete-difference weights (2·sin(ω/2))^j. The DC bin is ignored (these describe the
 * zero-mean part).
 */
export function hjorthFromSpectrum(power: ArrayLike<number>, n: number): Hjorth {
  let m0 = 0;
  let m2 = 0;
  let m4 = 0;
  for (let k = 1; k < power.length; k++) {
    const w2 = (2 * Math.sin((Math.PI * k) / n)) ** 2;
    m0 += power[k]!;
    m2 += w2 * power[k]!;
    m4 += w2 * w2 * power[k]!;
  }
  if (!(m0 > 0)) return { activity: 0, mobility: 0, complexity: 0 };
  const mobility = Math.sqrt(m2 / m0);
  const complexity = m2 > 0 ? Math.sqrt(m4 / m2) / mobility : 0;
  return { activity: m0 / n, mobility, complexity };
}

/** First bin whose frequency, as a fraction of Nyquist (2k/W), is ≥ f. */
const binAtFraction = (f: number, w: number): number => Math.ceil((f * w) / 2 - 1e-9);

export function spectralSignature(loss: ArrayLike<number>, opts: SpectralOptions = {}): SpectralSignature {
  const window = opts.window ?? SPECTRAL_DEFAULTS.window;
  const cutoff = opts.cutoff ?? SPECTRAL_DEFAULTS.cutoff;
  const bandHigh = opts.bandHigh ?? SPECTRAL_DEFAULTS.bandHigh;
  const doDetrend = opts.detrend ?? SPECTRAL_DEFAULTS.detrend;
  if (!Number.isInteger(window) || window < 8) {
    throw new RangeError(`spectral window must be an integer number of steps ≥ 8, got ${String(window)}`);
  }
  if (!(Number.isFinite(cutoff) && cutoff >= 0 && cutoff < 1)) {
    throw new RangeError(`spectral cutoff must be a fraction of Nyquist in [0, 1), got ${String(cutoff)}`);
  }
  if (!(Number.isFinite(bandHigh) && bandHigh > cutoff && bandHigh <= 1)) {
    throw new RangeError(`spectral bandHigh must be a fraction of Nyquist in (cutoff = ${cutoff}, 1], got ${String(bandHigh)}`);
  }
  if (loss.length < window) {
    throw new RangeError(`the spectral signature needs the first ${window} steps of the loss, but only ${loss.length} are recorded`);
  }
  let meanSquare = 0;
  for (let i = 0; i < window; i++) {
    const v = loss[i]!;
    if (!Number.isFinite(v)) {
      throw new RangeError(
        `the loss is ${String(v)} at index ${i} of the ${window}-step window; the spectral signature needs finite values (did the run diverge?)`,
      );
    }
    meanSquare += v * v;
  }
  meanSquare /= window;

  const x = new Float64Array(window);
  const trend = doDetrend ? linearFit(loss, window) : { intercept: 0, slope: 0 };
  for (let i = 0; i < window; i++) x[i] = loss[i]! - (trend.intercept + trend.slope * i);

  const spec = rfft(x);
  const cutoffBin = Math.max(1, binAtFraction(cutoff, window));
  const bins = spec.re.length;
  for (let k = 0; k < Math.min(cutoffBin, bins); k++) {
    spec.re[k] = 0;
    spec.im[k] = 0;
  }
  const filtered = irfft(spec);
  const power = energySpectrum(spec);
  const bandHighBin = Math.min(bins, Math.max(cutoffBin, binAtFraction(bandHigh, window)));

  let energy = 0;
  let lowBandEnergy = 0;
  for (let k = 0; k < bins; k++) {
    energy += power[k]!;
    if (k >= cutoffBin && k < bandHighBin) lowBandEnergy += power[k]!;
  }
  // Round-off of the detrend/filter leaves variance ~1e-32 of the signal's scale: that is no oscillation.
  const h = hjorth(filtered, 1e-24 * meanSquare);
  return {
    window,
    cutoff,
    bandHigh,
    cutoffBin,
    bandHighBin,
    trend,
    detrended: Array.from(filtered),
    freqs: rfftFreq(window),
    power: Array.from(power),
    energy,
    lowBandEnergy,
    ...h,
  };
}
