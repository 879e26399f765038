// Fixed points of the signal-propagation maps (Xiao et al. 2020, §2, eqs. 2–3, 13; Poole et al. 2016; Schoenholz et al.
// 2017):
//   length map      q ↦ σ_w² E φ(√q z)² + σ_b²                       → q*,  χ₁ = σ_w² E φ′(√q* z)²
//   correlation map c ↦ (σ_w² 𝒯(q*, c q*, q*) + σ_b²)/q*             → c*,  χ_c* = σ_w² 𝒯̇(q*, c* q*, q*)
// q* is the limit of the length map started from the input's q⁰ (default 1): the orbit of an increasing 1D map is
// monotone and stops at the first fixed point in its direction, so we bracket that root (a scan fine enough not to
// step over the pair of roots at a fold, firstRootBracket) and polish it with Brent
// (plain iteration needs ~10⁴ steps when the slope is close to 1). c = 1 is always a fixed point (σ_b² enters both
// sides); it is stable iff χ₁ < 1. In the chaotic phase the orbit from c = 0 rises to the first fixed point c* < 1.
import { getActivation, type Activation } from './activation';
import { lengthMap, nngpMap, nngpMapQuadrature } from './nngp-map';
import { brent } from './root';

export interface MeanFieldParams {
  /** A registered activation name or an Activation. */
  activation: string | Activation;
  sigmaW2: number;
  sigmaB2: number;
  /** The input's q⁰ = ‖x‖²-based pre-activation variance the length map starts from (default 1). */
  q0?: number;
}

export type FixedPoint =
  | {
      kind: 'finite';
      qStar: number;
      chi1: number;
      cStar: number;
      chiC: number;
      /** Every q is a fixed point (homogeneous φ with σ_w²E[φ(z)²] = 1, σ_b² = 0): q* = q⁰ of the input. */
      marginal: boolean;
      note?: string;
    }
  | {
      kind: 'none';
      reason: string;
      /** χ₁ when it does not depend on q (homogeneous φ, e.g. ReLU: σ_w²/2), else null. */
      chi1: number | null;
    };

/** |χ₁ − 1| below this is the critical line (the critical-curve solver reaches ~1e-12). */
export const CRITICAL_TOLERANCE = 1e-9;
/** Above this q the length map is declared divergent. */
export const Q_DIVERGENT = 1e15;

export function resolveActivation(a: string | Activation): Activation {
  return typeof a === 'string' ? getActivation(a) : a;
}

export function validateMeanFieldParams(sigmaW2: number, sigmaB2: number, q0 = 1): void {
  if (typeof sigmaW2 !== 'number' || !Number.isFinite(sigmaW2) || sigmaW2 <= 0)
    throw new RangeError(`sigmaW2 (σ_w²) must be a finite number > 0, got ${String(sigmaW2)}`);
  if (typeof sigmaB2 !== 'number' || !Number.isFinite(sigmaB2) || sigmaB2 < 0)
    throw new RangeError(`sigmaB2 (σ_b²) must be a finite number ≥ 0, got ${String(sigmaB2)}`);
  if (typeof q0 !== 'number' || !Number.isFinite(q0) || q0 <= 0)
    throw new RangeError(`q0 (input variance) must be a finite number > 0, got ${String(q0)}`);
}

type QResult = { kind: 'finite'; qStar: number; marginal: boolean } | { kind: 'none'; reason: string };

/**
 * Geometric step of the scan for the first root: fine enough that a fold shows as a sampled local extremum. Folds
 * sit where φ changes shape, at q of order 1–100 (GELU: 1–200); outside [1e-4, 1e4] (relative to q⁰) the length
 * map follows its asymptote and the scan doubles, as the plain bracketing did.
 */
const SCAN_RATIO = 2 ** 0.25;
const SCAN_FINE_SPAN = 1e4;
/**
 * Golden-section refinement of a sampled dip stops at this relative width: g varies by ~g″w²/2 across a bracket
 * of width w around its minimum, far below the rounding of g at 1e-8.
 */
const DIP_XTOL = 1e-8;

/**
 * The first root of g met when walking from `start` (g(start) = gStart ≠ 0) in the direction the orbit moves:
 * upward if g > 0, downward if g < 0. Near a fold of the length map g touches zero twice in a short interval (a pair
 * of roots); a coarse bracketing step would jump over that pair and land on a farther root the orbit never reaches.
 * So the scan is geometric with a small ratio and, where the samples show a local extremum of g on the wrong side
 * of zero (a dip towards zero), golden-section search finds the extremum and brackets the root before it if g
 * crosses zero there. Returns a bracket (a on the start side) or null when the walk passes `limit`.
 */
