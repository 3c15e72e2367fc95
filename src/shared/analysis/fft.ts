// Discrete Fourier transforms of any length, with numpy.fft's conventions:
//   X_k = Σ_n x_n · e^{−2πi·kn/N}   (forward, unscaled),   x_n = (1/N) Σ_k X_k · e^{+2πi·kn/N}   (inverse).
// Powers of two use an iterative radix-2 Cooley-Tukey; every other length uses Bluestein's chirp-z, which turns the
// length-N DFT into a circular convolution of power-of-two length M ≥ 2N − 1. Plans (twiddles, chirps, the chirp's
// transform) are cached per length, so repeated spectra of the same window length cost two FFTs of size M.

interface Radix2Plan {
  n: number;
  cos: Float64Array;
  sin: Float64Array;
  rev: Uint32Array;
}

interface BluesteinPlan {
  n: number;
  m: number;
  /** chirp w_k = e^{−iπk²/N} */
  wRe: Float64Array;
  wIm: Float64Array;
  /** FFT of the length-M sequence b (b_k = conj(w_k), wrapped) */
  bRe: Float64Array;
  bIm: Float64Array;
  /** scratch buffers of length M */
  aRe: Float64Array;
  aIm: Float64Array;
}

const radix2Plans = new Map<number, Radix2Plan>();
const bluesteinPlans = new Map<number, BluesteinPlan>();

export const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

function nextPowerOfTwo(n: number): number {
  let m = 1;
  while (m < n) m *= 2;
  return m;
}

function radix2Plan(n: number): Radix2Plan {
  let plan = radix2Plans.get(n);
  if (plan) return plan;
  const half = n >> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = Math.sin((2 * Math.PI * k) / n);
  }
  const rev = new Uint32Array(n);
  const bits = Math.round(Math.log2(n));
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  plan = { n, cos, sin, rev };
  radix2Plans.set(n, plan);
  return plan;
}

/** In-place radix-2 FFT; n must be a power of two. inverse: conjugate twiddles, no 1/N scaling. */
function fftRadix2(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  if (n <= 1) return;
  const { cos, sin, rev } = radix2Plan(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j > i) {
      const tr = re[i]!;
      re[i] = re[j]!;
      re[j] = tr;
      const ti = im[i]!;
      im[i] = im[j]!;
      im[j] = ti;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let size = 2; size <= n; size *= 2) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step]!;
        const wi = sign * sin[k * step]!;
        const a = start + k;
        const b = a + half;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

function bluesteinPlan(n: number): BluesteinPlan {
  let plan = bluesteinPlans.get(n);
  if (plan) return plan;
  const m = nextPowerOfTwo(2 * n - 1);
  const wRe = new Float64Array(n);
  const wIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // k² mod 2N keeps the angle small, so the chirp stays accurate for long signals.
    const angle = (Math.PI * ((k * k) % (2 * n))) / n;
    wRe[k] = Math.cos(angle);
    wIm[k] = -Math.sin(angle);
  }
  const bRe = new Float64Array(m);
  const bIm = new Float64Array(m);
  bRe[0] = wRe[0]!;
  bIm[0] = -wIm[0]!;
  for (let k = 1; k < n; k++) {
    bRe[k] = bRe[m - k] = wRe[k]!;
    bIm[k] = bIm[m - k] = -wIm[k]!;
  }
  fftRadix2(bRe, bIm, false);
  plan = { n, m, wRe, wIm, bRe, bIm, aRe: new Float64Array(m), aIm: new Float64Array(m) };
  bluesteinPlans.set(n, plan);
  return plan;
}

/** Bluestein: X_k = w_k · Σ_n (x_n w_n) · conj(w_{k−n}). The inverse is conj(DFT(conj(x))). */
function fftBluestein(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  const { m, wRe, wIm, bRe, bIm, aRe, aIm } = bluesteinPlan(n);
  const s = inverse ? -1 : 1;
  aRe.fill(0);
  aIm.fill(0);
  for (let k = 0; k < n; k++) {
    const xr = re[k]!;
    const xi = s * im[k]!;
    aRe[k] = xr * wRe[k]! - xi * wIm[k]!;
    aIm[k] = xr * wIm[k]! + xi * wRe[k]!;
  }
  fftRadix2(aRe, aIm, false);
  for (let k = 0; k < m; k++) {
    const ar = aRe[k]!;
    const ai = aIm[k]!;
    aRe[k] = ar * bRe[k]! - ai * bIm[k]!;
    aIm[k] = ar * bIm[k]! + ai * bRe[k]!;
  }
  fftRadix2(aRe, aIm, true);
  for (let k = 0; k < n; k++) {
    const cr = aRe[k]! / m;
    const ci = aIm[k]! / m;
    re[k] = cr * wRe[k]! - ci * wIm[k]!;
    im[k] = s * (cr * wIm[k]! + ci * wRe[k]!);
  }
}

