// Exact Gamma and χ² variates in O(1) expected time, whatever the shape.
// Marsaglia & Tsang, "A simple method for generating gamma variables", ACM TOMS 26 (2000) 363–372: for shape α ≥ 1,
// with d = α − 1/3 and c = 1/√(9d), X = d·(1 + cZ)³ is accepted with the squeeze u < 1 − 0.0331 Z⁴ or the exact test
// log u < Z²/2 + d(1 − v + log v); acceptance ≥ 95 %. Shape α < 1 uses their boost Gamma(α) = Gamma(α + 1)·U^{1/α}.
// χ²_k = 2·Gamma(k/2); k = 1 and k = 2 have direct exact forms (Z², −2 log U).
// The Gaussian draws come from a ziggurat (below): the hot loop of the exact NTK sampler spends most of its time here.
import type { Rng } from '../../src-shared/rng';

// Ziggurat for N(0, 1): J. A. Doornik, "An Improved Ziggurat Method to Generate Normal Random Samples" (2005),
// 128 blocks, after Marsaglia & Tsang (2000). Exact: rectangles, wedges by rejection, tail by Marsaglia's
// exponential method. One 32-bit word per variate in ~99 % of draws (block index from its low 7 bits, the uniform
// from the other 25, disjoint bits as Doornik requires) instead of ~5 words and a log for the polar method; the
// rectangle draw is thus quantized at 2^-24·x_i ≤ 2.1e-7, far below what any sample size here can resolve.
export const ZIG_BLOCKS = 128;
export const ZIG_R = 3.442619855899; // start of the tail
const ZIG_V = 9.91256303526217e-3; // area of each block
export const ZIG_X = new Float64Array(ZIG_BLOCKS + 1);
export const ZIG_RATIO = new Float64Array(ZIG_BLOCKS);
{
  let f = Math.exp(-0.5 * ZIG_R * ZIG_R);
  ZIG_X[0] = ZIG_V / f; // the bottom block: rectangle plus tail, width V/f(R)
  ZIG_X[1] = ZIG_R;
  ZIG_X[ZIG_BLOCKS] = 0;
  for (let i = 2; i < ZIG_BLOCKS; i++) {
    ZIG_X[i] = Math.sqrt(-2 * Math.log(ZIG_V / ZIG_X[i - 1] + f));
    f = Math.exp(-0.5 * ZIG_X[i] * ZIG_X[i]);
  }
  for (let i = 0; i < ZIG_BLOCKS; i++) ZIG_RATIO[i] = ZIG_X[i + 1] / ZIG_X[i];
}
/** The density at the block edges, e^{−x_i²/2} (unnormalized), for wedge tests written with one exp. */
export const ZIG_F = Float64Array.from(ZIG_X, (x) => Math.exp(-0.5 * x * x));
const TWO_POW_M24 = 2 ** -24;
const TWO_POW_M32 = 2 ** -32;

/** One N(0, 1) variate by the ziggurat (the common case is kept small so V8 inlines it). */
export function normalZiggurat(rng: Rng): number {
  const w = rng.nextU32() | 0;
  const i = w & (ZIG_BLOCKS - 1);
  const u = ((w >> 7) + 0.5) * TWO_POW_M24; // uniform on (−1, 1) from the other 25 bits, symmetric
  if (Math.abs(u) < ZIG_RATIO[i]) return u * ZIG_X[i]; // inside the rectangle under the density (~99 %)
  return normalZigguratEdge(rng, u, i);
}

/** The ~1 % of ziggurat draws that land in a wedge or the bottom block; loops until a draw is accepted. */
export function normalZigguratEdge(rng: Rng, u: number, i: number): number {
  for (;;) {
    if (i === 0) return normalTail(rng, u < 0);
    const x = u * ZIG_X[i];
    const xi = ZIG_X[i],
      xi1 = ZIG_X[i + 1];
    const f0 = Math.exp(-0.5 * (xi * xi - x * x));
    const f1 = Math.exp(-0.5 * (xi1 * xi1 - x * x));
    if (f1 + (rng.nextU32() + 0.5) * TWO_POW_M32 * (f0 - f1) < 1) return x; // wedge: exact rejection
    const w = rng.nextU32() | 0; // rejected: a fresh draw, as in normalZiggurat
    i = w & (ZIG_BLOCKS - 1);
    u = ((w >> 7) + 0.5) * TWO_POW_M24;
    if (Math.abs(u) < ZIG_RATIO[i]) return u * ZIG_X[i];
  }
}

/** Tail |Z| > R (Marsaglia 1964). */
function normalTail(rng: Rng, negative: boolean): number {
  let x: number, y: number;
  do {
    x = Math.log(rng.uniformOpen()) / ZIG_R;
    y = Math.log(rng.uniformOpen());
  } while (-2 * y < x * x);
  return negative ? x - ZIG_R : ZIG_R - x;
}

