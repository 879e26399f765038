// Per-activation tables in q for the ξ map (issue 5 performance). Every quantity the map needs at a cell depends on
// (σ_w², σ_b²) only through q*, so one 1D table in q serves the whole plane:
//   V(q) = E φ(√q z)²,  D(q) = E φ′(√q z)²          (q* solves q = σ_w² V(q) + σ_b², χ₁ = σ_w² D(q*); Xiao et al. 2020,
// eqs.
// 2–3)
//   a_k²(q), a_k = E[φ(√q z) h_k(z)],  k ≤ K     (Mehler: 𝒯(q, cq, q) = Σ a_k² c^k, see hermite-series.ts)
// Nodes sit on a uniform grid in s = ln q (step 1/32) over q ∈ [1e-8, 1e16] and are computed lazily, the first time
// an interpolation stencil needs them, by the same composite quadrature as lengthMap/correlationSeries. Values in
// between come from the 8-point Lagrange polynomial in s (degree 7: error ~ h⁸·f⁽⁸⁾/8! ≈ 1e-16·f⁽⁸⁾; measured
// against direct quadrature in tables.test.ts). Outside the grid the caller gets `null` and computes directly.
import type { Activation } from './activation';
import { correlationSeries } from './hermite-series';
import { lengthMap } from './nngp-map';

/** Grid step in s = ln q. */
const TABLE_STEP = 1 / 32;
const TABLE_Q_MIN = 1e-8;
const TABLE_Q_MAX = 1e16;
/** Mehler terms computed per node (correlationSeries' maximum); each node also records how many matter. */
export const TABLE_SERIES_TERMS = 400;
/** Terms whose summed tail (of 𝒯 and of q𝒯̇ at c = 1) is below this fraction of the total are not evaluated. */
const NEGLIGIBLE_TAIL = 1e-15;

const S_MIN = Math.log(TABLE_Q_MIN);
const NODES = Math.ceil((Math.log(TABLE_Q_MAX) - S_MIN) / TABLE_STEP) + 1;
const STENCIL = 8;

/** 1/Π_{m≠j} (j − m) for the stencil's nodes 0 … 7. */
const LAGRANGE_DEN = Float64Array.from({ length: STENCIL }, (_, j) => {
  let den = 1;
  for (let m = 0; m < STENCIL; m++) if (m !== j) den *= j - m;
  return 1 / den;
});

/** An 8-point stencil: first node index and Lagrange weights at the requested q. */
export interface Stencil {
  i0: number;
  w: Float64Array;
}

/** The stencil for q, or null when q is outside the interior of the grid. */
export function stencilAt(q: number, out?: Stencil): Stencil | null {
  if (!(q >= TABLE_Q_MIN && q <= TABLE_Q_MAX)) return null;
  const t = (Math.log(q) - S_MIN) / TABLE_STEP;
  const i0 = Math.floor(t) - 3;
  if (i0 < 0 || i0 + STENCIL > NODES) return null;
  const st = out ?? { i0: 0, w: new Float64Array(STENCIL) };
  st.i0 = i0;
  const x = t - i0; // in [3, 4)
  const w = st.w;
  // Lagrange weights on the nodes 0 … 7: w_j = Π_{m≠j} (x − m)/(j − m), the numerator as prefix × suffix products
  // (O(8) instead of O(64): this runs at every length-map evaluation of the q* solve); exact at a node
  let pre = 1;
  for (let j = 0; j < STENCIL; j++) {
    w[j] = pre * LAGRANGE_DEN[j];
    pre *= x - j;
  }
  let suf = 1;
  for (let j = STENCIL - 1; j >= 0; j--) {
    w[j] *= suf;
    suf *= x - j;
  }
  return st;
}

/** Lazily filled tables of one activation. */
export class QTable {
  readonly act: Activation;
  private readonly V = new Float64Array(NODES);
  private readonly D = new Float64Array(NODES);
  private readonly lengthDone = new Uint8Array(NODES);
  /** a_k² at node i, allocated on first use. */
  private readonly series: (Float64Array | undefined)[] = new Array(NODES);
  /** Number of terms that matter at node i (see NEGLIGIBLE_TAIL). */
  private readonly terms = new Uint16Array(NODES);
  /** Relative truncation at c = 1 of the series cut after terms[i] (measured at K plus the dropped tail). */
  private readonly truncT = new Float64Array(NODES);
  private readonly truncD = new Float64Array(NODES);
  private readonly st: Stencil = { i0: 0, w: new Float64Array(STENCIL) };
  /** E φ(√q z)² from the table, or by direct quadrature outside it. */
  meanSquare(q: number): number {
    return this.lengthT(q) ?? lengthMap(this.act, q).T;
  }

