// The critical line χ₁(σ_w², σ_b²) = 1 (Xiao et al. 2020, §2: the order-to-chaos transition; Poole et al. 2016 Fig. 2):
// for each σ_b², the σ_w² where χ₁ = σ_w²E[φ′(√q* z)²] crosses 1, by bracketing + Brent (q* moves with σ_w², so
// each evaluation re-solves the length map, warm-started from the previous q*). E φ² and E φ′² come from the
// activation's q table (tables.ts), not per-call quadrature: this is what makes a 200-point line < 1 s (issue 5).
// Homogeneous φ (ReLU, linear): χ₁ = σ_w²E[φ′(z)²] does not depend on q, so σ_w²_crit = 1/E[φ′(z)²] for every σ_b²
// (ReLU: 2). For σ_b² > 0 that point has no finite q* (q grows linearly), which the result says.
import { LIMITS } from '../../params';
import type { Activation } from './activation';
import { resolveActivation, solveQStar, validateMeanFieldParams } from './fixed-point';
import { lengthMap } from './nngp-map';
import { brent } from './root';
import { qTable } from './tables';

export type CriticalPoint =
  | { kind: 'found'; sigmaW2: number; sigmaB2: number; qStar: number | null; note?: string }
  | { kind: 'none'; sigmaB2: number; reason: string };

/** The scan covers σ_w² ∈ [SCAN_MIN, LIMITS.sigmaW2Max]. */
const SCAN_MIN = 0.01;
const SCAN_RATIO = 1.15;

export interface CriticalOptions {
  /** Evaluate E φ² and E φ′² by direct quadrature (lengthMap) instead of the q table: the slow reference path. */
  quadrature?: boolean;
}

/** |χ₁ − 1| a crossing must have at the fixed point reached from q⁰ = 1 (see finish in criticalSigmaW2). */
const CROSSING_CHECK = 1e-6;

type Means = { meanSquare: (q: number) => number; meanSquareSlope: (q: number) => number };

/** χ₁ at (σ_w², σ_b²), or null when there is no finite q*. Remembers the last q* as a warm start. */
function chi1Evaluator(
  act: Activation,
  sigmaB2: number,
  means: Means,
): (sigmaW2: number) => { chi1: number; qStar: number } | null {
  const { meanSquare, meanSquareSlope } = means;
  let lastQ: number | undefined;
  return (sigmaW2) => {
    const q = solveQStar(act, sigmaW2, sigmaB2, 1, lastQ, meanSquare);
    if (q.kind === 'none') return null;
    lastQ = q.qStar > 0 ? q.qStar : undefined;
    return { chi1: sigmaW2 * meanSquareSlope(q.qStar), qStar: q.qStar };
  };
}

/**
 * E φ(√q z)² and E φ′(√q z)² from the activation's q table (tables.ts: 8-point Lagrange in ln q, ~1e-14 relative
 * to the quadrature of lengthMap, which it falls back to outside q ∈ [1e-8, 1e16], e.g. at q = 0). Every
 * evaluation below goes through these, so a σ_w² scan costs table look-ups instead of quadratures (issue 5).
 */
function means(act: Activation, options?: CriticalOptions): Means {
  // closed forms (erf, ReLU) are already cheaper than filling a table
  if (act.closedForms || options?.quadrature)
    return { meanSquare: (q) => lengthMap(act, q).T, meanSquareSlope: (q) => lengthMap(act, q).Tdot };
  const table = qTable(act);
  return { meanSquare: (q) => table.meanSquare(q), meanSquareSlope: (q) => table.meanSquareSlope(q) };
}

/**
 * The critical line parametrized by the fixed-point variance q (no nested q* solve): χ₁ = 1 at q* = q means
 * σ_w² = 1/E[φ′(√q z)²] and then the length map's fixed-point equation gives σ_b² = q − σ_w²E[φ(√q z)²].
 * Solve σ_b²(q) = target for q (scan + Brent), then check that q is the q* the length map actually reaches
 * from q⁰ = 1 at that σ_w²; null when it is not (the caller falls back to scanning σ_w²).
 */
