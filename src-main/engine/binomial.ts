// Exact Binomial(n, p) variates in O(1) expected time, whatever n.
// The exact NTK sampler draws K_l ~ Binomial(n_l, ½) active ReLU units per layer (docs/exact-sampler.md), millions
// of times per width, so repeated draws take the cheapest exact route: popcount of n random bits for p = ½ and small
// n, else Walker's alias table over the pmf (no rejection; one word per draw up to 2^12 slots, else two; built once
// per (n, p) in O(√n) and cached). One-off draws and very large n use Hörmann's BTRS transformed rejection with
// squeeze (W. Hörmann, "The generation of binomial random variates", J. Statist. Comput. Simul. 46 (1993) 101–110);
// n·p < 10 uses inversion.
import type { Rng } from '../../src-shared/rng';

/** p = ½ and n ≤ this: K = popcount of n random bits (exact, ≤ 2 words). */
const POPCOUNT_MAX_N = 64;
/** The alias table keeps every k with pmf(k) ≥ this × pmf(mode): the dropped tail (beyond ≈ ±11.7σ) is below the
 *  2^-53 resolution of the uniform that drives the table, so no draw could ever reach it. */
const ALIAS_RELATIVE_CUTOFF = 1e-30;
/** Largest alias table built (±11.7σ ⇒ n·p·q up to ≈ 7.6e6); larger n falls back to BTRS. */
const ALIAS_MAX_ENTRIES = 1 << 16;
/** Tables up to 2^this slots draw from ONE 32-bit word: slot from the top b bits, coin from the other 32 − b ≥ 20
 *  against an integer threshold. The rounded thresholds move at most 2^-(33−b) of each slot's mass, so the total
 *  variation distance to the exact pmf is ≤ 2^(b−33) ≤ 2^-21 ≈ 4.8e-7 (n ≤ ≈ 1.2e5 at p = ½; n = 200: ≤ 3e-8). */
const ALIAS32_MAX_BITS = 12;
/** BTRS's hat is valid for n·min(p, 1−p) ≥ 10 (Hörmann 1993). */
const BTRS_MIN_MEAN = 10;
/** Largest n accepted: counts stay exact integers in float64 and in Int32 buffers. */
const BINOMIAL_MAX_N = 2 ** 31 - 1;

const TWO_POW_M32 = 2 ** -32;

// log k! : exact sums below the table size, Stirling's series above (error < 1/(1680 k⁷) < 1e-17 for k ≥ 256).
const LOG_FACT_TABLE_SIZE = 256;
const LOG_FACT = new Float64Array(LOG_FACT_TABLE_SIZE);
for (let k = 2; k < LOG_FACT_TABLE_SIZE; k++) LOG_FACT[k] = LOG_FACT[k - 1] + Math.log(k);
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export function logFactorial(k: number): number {
  if (k < LOG_FACT_TABLE_SIZE) return LOG_FACT[k];
  const r = 1 / k,
    r2 = r * r;
  return (k + 0.5) * Math.log(k) - k + HALF_LOG_2PI + r * (1 / 12 - r2 * (1 / 360 - r2 / 1260));
}

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Binomial(n, ½) for n ≤ POPCOUNT_MAX_N: each of the n bits is an independent fair coin. */
function binomialHalfPopcount(n: number, rng: Rng): number {
  let k = 0;
  let left = n;
  while (left >= 32) {
    k += popcount32(rng.nextU32());
    left -= 32;
  }
  if (left > 0) k += popcount32(rng.nextU32() >>> (32 - left));
  return k;
}

/** A one-word alias table: slot j = w >>> shift, keepK[j] if (w & coinMask) < threshold[j], else aliasK[j]. */
export interface OneWordAliasTable {
  shift: number;
  coinMask: number;
  threshold: Int32Array;
  keepK: Int32Array;
  aliasK: Int32Array;
}

/**
 * A Binomial(n, p) sampler with its per-(n, p) constants precomputed, for loops that draw many variates with the
 * same n (the exact NTK sampler keeps one per distinct layer width).
 */
export class BinomialSampler {
  readonly n: number;
  readonly p: number;
  // 0 degenerate, 1 popcount, 2 inversion, 3 BTRS, 4 alias table, 5 one-word alias
  private readonly mode: 0 | 1 | 2 | 3 | 4 | 5;
  private readonly flip: boolean; // sample with p' = 1 − p and return n − k
  // inversion: P(0) = q'^n and the pmf recurrence factor (n+1)·p'/q'
  private readonly q0: number = 0;
  private readonly s: number = 0;
  private readonly s1: number = 0;
  // BTRS (Hörmann 1993, Algorithm BTRS; names as in the paper)
  private readonly a: number = 0;
  private readonly b: number = 0;
  private readonly c: number = 0;
  private readonly vr: number = 0;
  private readonly alpha: number = 0;
  private readonly lpq: number = 0;
  private readonly m: number = 0;
  private readonly h: number = 0;
  private readonly degenerateValue: number = 0;
  // alias table (Vose's construction): k = lo + j, j uniform, kept with probability keep[j] else alias[j]
  private readonly lo: number = 0;
  private readonly keep: Float64Array | null = null;
  private readonly alias: Int32Array | null = null;
  // one-word alias table (2^b slots, padded with empty slots): slot j = w >>> shift gives keepK[j] if the low bits
  // (w & coinMask) < threshold[j], else aliasK[j]; the mirror for p > ½ is folded into keepK/aliasK
  private readonly shift: number = 32;
  private readonly coinMask: number = 0;
  private readonly threshold: Int32Array | null = null;
  private readonly keepK: Int32Array | null = null;
  private readonly aliasK: Int32Array | null = null;

