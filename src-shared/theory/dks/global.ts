// Global (extended) maps of a D-layer chain of identical combined layers (Martens et al. 2021 (DKS), Sec. 7–8):
// q_{l+1} = Q(q_l), c_{l+1} = C(c_l; q_l) (composition, Sec. 7.1), the slope by the chain rule (Sec. 8.2), and the
// degeneracy measures of Sec. 13 with the bounds of Theorem 13; the order/chaos class of a C map by Corollary 38.
// Note (digest of the paper): Sec. 26.4 states the C′(1) ≷ 1 directions swapped; Corollary 38, Sec. 24.5.2 and
// Poole et al. 2016 agree on C′(1) ≤ 1 → c* = 1 (collapsing/ordered), C′(1) > 1 → c* < 1 (exploding/chaotic).
import { brent } from '../meanfield/root';
import type { DksActivation } from './activations';
import { hermiteSeries, localSummary, seriesCMap, type HermiteSeries } from './maps';

export interface ChainMap {
  depth: number;
  /** Input c values. */
  inputs: Float64Array;
  /** q_l, l = 0 … depth. */
  q: Float64Array;
  /** C_f at depth l for input k: c[l·n + k] (l = 0 is the input itself). */
  c: Float64Array;
  /** C′_f at the full depth for each input (product of local slopes along its trajectory). */
  slope: Float64Array;
  /** Global C′(1) = Π_l C′(1; q_l) (= ψ^D under DKS, Sec. 17). */
  globalCPrime1: Float64Array;
  /** True when q stays at q₀ (Q(q₀) = q₀ within 1e-9): C_f is then a positive-definite function (Sec. 11). */
  uniformQ: boolean;
  /** Largest coefficient mass beyond the Hermite series' last term over the layers (accuracy of C_f). */
  seriesTail: number;
}

const MAX_DEPTH = 100_000;

/**
 * C_f vs depth for each input c (Sec. 12.1–12.2 figures). Local maps come from the Hermite series (maps.ts),
 * recomputed only while q is still moving. Throws (no NaN) when q leaves [1e-12, 1e12].
 */
export function chainMap(act: DksActivation, inputs: ArrayLike<number>, depth: number, q0 = 1): ChainMap {
  if (!(Number.isInteger(depth) && depth >= 1 && depth <= MAX_DEPTH))
    throw new RangeError(`depth must be an integer in [1, ${MAX_DEPTH}], got ${String(depth)}`);
  const n = inputs.length;
  const c = new Float64Array((depth + 1) * n);
  for (let k = 0; k < n; k++) {
    const ck = inputs[k];
    if (!(ck >= -1 && ck <= 1)) throw new RangeError(`input c must be in [−1, 1], got ${String(ck)}`);
    c[k] = ck;
  }
  const q = new Float64Array(depth + 1);
  const g1 = new Float64Array(depth + 1);
  const slope = new Float64Array(n).fill(1);
  q[0] = q0;
  g1[0] = 1;
  let series: HermiteSeries | null = null;
  let seriesQ = Number.NaN;
  let cPrime1 = 1;
  let tail = 0;
  const out = new Float64Array(2);
  for (let l = 0; l < depth; l++) {
    const ql = q[l];
    // positively homogeneous φ (ReLU): Q(q) = qQ(1) and the C map does not depend on q (Sec. 12.1), so q may run
    // to 0 or ∞ geometrically without harm; otherwise the maps need a q inside the tables' range
    const qEval = act.homogeneous ? 1 : ql;
    if (!act.homogeneous && !(ql >= 1e-12 && ql <= 1e12))
      throw new RangeError(`q = ${ql} at layer ${l}: the length map leaves [1e-12, 1e12] (no finite fixed point)`);
    if (!series || Math.abs(qEval - seriesQ) > 1e-13 * qEval) {
      series = hermiteSeries(act, qEval);
      seriesQ = qEval;
      cPrime1 = localSummary(act, qEval).CPrime1;
      tail = Math.max(tail, series.tail);
    }
    q[l + 1] = act.homogeneous ? series.Q * ql : series.Q;
    g1[l + 1] = g1[l] * cPrime1;
    const from = l * n;
    const to = from + n;
    for (let k = 0; k < n; k++) {
      const x = c[from + k];
      if (x === 1) {
        // C(1) = 1 exactly and C′(1) is known: no series rounding at the endpoint
        c[to + k] = 1;
        slope[k] *= cPrime1;
        continue;
      }
      seriesCMap(series, x, out);
      c[to + k] = Math.max(-1, Math.min(1, out[0]));
      slope[k] *= out[1];
    }
  }
  let uniformQ = true;
  for (let l = 1; l <= depth; l++) if (Math.abs(q[l] - q0) > 1e-9 * q0) uniformQ = false;
  return { depth, inputs: Float64Array.from(inputs), q, c, slope, globalCPrime1: g1, uniformQ, seriesTail: tail };
}

