// Fixed points of the signal-propagation maps (seed 001 §2, eqs. 2–3, 13; Poole et al. 2016; Schoenholz et al. 2017):
//   length map      q ↦ σ_w² E φ(√q z)² + σ_b²                       → q*,  χ₁ = σ_w² E φ′(√q* z)²
//   correlation map c ↦ (σ_w² 𝒯(q*, c q*, q*) + σ_b²)/q*             → c*,  χ_c* = σ_w² 𝒯̇(q*, c* q*, q*)
// q* is the limit of the length map started from the input's q⁰ (default 1): the orbit of an increasing 1D map is
// monotone and stops at the first fixed point in its direction, so we bracket that root and polish it with Brent
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
 * q* of the length map from q⁰ (see the file comment). `meanSquare` may supply E φ(√q z)² (e.g. interpolated from
 * a table, tables.ts); by default it is the quadrature of lengthMap.
 */
export function solveQStar(
  act: Activation,
  sigmaW2: number,
  sigmaB2: number,
  q0 = 1,
  hint?: number,
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
  // a warm start (a neighbouring cell's q*) is accepted if it brackets the root tightly
  const start = q0;
  if (hint !== undefined && hint > 0 && Number.isFinite(hint)) {
    for (const width of [1e-7, 1e-3, 3e-2]) {
      const lo = hint * (1 - width);
      const hi = hint * (1 + width);
      const glo = g(lo);
      const ghi = g(hi);
      if (glo >= 0 && ghi <= 0) return { kind: 'finite', qStar: brent(g, lo, hi, {}, glo, ghi), marginal: false };
      if (glo < 0 !== ghi < 0) break; // the sign pattern says q* is not the stable root near the hint
    }
  }
  const g0 = g(start);
  if (g0 === 0) return { kind: 'finite', qStar: start, marginal: false };
  if (g0 > 0) {
    // orbit rises: the first root above q⁰, or divergence
    let lo = start;
    let glo = g0;
    let hi = 2 * lo;
    let ghi = g(hi);
    while (ghi > 0) {
      if (hi > Q_DIVERGENT) {
        return {
          kind: 'none',
          reason: `the length map q ↦ σ_w²E[φ(√q z)²] + σ_b² has no fixed point in [q⁰, ${Q_DIVERGENT.toExponential(0)}]: q diverges with depth`,
        };
      }
      lo = hi;
      glo = ghi;
      hi *= 2;
      ghi = g(hi);
    }
    return { kind: 'finite', qStar: brent(g, lo, hi, {}, glo, ghi), marginal: false };
  }
  // orbit falls: the largest root below q⁰; F(0) = σ_w²φ(0)² + σ_b² ≥ 0, so g(0) ≥ 0 and a root exists in [0, q⁰).
  // With F(0) = 0 and a stable q = 0 (slope σ_w²φ′(0)² < 1, seen as g < 0 all the way down) the limit is 0.
  let hi = start;
  let ghi = g0;
  let lo = hi / 2;
  let glo = g(lo);
  while (glo < 0) {
    if (lo < 1e-30) {
      // only q = 0 is left: a root iff F(0) = 0 (σ_b² = 0, φ(0) = 0)
      const zeroIsFixed = sigmaB2 === 0 && act.phi(0) === 0;
      return { kind: 'finite', qStar: zeroIsFixed ? 0 : brent(g, 0, lo), marginal: false };
    }
    hi = lo;
    ghi = glo;
    lo /= 2;
    glo = g(lo);
  }
  return { kind: 'finite', qStar: brent(g, lo, hi, {}, glo, ghi), marginal: false };
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
  const q = solveQStar(act, sigmaW2, sigmaB2, q0, hints?.qStar);
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
    // ordered or critical: c = 1 is the stable fixed point, χ_c* = χ₁ (seed 001 §4.2)
    return { kind: 'finite', qStar, chi1, cStar: 1, chiC: chi1, marginal: q.marginal, ...(note ? { note } : {}) };
  }
  const cStar = solveCStar(act, sigmaW2, sigmaB2, qStar, hints?.cStar);
  const chiC = sigmaW2 * correlationSlice(act, qStar, cStar).Tdot;
  return { kind: 'finite', qStar, chi1, cStar, chiC, marginal: q.marginal, ...(note ? { note } : {}) };
}