  /** E φ′(√q z)² from the table, or by direct quadrature outside it. */
  meanSquareSlope(q: number): number {
    return this.lengthTdot(q) ?? lengthMap(this.act, q).Tdot;
  }

  /** Nodes computed so far (length, series): the one-off cost of the table. */
  readonly built = { length: 0, series: 0 };

  constructor(act: Activation) {
    this.act = act;
  }

  private nodeQ(i: number): number {
    return Math.exp(S_MIN + i * TABLE_STEP);
  }

  private ensureLength(i0: number): void {
    for (let i = i0; i < i0 + STENCIL; i++) {
      if (this.lengthDone[i]) continue;
      const v = lengthMap(this.act, this.nodeQ(i));
      this.V[i] = v.T;
      this.D[i] = v.Tdot;
      this.lengthDone[i] = 1;
      this.built.length++;
    }
  }

  /** E φ(√q z)² from the table, or null outside it. */
  lengthT(q: number): number | null {
    const st = stencilAt(q, this.st);
    if (!st) return null;
    this.ensureLength(st.i0);
    let s = 0;
    for (let j = 0; j < STENCIL; j++) s += st.w[j] * this.V[st.i0 + j];
    return s;
  }

  /** E φ′(√q z)² from the table, or null outside it. */
  lengthTdot(q: number): number | null {
    const st = stencilAt(q, this.st);
    if (!st) return null;
    this.ensureLength(st.i0);
    let s = 0;
    for (let j = 0; j < STENCIL; j++) s += st.w[j] * this.D[st.i0 + j];
    return s;
  }

  private ensureSeries(i: number): void {
    if (this.series[i]) return;
    const K = TABLE_SERIES_TERMS;
    const s = correlationSeries(this.act, this.nodeQ(i), K);
    const a2 = s.coeffs2;
    let sumT = 0;
    let sumD = 0;
    for (let k = 0; k <= K; k++) {
      sumT += a2[k];
      sumD += k * a2[k];
    }
    // the smallest n with Σ_{k>n} a_k² and Σ_{k>n} k a_k² both negligible
    let tailT = 0;
    let tailD = 0;
    let n = K;
    while (n > 0 && tailT + a2[n] <= NEGLIGIBLE_TAIL * sumT && tailD + n * a2[n] <= NEGLIGIBLE_TAIL * sumD) {
      tailT += a2[n];
      tailD += n * a2[n];
      n--;
    }
    this.series[i] = a2;
    this.terms[i] = n;
    this.truncT[i] = s.truncation.T + tailT / Math.max(sumT, 1e-300);
    this.truncD[i] = s.truncation.Tdot + tailD / Math.max(sumD, 1e-300);
    this.built.series++;
  }

  /**
   * a_k² at q into out[0 … n] (out needs TABLE_SERIES_TERMS + 1 entries), with n the number of terms that matter
   * and a bound on the relative truncation at c = 1 of the n-term series (the largest over the stencil's nodes);
   * null outside the grid.
   */
  seriesCoeffs2(q: number, out: Float64Array): { n: number; truncT: number; truncD: number } | null {
    const st = stencilAt(q, this.st);
    if (!st) return null;
    let truncT = 0;
    let truncD = 0;
    let n = 0;
    for (let j = 0; j < STENCIL; j++) {
      const i = st.i0 + j;
      this.ensureSeries(i);
      truncT = Math.max(truncT, this.truncT[i]);
      truncD = Math.max(truncD, this.truncD[i]);
      n = Math.max(n, this.terms[i]);
    }
    out.fill(0, 0, n + 1);
    for (let j = 0; j < STENCIL; j++) {
      const a2 = this.series[st.i0 + j]!;
      const wj = st.w[j];
      for (let k = 0; k <= n; k++) out[k] += wj * a2[k];
    }
    return { n, truncT, truncD };
  }
}

const tables = new WeakMap<Activation, QTable>();

/** The (cached) table of an activation. */
export function qTable(act: Activation): QTable {
  let t = tables.get(act);
  if (!t) {
    t = new QTable(act);
    tables.set(act, t);
  }
  return t;
}