  /** @param repeated build the alias table when it pays off (many draws); false: constant-time setup (BTRS). */
  constructor(n: number, p: number, repeated = true) {
    if (!Number.isInteger(n) || n < 0 || n > BINOMIAL_MAX_N)
      throw new RangeError(`Binomial: n must be an integer in [0, ${BINOMIAL_MAX_N}] (got ${n})`);
    if (!(p >= 0 && p <= 1)) throw new RangeError(`Binomial: p must lie in [0, 1] (got ${p})`);
    this.n = n;
    this.p = p;
    this.flip = p > 0.5;
    const pp = this.flip ? 1 - p : p; // pp ≤ ½
    if (n === 0 || pp === 0) {
      this.mode = 0;
      this.degenerateValue = this.flip ? n : 0;
      return;
    }
    if (pp === 0.5 && n <= POPCOUNT_MAX_N) {
      this.mode = 1;
      return;
    }
    const q = 1 - pp;
    if (n * pp < BTRS_MIN_MEAN) {
      this.mode = 2;
      this.q0 = Math.exp(n * Math.log1p(-pp)); // ≥ e^{−10·(1+pp)}: no underflow
      this.s = pp / q;
      this.s1 = (n + 1) * this.s;
      return;
    }
    const spq = Math.sqrt(n * pp * q);
    if (repeated && 2 * 11.8 * spq + 3 < ALIAS_MAX_ENTRIES) {
      const table = buildAliasTable(n, pp);
      const bits = Math.max(2, Math.ceil(Math.log2(table.keep.length)));
      if (bits <= ALIAS32_MAX_BITS) {
        this.mode = 5;
        const padded = buildAliasTable(n, pp, 1 << bits);
        const slots = padded.keep.length;
        const coinScale = 2 ** (32 - bits);
        this.shift = 32 - bits;
        this.coinMask = coinScale - 1;
        this.threshold = new Int32Array(slots);
        this.keepK = new Int32Array(slots);
        this.aliasK = new Int32Array(slots);
        for (let j = 0; j < slots; j++) {
          this.threshold[j] = Math.round(padded.keep[j] * coinScale); // ≤ 2^31: always-keep slots beat every coin
          const kKeep = padded.lo + j,
            kAlias = padded.lo + padded.alias[j];
          this.keepK[j] = this.flip ? n - kKeep : kKeep;
          this.aliasK[j] = this.flip ? n - kAlias : kAlias;
        }
        return;
      }
      this.mode = 4;
      this.lo = table.lo;
      this.keep = table.keep;
      this.alias = table.alias;
      return;
    }
    this.mode = 3;
    this.b = 1.15 + 2.53 * spq;
    this.a = -0.0873 + 0.0248 * this.b + 0.01 * pp;
    this.c = n * pp + 0.5;
    this.vr = 0.92 - 4.2 / this.b;
    this.alpha = (2.83 + 5.1 / this.b) * spq;
    this.lpq = Math.log(pp / q);
    this.m = Math.floor((n + 1) * pp);
    this.h = logFactorial(this.m) + logFactorial(n - this.m);
  }

  /** The one-word alias table when this sampler draws from one 32-bit word (see sample()), else null: for hot loops
   *  that inline the draw (k = (w & coinMask) < threshold[j] ? keepK[j] : aliasK[j], j = w >>> shift). */
  oneWordTable(): OneWordAliasTable | null {
    if (this.mode !== 5) return null;
    return {
      shift: this.shift,
      coinMask: this.coinMask,
      threshold: this.threshold!,
      keepK: this.keepK!,
      aliasK: this.aliasK!,
    };
  }

  sample(rng: Rng): number {
    if (this.mode === 5) {
      const w = rng.nextU32();
      const j = w >>> this.shift;
      return (w & this.coinMask) < this.threshold![j] ? this.keepK![j] : this.aliasK![j];
    }
    if (this.mode === 4) {
      // alias table: the integer part of u·size picks a slot, the fraction (≥ 37 of the 53 bits) flips its coin
      const keep = this.keep!;
      const u = rng.uniform() * keep.length;
      const j = Math.floor(u);
      const k = this.lo + (u - j < keep[j] ? j : this.alias![j]);
      return this.flip ? this.n - k : k;
    }
    return this.sampleOther(rng);
  }

  private sampleOther(rng: Rng): number {
    switch (this.mode) {
      case 1:
        return binomialHalfPopcount(this.n, rng);
      case 3: {
        const k = this.btrs(rng);
        return this.flip ? this.n - k : k;
      }
      case 2: {
        const k = this.inversion(rng);
        return this.flip ? this.n - k : k;
      }
      default:
        return this.degenerateValue;
    }
  }