function firstRootBracket(
  g: (q: number) => number,
  start: number,
  gStart: number,
  limit: number,
): { a: number; b: number; ga: number; gb: number } | null {
  const up = gStart > 0;
  const sign = up ? 1 : -1; // s·g > 0 until the first root
  const fine = up ? start * SCAN_FINE_SPAN : start / SCAN_FINE_SPAN;
  let q2 = Number.NaN; // two samples back
  let s2 = Number.NaN;
  let q1 = start;
  let s1 = sign * gStart;
  for (;;) {
    const coarse = up ? q1 >= fine : q1 <= fine;
    const q = q1 * (up ? (coarse ? 2 : SCAN_RATIO) : coarse ? 0.5 : 1 / SCAN_RATIO);
    if (up ? q > limit : q < limit) return null;
    const gq = g(q);
    const s = sign * gq;
    if (s <= 0) return { a: q1, b: q, ga: sign * s1, gb: gq };
    if (s1 < s2 && s1 < s) {
      // sampled dip of s·g around q1: find its minimum on [q2, q]
      const dip = dipBelowZero((x) => sign * g(x), q2, q1, q, s1);
      if (dip) return { a: q2, b: dip.x, ga: sign * s2, gb: sign * dip.s };
    }
    q2 = q1;
    s2 = s1;
    q1 = q;
    s1 = s;
  }
}

/** Golden-section minimization of s on the bracket (a, m, b), s(m) = sm; the first point with s ≤ 0, or null. */
function dipBelowZero(
  s: (x: number) => number,
  a: number,
  m: number,
  b: number,
  sm: number,
): { x: number; s: number } | null {
  const r = (3 - Math.sqrt(5)) / 2;
  let lo = Math.min(a, b);
  let hi = Math.max(a, b);
  let x = m;
  let sx = sm;
  while (hi - lo > DIP_XTOL * x) {
    // probe the larger side of the bracket
    const right = hi - x > x - lo;
    const y = right ? x + r * (hi - x) : x - r * (x - lo);
    const sy = s(y);
    if (sy <= 0) return { x: y, s: sy };
    if (sy < sx) {
      if (right) lo = x;
      else hi = x;
      x = y;
      sx = sy;
    } else if (right) hi = y;
    else lo = y;
  }
  return null;
}

/**
 * q* of the length map from q⁰: the first fixed point in the direction the orbit moves (see the file comment and
 * firstRootBracket). `meanSquare` may supply E φ(√q z)² (e.g. interpolated from a table, tables.ts); by default it
 * is the quadrature of lengthMap. `continueFrom` is a continuation hint for callers that follow one branch of fixed
 * points along a parameter (critical-curve.ts): when it brackets a stable root tightly that root is returned, even
 * if the orbit from q⁰ would stop at another one — such callers re-check with a solve without it.
 */
export function solveQStar(
  act: Activation,
  sigmaW2: number,
  sigmaB2: number,
  q0 = 1,
  continueFrom?: number,
  meanSquare?: (q: number) => number,
): QResult {
  validateMeanFieldParams(sigmaW2, sigmaB2, q0);
  if (act.homogeneous) {
    // F(q) = σ_w² k q + σ_b², k = E φ(z)²: a straight line
    const slope = sigmaW2 * lengthMap(act, 1).T;
    if (Math.abs(slope - 1) <= 1e-14) {
      if (sigmaB2 === 0) return { kind: 'finite', qStar: q0, marginal: true };
      return {
        kind: 'none',
        reason: `σ_w²·E[φ(z)²] = 1 and σ_b² > 0: q grows linearly with depth (q^l = q⁰ + l·σ_b²), no finite q*`,
      };
    }
    if (slope > 1) {
      return {
        kind: 'none',
        reason: `σ_w²·E[φ(z)²] = ${slope.toPrecision(6)} > 1: q grows geometrically with depth, no finite q*`,
      };
    }
    return { kind: 'finite', qStar: sigmaB2 / (1 - slope), marginal: false };
  }
  const F = meanSquare
    ? (q: number) => sigmaW2 * meanSquare(q) + sigmaB2
    : (q: number) => sigmaW2 * lengthMap(act, q).T + sigmaB2;
  const g = (q: number) => F(q) - q;
  if (continueFrom !== undefined && continueFrom > 0 && Number.isFinite(continueFrom)) {
    for (const width of [1e-7, 1e-3, 3e-2]) {
      const lo = continueFrom * (1 - width);
      const hi = continueFrom * (1 + width);
      const glo = g(lo);
      const ghi = g(hi);
      if (glo >= 0 && ghi <= 0) return { kind: 'finite', qStar: brent(g, lo, hi, {}, glo, ghi), marginal: false };
      if (glo < 0 !== ghi < 0) break; // the sign pattern says the root near the hint is not a stable one
    }
  }
  const g0 = g(q0);
  if (g0 === 0) return { kind: 'finite', qStar: q0, marginal: false };
  if (g0 > 0) {
    // orbit rises: the first root above q⁰, or divergence
    const br = firstRootBracket(g, q0, g0, Q_DIVERGENT);
    if (!br) {
      return {
        kind: 'none',
        reason: `the length map q ↦ σ_w²E[φ(√q z)²] + σ_b² has no fixed point in [q⁰, ${Q_DIVERGENT.toExponential(0)}]: q diverges with depth`,
      };
    }
    return { kind: 'finite', qStar: brent(g, br.a, br.b, {}, br.ga, br.gb), marginal: false };
  }
  // orbit falls: the largest root below q⁰; F(0) = σ_w²φ(0)² + σ_b² ≥ 0, so g(0) ≥ 0 and a root exists in [0, q⁰).
  // With F(0) = 0 and a stable q = 0 (slope σ_w²φ′(0)² < 1, seen as g < 0 all the way down) the limit is 0.
  const br = firstRootBracket(g, q0, g0, 1e-30);
  if (!br) {
    // only q = 0 is left: a root iff F(0) = 0 (σ_b² = 0, φ(0) = 0)
    const zeroIsFixed = sigmaB2 === 0 && act.phi(0) === 0;
    return { kind: 'finite', qStar: zeroIsFixed ? 0 : brent(g, 0, 1e-30), marginal: false };
  }
  return { kind: 'finite', qStar: brent(g, br.b, br.a, {}, br.gb, br.ga), marginal: false };
}