/** Degeneracy of a C map (Sec. 13.1) next to the bounds of Theorem 13. */
export interface Degeneracy {
  /** max_c |C(c) − c| over the grid */
  maxDeviation: number;
  /** max_c |C′(c) − 1| over the grid */
  maxSlopeDeviation: number;
  C0: number;
  CPrime0: number;
  CPrime1: number;
  /** Theorem 13: ¼(1 − C′(0)) ≤ max|C − c| ≤ 2(1 − C′(0)); max|C′ − 1| ≤ 2(1 − C′(0)) + C′(1) − 1. */
  bounds: {
    deviationLower: number;
    deviationUpper: number;
    slopeDeviationUpper: number;
    /** When C(0) = 0 (|C(0)| ≤ 1e-9): max|C − c| ≤ 2(C′(1) − 1), max|C′ − 1| ≤ 3(C′(1) − 1); else null. */
    deviationUpperC0: number | null;
    slopeDeviationUpperC0: number | null;
  };
}

/**
 * The degeneracy measures of the depth-D chain at uniform q (Theorem 13 needs a positive-definite C map, Sec. 11,
 * which holds when q stays put: Q(q₀) = q₀, e.g. after the DKS transform). `grid` points on [−1, 1] (default 401).
 */
export function chainDegeneracy(act: DksActivation, depth: number, q0 = 1, grid = 401): Degeneracy {
  const cs = Float64Array.from({ length: grid }, (_, i) => -1 + (2 * i) / (grid - 1));
  const special = Float64Array.from([0, 1]);
  const all = new Float64Array(grid + 2);
  all.set(cs);
  all.set(special, grid);
  const m = chainMap(act, all, depth, q0);
  if (!m.uniformQ)
    throw new RangeError(`Q(${q0}) ≠ ${q0}: the chain's q moves, so its C map is not a positive-definite function`);
  let maxDeviation = 0;
  let maxSlopeDeviation = 0;
  const last = depth * all.length;
  for (let k = 0; k < grid; k++) {
    maxDeviation = Math.max(maxDeviation, Math.abs(m.c[last + k] - cs[k]));
    maxSlopeDeviation = Math.max(maxSlopeDeviation, Math.abs(m.slope[k] - 1));
  }
  const C0 = m.c[last + grid];
  const CPrime0 = m.slope[grid];
  const CPrime1 = m.globalCPrime1[depth];
  const c0Zero = Math.abs(C0) <= 1e-9;
  return {
    maxDeviation,
    maxSlopeDeviation,
    C0,
    CPrime0,
    CPrime1,
    bounds: {
      deviationLower: (1 - CPrime0) / 4,
      deviationUpper: 2 * (1 - CPrime0),
      slopeDeviationUpper: 2 * (1 - CPrime0) + CPrime1 - 1,
      deviationUpperC0: c0Zero ? 2 * (CPrime1 - 1) : null,
      slopeDeviationUpperC0: c0Zero ? 3 * (CPrime1 - 1) : null,
    },
  };
}

export type CMapClass =
  | { kind: 'constant' }
  | { kind: 'identity' }
  | { kind: 'collapsing'; cStar: 1; CPrime1: number }
  | { kind: 'exploding'; cStar: number; CPrime1: number; CPrimeCStar: number }
  | { kind: 'odd'; fixedPoints: [-1, 0, 1]; CPrime1: number };

/**
 * The fixed-point structure of the local C map at q (Martens et al. 2021 (DKS), Corollary 38; Prop. 10): one fixed
 * point c* = 1 iff C′(1) ≤ 1 (collapsing); {c* ∈ [0, 1), 1} iff C′(1) > 1 and C is not odd (exploding, c*
 * attracting with 0 < C′(c*) < 1, Corollary 39); {−1, 0, 1} iff C is odd. Trivial maps (constant, identity) apart.
 */
export function classifyCMap(act: DksActivation, q = 1): CMapClass {
  const series = hermiteSeries(act, q);
  const { b } = series;
  const tol = 1e-12;
  if (b[0] >= 1 - tol) return { kind: 'constant' };
  if (b[1] >= 1 - tol) return { kind: 'identity' };
  const CPrime1 = localSummary(act, q).CPrime1;
  let even = 0;
  for (let i = 0; i < b.length; i += 2) even += b[i];
  if (even <= tol) return { kind: 'odd', fixedPoints: [-1, 0, 1], CPrime1 };
  if (CPrime1 <= 1 + tol) return { kind: 'collapsing', cStar: 1, CPrime1 };
  const out = new Float64Array(2);
  const h = (c: number) => {
    seriesCMap(series, c, out);
    return out[0] - c;
  };
  // h(0) = C(0) ≥ 0 and h < 0 just below 1 (C′(1) > 1): the first sign change above 0 is c*
  let lo = 0;
  let hlo = h(0);
  let cStar = 0;
  if (hlo > 0) {
    cStar = 1;
    for (let k = 1; k <= 44; k++) {
      const x = 1 - 2 ** -k;
      const hx = h(x);
      if (hx <= 0) {
        cStar = brent(h, lo, x, { xtol: 1e-15 }, hlo, hx);
        break;
      }
      lo = x;
      hlo = hx;
    }
  }
  seriesCMap(series, cStar, out);
  return { kind: 'exploding', cStar, CPrime1, CPrimeCStar: out[1] };
}
