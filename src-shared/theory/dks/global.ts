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
/** q range of a chain with moving q (φ(√q x)² stays finite in float64 up to q ~ 1e100). */
const Q_MIN = 1e-100;
const Q_MAX = 1e100;
/** q values closer than this (relative) share one set of local maps (a C-map error of the same order). */
const Q_REUSE = 1e-10;

/**
 * The local C map tabulated on a uniform grid in θ = arccos c with cubic Hermite interpolation of C and C′: maps
 * with kinks have √(1 − c)-type terms at c = ±1 that are smooth in θ. Built once per set of local maps when they are
 * reused (uniform q), it replaces a ~K-term series per evaluation by O(1) work; error ≲ 1e-10 against the series.
 */
class ThetaTable {
  static readonly N = 1024;
  private readonly C: Float64Array;
  private readonly dC: Float64Array;
  private readonly P: Float64Array;
  private readonly dP: Float64Array;

  constructor(series: HermiteSeries) {
    const N = ThetaTable.N;
    this.C = new Float64Array(N + 1);
    this.dC = new Float64Array(N + 1);
    this.P = new Float64Array(N + 1);
    this.dP = new Float64Array(N + 1);
    const { b, tail } = series;
    const K = b.length - 1;
    for (let j = 0; j <= N; j++) {
      const th = (Math.PI * j) / N;
      const c = Math.cos(th);
      const s = Math.sin(th);
      // C, C′, C″ of the series (tail on c^(K+1), as seriesCMap)
      let v = 0;
      let d = 0;
      let d2 = 0;
      for (let i = K; i >= 0; i--) {
        v = v * c + b[i];
        if (i >= 1) d = d * c + i * b[i];
        if (i >= 2) d2 = d2 * c + i * (i - 1) * b[i];
      }
      const m = K + 1;
      v += tail * c ** m;
      d += m * tail * c ** (m - 1);
      d2 += m * (m - 1) * tail * c ** (m - 2);
      this.C[j] = v;
      this.dC[j] = -s * d;
      this.P[j] = d;
      this.dP[j] = -s * d2;
    }
  }

  /** out[0] = C(c), out[1] = C′(c). */
  eval(c: number, out: Float64Array): void {
    const N = ThetaTable.N;
    const h = Math.PI / N;
    const t = Math.acos(Math.max(-1, Math.min(1, c))) / h;
    const j = Math.min(N - 1, Math.floor(t));
    const u = t - j;
    const u2 = u * u;
    const u3 = u2 * u;
    const h00 = 2 * u3 - 3 * u2 + 1;
    const h10 = u3 - 2 * u2 + u;
    const h01 = -2 * u3 + 3 * u2;
    const h11 = u3 - u2;
    out[0] = h00 * this.C[j] + h * (h10 * this.dC[j] + h11 * this.dC[j + 1]) + h01 * this.C[j + 1];
    out[1] = h00 * this.P[j] + h * (h10 * this.dP[j] + h11 * this.dP[j + 1]) + h01 * this.P[j + 1];
  }
}

/**
 * C_f vs depth for each input c (Sec. 12.1–12.2 figures). Local maps come from the Hermite series (maps.ts),
 * recomputed only while q is still moving. Throws (no NaN) when q leaves [1e-100, 1e100].
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
  let uses = 0;
  let tableC: ThetaTable | null = null;
  let summary = { Q: Number.NaN, CPrime1: Number.NaN };
  let tail = 0;
  const out = new Float64Array(2);
  for (let l = 0; l < depth; l++) {
    const ql = q[l];
    // positively homogeneous φ (ReLU): Q(q) = qQ(1) and the C map does not depend on q (Sec. 12.1), so q may run
    // to 0 or ∞ geometrically without harm; otherwise the maps need q where φ(√q x)² is representable
    const qEval = act.homogeneous ? 1 : ql;
    if (!act.homogeneous && !(ql >= Q_MIN && ql <= Q_MAX))
      throw new RangeError(
        `q = ${ql} at layer ${l}: q runs to ${ql < 1 ? '0' : '∞'} with depth and leaves [${Q_MIN}, ${Q_MAX}], ` +
          'where the maps are computed',
      );
    // the local maps are rebuilt only when q has moved: under DKS (Q(1) = 1) once for the whole chain
    if (!series || Math.abs(qEval - seriesQ) > Q_REUSE * qEval) {
      series = hermiteSeries(act, qEval);
      seriesQ = qEval;
      uses = 0;
      tableC = null;
      summary = localSummary(act, qEval);
      tail = Math.max(tail, series.tail);
    }
    // the same maps a second time (q has settled): tabulate them if that is cheaper than the series
    if (++uses === 2 && n * (depth - l) > 4 * ThetaTable.N) tableC = new ThetaTable(series);
    const cPrime1 = summary.CPrime1;
    q[l + 1] = act.homogeneous ? summary.Q * ql : summary.Q;
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
      if (tableC) tableC.eval(x, out);
      else seriesCMap(series, x, out);
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
