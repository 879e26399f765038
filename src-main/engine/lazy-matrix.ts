// A Gaussian matrix W (rows × cols, i.i.d. N(0, variance) entries) that is never materialized: each product W·u or
// Wᵀ·v is drawn from its exact conditional distribution given the products revealed so far (docs/lazy-gaussian.md).
// State: orthonormal bases Q (cols side, spanning the queried u's) and P (rows side, spanning the queried v's) and
// the revealed products A = W·Q and C = Wᵀ·P. In the rotated frame W' = [P P⊥]ᵀ W [Q Q⊥] the entries are again
// i.i.d.; A and C fix the Q-columns and the P-rows of W', while the block (P⊥, Q⊥) is untouched and independent of
// everything known. Hence for r ⊥ Q:  W·r = P·(Cᵀ·r) + ‖r‖·(I − PPᵀ)·g·√variance,  g ~ N(0, I_rows) fresh.
import type { Rng } from '../../src-shared/rng';
import { normalZiggurat } from './gamma'; // ~3× faster than Rng.normal() (polar); the draws dominate the cost

/** The lazy samplers refuse work whose stored state would exceed this many float64 values (256 MiB). */
export const LAZY_MAX_STORED_VALUES = 2 ** 25;

/** A remainder smaller than this, relative to the query's norm, counts as lying in the span already revealed. */
export const LAZY_SPAN_TOLERANCE = 1e-12;