function criticalByVariance(act: Activation, sigmaB2: number, m: Means): CriticalPoint | null {
  const { meanSquare, meanSquareSlope } = m;
  const b = (q: number) => q - meanSquare(q) / meanSquareSlope(q) - sigmaB2;
  let lo = 2 ** -30;
  let blo = b(lo);
  if (!(blo < 0)) return null;
  for (let hi = lo * 2; hi <= 2 ** 40; hi *= 2) {
    const bhi = b(hi);
    if (!Number.isFinite(bhi)) return null;
    if (bhi >= 0) {
      const q = brent(b, lo, hi, { xtol: 0 }, blo, bhi);
      const sigmaW2 = 1 / meanSquareSlope(q);
      if (!(sigmaW2 > SCAN_MIN && sigmaW2 <= LIMITS.sigmaW2Max)) return null;
      // no warm start: the orbit from q⁰ = 1 decides
      const reached = solveQStar(act, sigmaW2, sigmaB2, 1, undefined, meanSquare);
      if (reached.kind !== 'finite' || Math.abs(reached.qStar - q) > 1e-9 * Math.max(1, q)) return null;
      return { kind: 'found', sigmaW2, sigmaB2, qStar: reached.qStar };
    }
    lo = hi;
    blo = bhi;
  }
  return null;
}