/** σ_w² 𝒯 and σ_w² 𝒯̇ on the fixed-variance slice Σ = q*[[1, c], [c, 1]]. */
function correlationSlice(act: Activation, q: number, c: number): { T: number; Tdot: number } {
  return nngpMap(act, { s11: q, s12: c * q, s22: q });
}

/** T only (half the quadrature work). */
function sliceT(act: Activation, q: number, c: number): number {
  const cf = act.closedForms;
  if (cf) return cf.T(q, c * q, q);
  return nngpMapQuadrature(act, { s11: q, s12: c * q, s22: q }).T;
}

/**
 * c* < 1 of the correlation map in the chaotic phase: the first root of h(c) = C(c) − c above c = 0 (h(0) ≥ 0 since
 * C(0) = (σ_w²(Eφ)² + σ_b²)/q* ≥ 0; h < 0 just below 1 since C′(1) = χ₁ > 1). Returns 1 if h stays ≥ 0 up to
 * 1 − 1e-13 (χ₁ within rounding of 1).
 */
export function solveCStar(act: Activation, sigmaW2: number, sigmaB2: number, qStar: number, hint?: number): number {
  const h = (c: number) => (sigmaW2 * sliceT(act, qStar, c) + sigmaB2) / qStar - c;
  if (hint !== undefined && hint >= 0 && hint < 1) {
    const lo = Math.max(0, hint - 1e-6);
    const hi = Math.min(1 - 1e-15, hint + 1e-6);
    const hlo = h(lo);
    const hhi = h(hi);
    if (hlo >= 0 && hhi <= 0) return brent(h, lo, hi, { xtol: 1e-15 }, hlo, hhi);
  }
  let lo = 0;
  let hlo = h(0);
  if (hlo <= 0) return 0;
  for (let k = 1; k <= 44; k++) {
    const c = 1 - 2 ** -k;
    const hc = h(c);
    if (hc < 0) return brent(h, lo, c, { xtol: 1e-15 }, hlo, hc);
    lo = c;
    hlo = hc;
  }
  return 1;
}

/** q*, χ₁, c*, χ_c* for (φ, σ_w², σ_b²); `kind: 'none'` with a reason when there is no finite q*. */
export function fixedPoint(params: MeanFieldParams, hints?: { qStar?: number; cStar?: number }): FixedPoint {
  const act = resolveActivation(params.activation);
  const { sigmaW2, sigmaB2 } = params;
  const q0 = params.q0 ?? 1;
  validateMeanFieldParams(sigmaW2, sigmaB2, q0);
  // no q hint: a neighbour's q* may sit on a branch the orbit from q⁰ does not reach (a fold of the length map)
  const q = solveQStar(act, sigmaW2, sigmaB2, q0);
  if (q.kind === 'none') {
    const chi1 = act.homogeneous ? sigmaW2 * lengthMap(act, 1).Tdot : null;
    return { kind: 'none', reason: q.reason, chi1 };
  }
  const qStar = q.qStar;
  // homogeneous φ: χ₁ is the same at every q (use q = 1 so q* = 0 is not a special case)
  const chi1 = sigmaW2 * lengthMap(act, act.homogeneous ? 1 : qStar).Tdot;
  let note: string | undefined;
  if (q.marginal)
    note = 'every q is a fixed point (critical homogeneous activation with σ_b² = 0): q* = q⁰ of the input';
  if (qStar === 0)
    note = 'q* = 0: signals shrink to zero with depth (σ_b² = 0, φ(0) = 0); correlations are taken as c* = 1';
  if (chi1 <= 1 + CRITICAL_TOLERANCE || qStar === 0) {
    // ordered or critical: c = 1 is the stable fixed point, χ_c* = χ₁ (Xiao et al. 2020, §4.2)
    return { kind: 'finite', qStar, chi1, cStar: 1, chiC: chi1, marginal: q.marginal, ...(note ? { note } : {}) };
  }
  const cStar = solveCStar(act, sigmaW2, sigmaB2, qStar, hints?.cStar);
  const chiC = sigmaW2 * correlationSlice(act, qStar, cStar).Tdot;
  return { kind: 'finite', qStar, chi1, cStar, chiC, marginal: q.marginal, ...(note ? { note } : {}) };
}