export class LazyGaussianMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly variance: number;
  private rng: Rng;
  private readonly sd: number;
  private cap: number;
  // Stacks of vectors, one per row: q[i·cols …] = Q_i, a[i·rows …] = W·Q_i, p[j·rows …] = P_j, c[j·cols …] = Wᵀ·P_j.
  private q: Float64Array;
  private a: Float64Array;
  private p: Float64Array;
  private c: Float64Array;
  private nq = 0;
  private np = 0;
  private coef: Float64Array; // accumulated coordinates of the query in the known basis
  private pass: Float64Array; // one Gram–Schmidt pass's coordinates
  private readonly resCols: Float64Array;
  private readonly resRows: Float64Array;

  /**
   * @param rows output dimension of mul
   * @param cols input dimension of mul
   * @param variance entry variance (σ_w²/n_{l−1} for layer l, Seleznova & Kutyniok 2022, eq. 6)
   * @param rng source of the fresh Gaussian draws
   * @param capacity expected number of independent queries per side (storage grows past it)
   */
  constructor(rows: number, cols: number, variance: number, rng: Rng, capacity = 2) {
    if (!Number.isInteger(rows) || rows < 1)
      throw new RangeError(`LazyGaussianMatrix: rows must be an integer ≥ 1 (got ${rows})`);
    if (!Number.isInteger(cols) || cols < 1)
      throw new RangeError(`LazyGaussianMatrix: cols must be an integer ≥ 1 (got ${cols})`);
    if (!Number.isFinite(variance) || variance < 0)
      throw new RangeError(`LazyGaussianMatrix: variance must be finite and ≥ 0 (got ${variance})`);
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`LazyGaussianMatrix: capacity must be an integer ≥ 1 (got ${capacity})`);
    this.rows = rows;
    this.cols = cols;
    this.variance = variance;
    this.sd = Math.sqrt(variance);
    this.rng = rng;
    this.cap = Math.min(capacity, Math.max(rows, cols));
    this.q = new Float64Array(this.cap * cols);
    this.a = new Float64Array(this.cap * rows);
    this.p = new Float64Array(this.cap * rows);
    this.c = new Float64Array(this.cap * cols);
    this.coef = new Float64Array(this.cap);
    this.pass = new Float64Array(this.cap);
    this.resCols = new Float64Array(cols);
    this.resRows = new Float64Array(rows);
  }

  /** Dimension of the input-side span revealed so far (basis vectors in Q). */
  get inputRank(): number {
    return this.nq;
  }

  /** Dimension of the output-side span revealed so far (basis vectors in P). */
  get outputRank(): number {
    return this.np;
  }

  /** Forget everything revealed: from now on this is a fresh, independent matrix (storage is kept). */
  reset(rng?: Rng): void {
    this.nq = 0;
    this.np = 0;
    if (rng) this.rng = rng;
  }

  /** W·u (length rows). */
  mul(u: Float64Array): Float64Array {
    const out = new Float64Array(this.rows);
    this.mulInto(u, out);
    return out;
  }

  /** Wᵀ·v (length cols). */
  mulT(v: Float64Array): Float64Array {
    const out = new Float64Array(this.cols);
    this.mulTInto(v, out);
    return out;
  }

  /** W·u into out (length rows); out must not alias u. */
  mulInto(u: ArrayLike<number>, out: Float64Array): void {
    if (u.length !== this.cols)
      throw new RangeError(`LazyGaussianMatrix.mul: u has length ${u.length}, expected ${this.cols}`);
    if (out.length !== this.rows)
      throw new RangeError(`LazyGaussianMatrix.mul: out has length ${out.length}, expected ${this.rows}`);
    this.query(u, out, false);
  }

  /** Wᵀ·v into out (length cols); out must not alias v. */
  mulTInto(v: ArrayLike<number>, out: Float64Array): void {
    if (v.length !== this.rows)
      throw new RangeError(`LazyGaussianMatrix.mulT: v has length ${v.length}, expected ${this.rows}`);
    if (out.length !== this.cols)
      throw new RangeError(`LazyGaussianMatrix.mulT: out has length ${out.length}, expected ${this.cols}`);
    this.query(v, out, true);
  }

  // One routine for both sides. mul: "in" = cols side (basis Q, products A = WQ), "out" = rows side (P, C = WᵀP).
  // mulT is the same computation for Wᵀ, whose law and revealed structure are those of W transposed.
  private query(u: ArrayLike<number>, out: Float64Array, transposed: boolean): void {
    const nIn = transposed ? this.rows : this.cols;
    const nOut = transposed ? this.cols : this.rows;
    const kIn = transposed ? this.np : this.nq;
    const kOut = transposed ? this.nq : this.np;
    if (kIn >= this.cap && kIn < nIn) this.grow();
    const basisIn = transposed ? this.p : this.q;
    const prodIn = transposed ? this.c : this.a;
    const basisOut = transposed ? this.q : this.p;
    const prodOut = transposed ? this.a : this.c;
    const r = transposed ? this.resRows : this.resCols;
    const coef = this.coef;

    let uNorm2 = 0;
    for (let j = 0; j < nIn; j++) {
      const x = u[j];
      r[j] = x;
      uNorm2 += x * x;
    }
    if (!Number.isFinite(uNorm2))
      throw new RangeError(
        'LazyGaussianMatrix: query vector has a non-finite entry (NaN or ±Infinity) or its norm overflows',
      );
    if (uNorm2 === 0) {
      out.fill(0);
      return;
    }
    for (let i = 0; i < kIn; i++) coef[i] = 0;
    // r = u − QQᵀu by classical Gram–Schmidt. A pass that keeps more than half of ‖·‖² leaves r orthogonal to Q at
    // rounding level; otherwise repeat it (Kahan–Parlett "twice is enough"; at most three passes).
    let rNorm2 = uNorm2;
    if (kIn > 0) {
      let before = uNorm2;
      for (let it = 0; it < 3; it++) {
        rNorm2 = this.orthogonalize(r, basisIn, kIn, nIn, coef);
        if (rNorm2 >= 0.5 * before) break;
        before = rNorm2;
      }
    }

    // known part: W·(Qc) = A·c
    if (kIn === 0) out.fill(0);
    else {
      const c0 = coef[0];
      for (let j = 0; j < nOut; j++) out[j] = c0 * prodIn[j];
      for (let i = 1; i < kIn; i++) {
        const ci = coef[i],
          off = i * nOut;
        for (let j = 0; j < nOut; j++) out[j] += ci * prodIn[off + j];
      }
    }
    // remainder in the known span (relative 1e-12), or nothing left to reveal: the product is fully determined
    if (kIn >= nIn || rNorm2 <= LAZY_SPAN_TOLERANCE * LAZY_SPAN_TOLERANCE * uNorm2) return;

    // new direction q̂ = r/‖r‖ joins the basis; W·q̂ = P(Cᵀq̂) + (I − PPᵀ)g·sd
    const rNorm = Math.sqrt(rNorm2);
    const inv = 1 / rNorm;
    const qOff = kIn * nIn;
    for (let j = 0; j < nIn; j++) basisIn[qOff + j] = r[j] * inv;
    const colOff = kIn * nOut;
    if (kOut < nOut && this.sd > 0) {
      const rng = this.rng,
        sd = this.sd;
      for (let j = 0; j < nOut; j++) prodIn[colOff + j] = normalZiggurat(rng) * sd;
      // project the fresh draw off P. One pass suffices: g is random, so it keeps a share (nOut − kOut)/nOut of
      // its norm and the pass leaves it orthogonal to P at rounding level (repeat only in the rare heavy cancellation).
      if (kOut > 0) {
        let before = 0;
        for (let j = 0; j < nOut; j++) before += prodIn[colOff + j] * prodIn[colOff + j];
        for (let it = 0; it < 3; it++) {
          const n2 = this.project(prodIn, colOff, basisOut, kOut, nOut, this.pass);
          if (n2 >= 0.5 * before) break;
          before = n2;
        }
      }
    } else {
      // P spans the whole output side (or variance 0): nothing random is left in W·q̂
      for (let j = 0; j < nOut; j++) prodIn[colOff + j] = 0;
    }
    // the P-components of W·q̂ are already fixed by the revealed Wᵀ·P: Pᵀ W q̂ = Cᵀ q̂
    for (let i = 0; i < kOut; i++) {
      const cOff = i * nIn;
      let d = 0;
      for (let j = 0; j < nIn; j++) d += prodOut[cOff + j] * basisIn[qOff + j];
      if (d === 0) continue;
      const pOff = i * nOut;
      for (let j = 0; j < nOut; j++) prodIn[colOff + j] += d * basisOut[pOff + j];
    }
    for (let j = 0; j < nOut; j++) out[j] += rNorm * prodIn[colOff + j];
    if (transposed) this.np++;
    else this.nq++;
  }

  /**
   * One classical Gram–Schmidt pass of v against basis rows 0..k−1 (length n); adds the pass's coordinates to coef;
   * returns ‖v‖².
   */
  private orthogonalize(v: Float64Array, basis: Float64Array, k: number, n: number, coef: Float64Array): number {
    const d = this.pass;
    const n2 = this.project(v, 0, basis, k, n, d);
    for (let i = 0; i < k; i++) coef[i] += d[i];
    return n2;
  }

  /** v[off …] ← v − Σ_i d_i·basis_i with d_i = ⟨basis_i, v⟩ (all dots first: classical GS); returns the new ‖v‖². */
  private project(v: Float64Array, off: number, basis: Float64Array, k: number, n: number, d: Float64Array): number {
    for (let i = 0; i < k; i++) {
      const bOff = i * n;
      let s = 0;
      for (let j = 0; j < n; j++) s += basis[bOff + j] * v[off + j];
      d[i] = s;
    }
    for (let i = 0; i < k - 1; i++) {
      const di = d[i];
      if (di === 0) continue;
      const bOff = i * n;
      for (let j = 0; j < n; j++) v[off + j] -= di * basis[bOff + j];
    }
    // last basis vector fused with the norm
    const dl = d[k - 1],
      lOff = (k - 1) * n;
    let n2 = 0;
    for (let j = 0; j < n; j++) {
      const x = v[off + j] - dl * basis[lOff + j];
      v[off + j] = x;
      n2 += x * x;
    }
    return n2;
  }

  private grow(): void {
    const cap = Math.min(2 * this.cap, Math.max(this.rows, this.cols));
    const widen = (arr: Float64Array, len: number) => {
      const next = new Float64Array(cap * len);
      next.set(arr);
      return next;
    };
    this.q = widen(this.q, this.cols);
    this.a = widen(this.a, this.rows);
    this.p = widen(this.p, this.rows);
    this.c = widen(this.c, this.cols);
    this.coef = new Float64Array(cap);
    this.pass = new Float64Array(cap);
    this.cap = cap;
  }
}