/** The critical σ_w² for this σ_b²; `hint` (e.g. the neighbouring σ_b²'s answer) narrows the search. */
export function criticalSigmaW2(
  activation: string | Activation,
  sigmaB2: number,
  hint?: number,
  options?: CriticalOptions,
): CriticalPoint {
  const act = resolveActivation(activation);
  validateMeanFieldParams(1, sigmaB2);
  if (act.homogeneous) {
    const sigmaW2 = 1 / lengthMap(act, 1).Tdot;
    const k = lengthMap(act, 1).T;
    // with σ_w² = sigmaW2 the length map's slope is σ_w²E[φ²]; it is 1 for ReLU and linear
    const slope = sigmaW2 * k;
    if (sigmaB2 === 0 || slope < 1 - 1e-14) {
      const qStar = sigmaB2 === 0 ? 1 : sigmaB2 / (1 - slope);
      return {
        kind: 'found',
        sigmaW2,
        sigmaB2,
        qStar,
        ...(sigmaB2 === 0 ? { note: 'every q is a fixed point here; q* = q⁰ = 1' } : {}),
      };
    }
    return {
      kind: 'found',
      sigmaW2,
      sigmaB2,
      qStar: null,
      note: 'χ₁ = 1 here for every q, but with σ_b² > 0 q grows linearly with depth: no finite q*',
    };
  }
  const m = means(act, options);
  const chi = chi1Evaluator(act, sigmaB2, m);
  if (sigmaB2 === 0 && act.phi(0) === 0) {
    // q = 0 is a fixed point with χ₁ = σ_w²·lim_{q→0} E φ′(√q z)²; if the transition happens where it loses
    // stability, the critical σ_w² is exactly 1/lim E φ′², with q* = 0 (χ₁ is flat on the chaotic side there).
    const s0 = 1 / m.meanSquareSlope(0);
    if (s0 > SCAN_MIN && s0 < LIMITS.sigmaW2Max) {
      const below = chi(s0 * (1 - 1e-6));
      const above = chi(s0 * (1 + 1e-6));
      if (below && below.qStar === 0 && above && above.chi1 >= 1)
        return { kind: 'found', sigmaW2: s0, sigmaB2, qStar: 0 };
    }
  }
  const f = (s: number) => {
    const r = chi(s);
    if (!r) throw new RangeError(`no finite q* at σ_w² = ${s} inside the critical bracket`);
    return r.chi1 - 1;
  };
  const finish = (lo: number, flo: number, hi: number, fhi: number): CriticalPoint => {
    const sigmaW2 = brent(f, lo, hi, { xtol: 1e-15 }, flo, fhi);
    const q = chi(sigmaW2);
    // The scan warm-starts q* along σ_w²; with two stable fixed points (GELU) the root may sit on one the orbit from
    // q⁰ = 1 never reaches. Accept only a crossing that holds for the fixed point actually reached from q⁰ = 1.
    const cold = solveQStar(act, sigmaW2, sigmaB2, 1, undefined, m.meanSquare);
    const chiCold = cold.kind === 'finite' ? sigmaW2 * m.meanSquareSlope(cold.qStar) : Number.NaN;
    if (!(Math.abs(chiCold - 1) <= CROSSING_CHECK)) {
      return {
        kind: 'none',
        sigmaB2,
        reason:
          `no continuous transition: near σ_w² = ${sigmaW2.toPrecision(6)} the fixed point reached from q⁰ = 1 jumps ` +
          `(χ₁ = ${Number.isFinite(chiCold) ? chiCold.toPrecision(4) : 'undefined'} there; ${act.name} has two stable fixed points)`,
      };
    }
    return { kind: 'found', sigmaW2, sigmaB2, qStar: cold.kind === 'finite' ? cold.qStar : q ? q.qStar : null };
  };
  const viaQ = criticalByVariance(act, sigmaB2, m);
  if (viaQ) return viaQ;
  if (hint !== undefined && Number.isFinite(hint) && hint > SCAN_MIN && hint < LIMITS.sigmaW2Max) {
    // expand a bracket around the hint
    let lo = hint / 1.01;
    let hi = hint * 1.01;
    for (let k = 0; k < 8 && lo > SCAN_MIN && hi < LIMITS.sigmaW2Max; k++) {
      const a = chi(lo);
      const b = chi(hi);
      if (a && b && a.chi1 < 1 && b.chi1 >= 1) return finish(lo, a.chi1 - 1, hi, b.chi1 - 1);
      if (!a || !b || a.chi1 >= 1 === b.chi1 >= 1) {
        lo /= 1.1;
        hi *= 1.1;
      }
    }
  }
  let prev: { s: number; chi1: number } | null = null;
  for (
    let s = SCAN_MIN;
    s <= LIMITS.sigmaW2Max * (1 + 1e-12);
    s = Math.min(s * SCAN_RATIO, s === LIMITS.sigmaW2Max ? Infinity : LIMITS.sigmaW2Max)
  ) {
    let r = chi(s);
    if (!r && prev) {
      // q* is lost somewhere in (prev.s, s): bisect towards the loss, stopping if χ₁ reaches 1 on the way
      let a = prev.s;
      let b = s;
      for (let k = 0; k < 60 && b - a > 1e-13 * b; k++) {
        const mid = 0.5 * (a + b);
        const rm = chi(mid);
        if (!rm) b = mid;
        else if (rm.chi1 >= 1) return finish(a, prev.chi1 - 1, mid, rm.chi1 - 1);
        else {
          a = mid;
          prev = { s: mid, chi1: rm.chi1 };
        }
      }
      s = b;
      r = null;
    }
    if (!r) {
      return {
        kind: 'none',
        sigmaB2,
        reason: prev
          ? `the fixed point q* reached from q⁰ = 1 disappears at σ_w² ≈ ${s.toPrecision(6)} while χ₁ = ${prev.chi1.toPrecision(4)} < 1: beyond it q diverges, so χ₁ never reaches 1`
          : `no finite q* even at σ_w² = ${SCAN_MIN}`,
      };
    }
    if (r.chi1 >= 1) {
      if (!prev) return { kind: 'none', sigmaB2, reason: `χ₁ ≥ 1 already at σ_w² = ${SCAN_MIN}` };
      return finish(prev.s, prev.chi1 - 1, s, r.chi1 - 1);
    }
    prev = { s, chi1: r.chi1 };
  }
  return { kind: 'none', sigmaB2, reason: `χ₁ < 1 for every σ_w² ≤ ${LIMITS.sigmaW2Max} (the whole range is ordered)` };
}

/** The critical line over several σ_b² (each warm-started from the previous answer). */
export function criticalCurve(
  activation: string | Activation,
  sigmaB2s: ArrayLike<number>,
  options?: CriticalOptions,
): CriticalPoint[] {
  const act = resolveActivation(activation);
  const out: CriticalPoint[] = [];
  let hint: number | undefined;
  for (let i = 0; i < sigmaB2s.length; i++) {
    const p = criticalSigmaW2(act, sigmaB2s[i], hint, options);
    hint = p.kind === 'found' ? p.sigmaW2 : undefined;
    out.push(p);
  }
  return out;
}