/** Gamma(shape ≥ 1, scale 1) by Marsaglia–Tsang; no argument checks (hot path, kept small so V8 inlines it). */
function gammaMarsagliaTsang(shape: number, rng: Rng): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  const x = normalZiggurat(rng);
  const v = 1 + c * x;
  const v3 = v * v * v;
  const u = (rng.nextU32() + 0.5) * TWO_POW_M32;
  const x2 = x * x;
  if (v > 0 && u < 1 - 0.0331 * x2 * x2) return d * v3; // the squeeze accepts ~98 % of draws
  return gammaMarsagliaTsangSlow(d, c, x, v, u, rng);
}

/** The rest of Marsaglia–Tsang for a draw the squeeze did not accept: the exact log test, then fresh draws. */
export function gammaMarsagliaTsangSlow(d: number, c: number, x: number, v: number, u: number, rng: Rng): number {
  for (;;) {
    if (v > 0) {
      const v3 = v * v * v;
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v3;
      // Log-free acceptance (most draws that reach here): with t = cx and 9dc² = 1 the right side of the exact test is
      // x²/2 + d(1 − v³ + 3 log(1 + t)) = d(3R − ¾t⁴), R the Taylor remainder t⁵/(5(1+ξ)⁵) ≥ min(0, (t/v)⁵/5); as
      // log u ≤ u − 1, u − 1 below that bound (less a 1e-12 rounding margin) implies the exact test accepts.
      const t = c * x,
        r = t / v,
        t4 = t * t * t * t;
      const rem = t < 0 ? (r * r * r * r * r) / 5 : 0;
      if (u - 1 < d * (3 * rem - 0.75 * t4) - 1e-12) return d * v3;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v3 + Math.log(v3))) return d * v3;
    }
    x = normalZiggurat(rng);
    v = 1 + c * x;
    u = (rng.nextU32() + 0.5) * TWO_POW_M32;
  }
}

/** Gamma(shape, scale 1), shape > 0 finite. */
export function sampleGamma(shape: number, rng: Rng): number {
  if (!(shape > 0) || !Number.isFinite(shape))
    throw new RangeError(`Gamma: shape must be a finite number > 0 (got ${shape})`);
  if (shape >= 1) return gammaMarsagliaTsang(shape, rng);
  return gammaMarsagliaTsang(shape + 1, rng) * Math.pow(rng.uniformOpen(), 1 / shape);
}

// Marsaglia–Tsang's c = 1/√(9d), d = k/2 − 1/3, per integer k < CHI_C_MAX, filled once at load so the χ²_k draws
// of the exact sampler skip a sqrt and a division; bit-identical to computing it.
export const CHI_C_MAX = 1 << 17;
export const CHI_C = new Float64Array(CHI_C_MAX);
for (let k = 3; k < CHI_C_MAX; k++) CHI_C[k] = 1 / Math.sqrt(9 * (0.5 * k - 1 / 3));

/** χ²_k for an integer k ≥ 0 (k = 0 gives 0); no argument checks (hot path). */
export function chiSquaredInt(k: number, rng: Rng): number {
  if (k < 3) return chiSquaredSmall(k, rng);
  if (k >= CHI_C_MAX) return 2 * gammaMarsagliaTsang(0.5 * k, rng);
  // Marsaglia–Tsang with the cached c (the squeeze accepts ~98 %; the rest as in gammaMarsagliaTsang)
  const d = 0.5 * k - 1 / 3;
  const c = CHI_C[k];
  const x = normalZiggurat(rng);
  const v = 1 + c * x;
  const u = (rng.nextU32() + 0.5) * TWO_POW_M32;
  const x2 = x * x;
  if (v > 0 && u < 1 - 0.0331 * x2 * x2) return 2 * d * (v * v * v);
  return 2 * gammaMarsagliaTsangSlow(d, c, x, v, u, rng);
}

function chiSquaredSmall(k: number, rng: Rng): number {
  if (k === 2) return -2 * Math.log(rng.uniformOpen()); // χ²₂ is Exponential with mean 2
  if (k === 1) {
    const z = normalZiggurat(rng);
    return z * z;
  }
  return 0;
}

/** χ²_k, k ≥ 0 real (k = 0 is the point mass at 0). */
export function sampleChiSquared(k: number, rng: Rng): number {
  if (!(k >= 0) || !Number.isFinite(k))
    throw new RangeError(`χ²: degrees of freedom must be a finite number ≥ 0 (got ${k})`);
  if (Number.isInteger(k)) return chiSquaredInt(k, rng);
  return 2 * sampleGamma(0.5 * k, rng);
}