/**
 * In-place complex DFT of any length (forward unless `inverse`). The inverse includes the 1/N scaling, so
 * fftInPlace(re, im, true) undoes fftInPlace(re, im) like numpy.fft.ifft undoes numpy.fft.fft.
 */
export function fftInPlace(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n) throw new RangeError(`real and imaginary parts differ in length (${n} vs ${im.length})`);
  if (n <= 1) return;
  if (isPowerOfTwo(n)) fftRadix2(re, im, inverse);
  else fftBluestein(re, im, inverse);
  if (inverse) {
    for (let k = 0; k < n; k++) {
      re[k] = re[k]! / n;
      im[k] = im[k]! / n;
    }
  }
}

export interface HalfSpectrum {
  /** real parts of X_0 .. X_{⌊N/2⌋} */
  re: Float64Array;
  /** imaginary parts of X_0 .. X_{⌊N/2⌋} */
  im: Float64Array;
  /** the signal length N the spectrum belongs to */
  n: number;
}

/** numpy.fft.rfft: the ⌊N/2⌋ + 1 non-negative-frequency bins of a real signal. */
export function rfft(x: ArrayLike<number>): HalfSpectrum {
  const n = x.length;
  if (n === 0) throw new RangeError('rfft needs at least one sample');
  const re = Float64Array.from(x as ArrayLike<number>);
  const im = new Float64Array(n);
  fftInPlace(re, im, false);
  const h = Math.floor(n / 2) + 1;
  return { re: re.slice(0, h), im: im.slice(0, h), n };
}

/**
 * numpy.fft.irfft(X, n): the real signal of length n whose half spectrum is X. The imaginary parts of the DC
 * bin (and of the Nyquist bin for even n) are ignored, as numpy does.
 */
export function irfft(spec: HalfSpectrum): Float64Array {
  const { n } = spec;
  const h = Math.floor(n / 2) + 1;
  if (spec.re.length !== h || spec.im.length !== h) {
    throw new RangeError(`a half spectrum of a length-${n} signal has ${h} bins, got ${spec.re.length}`);
  }
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let k = 0; k < h; k++) {
    re[k] = spec.re[k]!;
    im[k] = spec.im[k]!;
  }
  im[0] = 0;
  if (n % 2 === 0) im[n / 2] = 0;
  // Hermitian symmetry: X_{N−k} = conj(X_k).
  for (let k = 1; k < n - h + 1; k++) {
    re[n - k] = spec.re[k]!;
    im[n - k] = -spec.im[k]!;
  }
  fftInPlace(re, im, true);
  return re;
}

/** numpy.fft.rfftfreq(n, d): frequencies of the rfft bins in cycles per unit of d (per step for d = 1). */
export function rfftFreq(n: number, d = 1): number[] {
  const h = Math.floor(n / 2) + 1;
  const out = new Array<number>(h);
  for (let k = 0; k < h; k++) out[k] = k / (n * d);
  return out;
}

/**
 * One-sided energy spectrum of a half spectrum, normalised so that it sums to the signal's energy Σ x_n²
 * (Parseval: Σ x_n² = (1/N) Σ_{all k} |X_k|²). Bins 0 < k < N/2 stand for ±k, so they count twice; the DC bin and,
 * for even N, the Nyquist bin count once. For a zero-mean signal the sum is N · var(x).
 */
export function energySpectrum(spec: HalfSpectrum): Float64Array {
  const { n } = spec;
  const h = spec.re.length;
  const out = new Float64Array(h);
  for (let k = 0; k < h; k++) {
    const mag2 = spec.re[k]! * spec.re[k]! + spec.im[k]! * spec.im[k]!;
    const single = k === 0 || (n % 2 === 0 && k === n / 2);
    out[k] = ((single ? 1 : 2) * mag2) / n;
  }
  return out;
}

/** energySpectrum(rfft(x)). */
export function powerSpectrum(x: ArrayLike<number>): Float64Array {
  return energySpectrum(rfft(x));
}