  private inversion(rng: Rng): number {
    const n = this.n;
    for (;;) {
      let u = rng.uniform();
      let f = this.q0;
      let k = 0;
      while (u >= f) {
        u -= f;
        k++;
        if (k > n) break; // rounding left u > 0 after the whole pmf: redraw (probability ~1e-16)
        f *= this.s1 / k - this.s;
      }
      if (k <= n) return k;
    }
  }

  private btrs(rng: Rng): number {
    const n = this.n,
      a = this.a,
      b = this.b,
      c = this.c,
      vr = this.vr;
    for (;;) {
      const u = (rng.nextU32() + 0.5) * TWO_POW_M32 - 0.5;
      let v = (rng.nextU32() + 0.5) * TWO_POW_M32;
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + c);
      if (us >= 0.07 && v <= vr) return k; // squeeze: inside the hat-and-pmf region without evaluating the pmf
      if (k < 0 || k > n) continue;
      v = (v * this.alpha) / (a / (us * us) + b);
      // accept if log V ≤ log f(k) − log f(m), f the Binomial pmf and m its mode
      if (Math.log(v) <= this.h - logFactorial(k) - logFactorial(n - k) + (k - this.m) * this.lpq) return k;
    }
  }
}

/**
 * Walker's alias table for Binomial(n, p ≤ ½) over [lo, hi] = all k with pmf(k) ≥ ALIAS_RELATIVE_CUTOFF·pmf(mode),
 * built with Vose's stable method ("A linear algorithm for generating random numbers with a given distribution",
 * IEEE TSE 17 (1991) 972–975). The pmf comes from the mode by the ratio recurrence pmf(k+1)/pmf(k) = (n−k)p/((k+1)q).
 * slots ≥ hi − lo + 1 pads the table with empty slots (pmf 0, always aliased) to a power of two for one-word draws.
 */
function buildAliasTable(n: number, p: number, slots = 0): { lo: number; keep: Float64Array; alias: Int32Array } {
  const q = 1 - p,
    s = p / q;
  const m = Math.floor((n + 1) * p);
  let lo = m,
    hi = m;
  for (let f = 1; lo > 0; lo--) {
    f *= lo / ((n - lo + 1) * s); // pmf(lo − 1)/pmf(mode)
    if (f < ALIAS_RELATIVE_CUTOFF) break;
  }
  for (let f = 1; hi < n; hi++) {
    f *= ((n - hi) * s) / (hi + 1); // pmf(hi + 1)/pmf(mode)
    if (f < ALIAS_RELATIVE_CUTOFF) break;
  }
  const size = Math.max(hi - lo + 1, slots);
  const w = new Float64Array(size);
  w[m - lo] = 1;
  for (let k = m; k < hi; k++) w[k + 1 - lo] = (w[k - lo] * ((n - k) * s)) / (k + 1);
  for (let k = m; k > lo; k--) w[k - 1 - lo] = (w[k - lo] * k) / ((n - k + 1) * s);
  let total = 0;
  for (let j = 0; j < size; j++) total += w[j];
  const keep = new Float64Array(size);
  const alias = new Int32Array(size);
  const small = new Int32Array(size);
  const large = new Int32Array(size);
  let ns = 0,
    nl = 0;
  for (let j = 0; j < size; j++) {
    keep[j] = (w[j] * size) / total;
    alias[j] = j;
    if (keep[j] < 1) small[ns++] = j;
    else large[nl++] = j;
  }
  while (ns > 0 && nl > 0) {
    const sj = small[--ns],
      lj = large[--nl];
    alias[sj] = lj; // slot sj: keep sj with probability keep[sj], else give lj
    keep[lj] = keep[lj] + keep[sj] - 1;
    if (keep[lj] < 1) small[ns++] = lj;
    else large[nl++] = lj;
  }
  while (nl > 0) keep[large[--nl]] = 1; // leftovers are 1 up to rounding
  while (ns > 0) {
    const j = small[--ns];
    keep[j] = w[j] > 0 ? 1 : 0; // a padding slot (pmf 0) is never kept, even if rounding left it over
    if (w[j] === 0) alias[j] = m - lo;
  }
  return { lo, keep, alias };
}

/** One Binomial(n, p) variate (validates its arguments; build a BinomialSampler for repeated draws). */
export function sampleBinomial(n: number, p: number, rng: Rng): number {
  return new BinomialSampler(n, p, false).sample(rng);
}

const halfCache = new Map<number, BinomialSampler>();
const HALF_CACHE_MAX = 64;

/** A shared Binomial(n, ½) sampler for repeated draws (alias tables are built once per n and cached). */
export function binomialHalfSampler(n: number): BinomialSampler {
  let s = halfCache.get(n);
  if (!s) {
    if (halfCache.size >= HALF_CACHE_MAX) halfCache.clear();
    s = new BinomialSampler(n, 0.5);
    halfCache.set(n, s);
  }
  return s;
}
