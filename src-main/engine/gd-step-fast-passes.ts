// The per-layer passes of the one-input exact GD-step sampler (gd-step-exact-fast.ts; the WebAssembly copy is
// wasm/kernels.as.ts) and the power-of-two rescaling that keeps its vectors inside float64 in the deep chaotic phase.
//
// Rescaling (issue 16). After a fixed-η step deep in the chaotic phase Θ′ grows like (ηa^L)^{2L} (Seleznova &
// Kutyniok 2022, Thm 4.1: E[ΔΘ]/E[Θ] → ∞), far beyond float64. The sampler therefore keeps every vector v as
// v = 2^e·v̂ with an integer e ≥ 0 per layer (x_l, δ_l before the step, x′_l, δ′_l after it, and ε): a pass that
// combines terms of different exponents multiplies each coefficient by 2^{e_term − E} (E the largest exponent), and a
// vector whose squared norm exceeds 2^limit is divided by 2^k. Multiplying by a power of two is exact (away from
// subnormals), so every rescaled value is the plain one times a power of two, rounded identically: below the limit
// no exponent moves and the numbers are bit for bit those of the plain computation; above it they are too, as long
// as the plain computation would not have overflowed. The kernels come out as (mantissa, exponent) pairs.
// x, h are rescaled where φ allows it: a positively homogeneous φ (ReLU, linear: φ(2^{−k}h) = 2^{−k}φ(h)), or one
// with a `scaled` pair in activations.ts (GELU: φ(2^e ĥ)/2^e = ĥΦ(2^e ĥ)), whose φ, φ′ the passes then evaluate at
// the vector's exponent (`eh`). For a bounded φ (tanh, erf) only the backward vectors δ, δ′ are (the backward pass is
// linear in δ); x and ε stay at exponent 0, and the δ term of h′ = … − εδ(…) is taken at its true scale, ±∞ where it
// leaves float64, which φ maps to ±1 and φ′ to 0 (φ′ underflows only where it is below e^{−700}).
// ---- Per-layer passes. Each is its own small function, called once per layer, so V8 optimizes each loop on its
// own. `relu` selects an inline φ(h) = (h + |h|)/2 (exact), φ′(h) = +(h > 0) (the common case), otherwise phi/dphi:
// written without a data-dependent branch, since h_l changes sign at random, which a branch mispredicts half the time
// (a ternary cost ~3× more per element in a microbenchmark).
import { LAZY_SPAN_TOLERANCE } from './lazy-matrix';

/**
 * φ or φ′ of a pre-activation given as mantissa v at binary exponent e (`eh` in the passes): the activation's
 * `scaled` pair where it has one (GELU), else φ, φ′ of v itself (homogeneous φ, or e = 0).
 */
export type ScaledPhi = (v: number, e: number) => number;

export function dot(n: number, a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

/** h = c·A + bs·b, x = φ(h) (A holds the forward product of query 1); returns ‖x‖². */
export function forward(
  n: number,
  c: number,
  A: Float64Array,
  b: Float64Array,
  bs: number,
  h: Float64Array,
  x: Float64Array,
  relu: boolean,
  phi: ScaledPhi,
  eh: number,
): number {
  let nx2 = 0;
  for (let i = 0; i < n; i++) {
    const v = c * A[i] + bs * b[i];
    h[i] = v;
    const xi = relu ? 0.5 * (v + Math.abs(v)) : phi(v, eh);
    x[i] = xi;
    nx2 += xi * xi;
  }
  return nx2;
}

/**
 * out = φ′(h) ⊙ (ws·w − c·x): δ_{L−1} (c = 0) or δ′_{L−1}; returns ‖out‖², writes ⟨a, out⟩ to sums[0]
 * (a = δ_{L−1} after the step; before it, a = A₁ of layer L−1 gives query 2's ⟨A₁, δ⟩ for free).
 */
export function topDelta(
  m: number,
  w: Float64Array,
  ws: number,
  c: number,
  x: Float64Array,
  h: Float64Array,
  out: Float64Array,
  a: Float64Array,
  relu: boolean,
  dphi: ScaledPhi,
  eh: number,
  sums: Float64Array,
): number {
  let n2 = 0,
    cross = 0;
  for (let j = 0; j < m; j++) {
    const hv = h[j];
    const dv = (relu ? +(hv > 0) : dphi(hv, eh)) * (ws * w[j] - c * x[j]);
    out[j] = dv;
    n2 += dv * dv;
    cross += a[j] * dv;
  }
  sums[0] = cross;
  return n2;
}

/**
 * Query 2 and the backward step before: C₁ = q₁·k + s·g with k = ⟨A₁, p₁⟩ − s⟨q₁, g⟩ (g already in C1, q₁ = x·invNx);
 * δ_{l−1} = φ′(h_{l−1}) ⊙ ‖δ_l‖C₁. Returns ‖δ_{l−1}‖², writes ⟨a, δ_{l−1}⟩ to sums[0] (a = A₁ of layer l−1).
 */
export function backwardBefore(
  m: number,
  s: number,
  k: number,
  invNx: number,
  nd: number,
  x: Float64Array,
  C1: Float64Array,
  h: Float64Array,
  out: Float64Array,
  a: Float64Array,
  relu: boolean,
  dphi: ScaledPhi,
  eh: number,
  sums: Float64Array,
): number {
  const kq = k * invNx;
  let n2 = 0,
    ad = 0;
  for (let j = 0; j < m; j++) {
    const c = kq * x[j] + s * C1[j];
    C1[j] = c;
    const hv = h[j];
    const dv = (relu ? +(hv > 0) : dphi(hv, eh)) * nd * c;
    out[j] = dv;
    n2 += dv * dv;
    ad += a[j] * dv;
  }
  sums[0] = ad;
  return n2;
}

/**
 * Layer 1 after: h′ = hs·h − cε·δ·2^{eTrue}, x′ = φ(h′); returns ‖x′‖², writes ⟨x, x′⟩ to sums[0]. eTrue > 0 only
 * for a φ that is not homogeneous, whose h′ is needed at its true scale (±∞ beyond float64).
 */
export function forwardAfterFirst(
  n: number,
  h: Float64Array,
  hs: number,
  cEps: number,
  eTrue: number,
  delta: Float64Array,
  x: Float64Array,
  hA: Float64Array,
  xA: Float64Array,
  relu: boolean,
  phi: ScaledPhi,
  eh: number,
  sums: Float64Array,
): number {
  let n2 = 0,
    cross = 0;
  for (let i = 0; i < n; i++) {
    const t = cEps * delta[i];
    const v = hs * h[i] - (eTrue === 0 ? t : valueOf(t, eTrue));
    hA[i] = v;
    const xi = relu ? 0.5 * (v + Math.abs(v)) : phi(v, eh);
    xA[i] = xi;
    n2 += xi * xi;
    cross += x[i] * xi;
  }
  sums[0] = cross;
  return n2;
}

/** r = u₁ − κ·u₀ (κ = ⟨u₀, u₁⟩/‖u₀‖²: u₁ minus its projection on u₀) into r; returns ‖r‖², writes ⟨a, r⟩ to sums[0]. */
export function remainder1(
  m: number,
  u0: Float64Array,
  u1: Float64Array,
  kappa: number,
  r: Float64Array,
  a: Float64Array,
  sums: Float64Array,
): number {
  let n2 = 0,
    sa = 0;
  for (let j = 0; j < m; j++) {
    const v = u1[j] - kappa * u0[j];
    r[j] = v;
    n2 += v * v;
    sa += a[j] * v;
  }
  sums[0] = sa;
  return n2;
}

/** As remainder1, with a second dot: writes ⟨a, r⟩, ⟨b, r⟩ to sums[0..1]. */
export function remainder2(
  m: number,
  u0: Float64Array,
  u1: Float64Array,
  kappa: number,
  r: Float64Array,
  a: Float64Array,
  b: Float64Array,
  sums: Float64Array,
): number {
  let n2 = 0,
    sa = 0,
    sb = 0;
  for (let j = 0; j < m; j++) {
    const v = u1[j] - kappa * u0[j];
    r[j] = v;
    n2 += v * v;
    sa += a[j] * v;
    sb += b[j] * v;
  }
  sums[0] = sa;
  sums[1] = sb;
  return n2;
}

/**
 * Query 3 and the forward step after, hidden layer: A₂ = p₁·k + s·g (g already in A2, p₁ = δ·invNd,
 * k = ⟨C₁, q₂⟩ − s⟨p₁, g⟩); h′ = c₁A₁ + ρA₂ + bs·b − cε·δ·2^{eTrue} (eTrue as in forwardAfterFirst), x′ = φ(h′).
 * Returns ‖x′‖², writes ⟨x, x′⟩ to sums[0].
 */
export function forwardAfterHidden(
  n: number,
  s: number,
  k: number,
  invNd: number,
  delta: Float64Array,
  A1: Float64Array,
  A2: Float64Array,
  c1: number,
  rho: number,
  b: Float64Array,
  bs: number,
  cEps: number,
  eTrue: number,
  x: Float64Array,
  hA: Float64Array,
  xA: Float64Array,
  relu: boolean,
  phi: ScaledPhi,
  eh: number,
  sums: Float64Array,
): number {
  const kp = k * invNd;
  let n2 = 0,
    cross = 0;
  for (let i = 0; i < n; i++) {
    const d = delta[i];
    const a2 = kp * d + s * A2[i];
    A2[i] = a2;
    const t = cEps * d;
    const v = c1 * A1[i] + rho * a2 + bs * b[i] - (eTrue === 0 ? t : valueOf(t, eTrue));
    hA[i] = v;
    const xi = relu ? 0.5 * (v + Math.abs(v)) : phi(v, eh);
    xA[i] = xi;
    n2 += xi * xi;
    cross += x[i] * xi;
  }
  sums[0] = cross;
  return n2;
}

/**
 * Query 4 and the backward step after: Wᵀδ′_l = d₁C₁ + τ(q₁k₁ + q₂k₂ + s·g) with q₁ = x·invNx, q₂ = r·invRho,
 * k₁ = ⟨A₁, p₂⟩ − s⟨q₁, g⟩, k₂ = ⟨A₂, p₂⟩ − s⟨q₂, g⟩; then (W − εc_W δ xᵀ)ᵀδ′ = Wᵀδ′ − εc_W⟨δ, δ′⟩x and
 * δ′_{l−1} = φ′(h′_{l−1}) ⊙ that. Returns ‖δ′_{l−1}‖², writes ⟨δ_{l−1}, δ′_{l−1}⟩ to sums[0].
 */
export function backwardAfter(
  m: number,
  s: number,
  d1: number,
  tau: number,
  k1: number,
  k2: number,
  invNx: number,
  invRho: number,
  cEpsX: number,
  x: Float64Array,
  r: Float64Array,
  C1: Float64Array,
  g: Float64Array,
  hA: Float64Array,
  delta: Float64Array,
  out: Float64Array,
  relu: boolean,
  dphi: ScaledPhi,
  eh: number,
  sums: Float64Array,
): number {
  const cx = tau * k1 * invNx - cEpsX,
    cr = tau * k2 * invRho,
    cg = tau * s;
  let n2 = 0,
    cross = 0;
  for (let j = 0; j < m; j++) {
    const hv = hA[j];
    const dv = (relu ? +(hv > 0) : dphi(hv, eh)) * (d1 * C1[j] + cx * x[j] + cr * r[j] + cg * g[j]);
    out[j] = dv;
    n2 += dv * dv;
    cross += delta[j] * dv;
  }
  sums[0] = cross;
  return n2;
}

/** The generic sampler's "already in the span" threshold (lazy-matrix.ts LAZY_SPAN_TOLERANCE²). */
export const TOL2 = LAZY_SPAN_TOLERANCE * LAZY_SPAN_TOLERANCE;

// ---- Power-of-two rescaling (the header's scheme; wasm/kernels.as.ts has the same functions)

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer); // little-endian: U32[1] holds the sign, exponent and high mantissa bits

/**
 * 2^k exactly for an integer k: 0 below 2^−1022 (a term that small next to the others is lost anyway), ∞ above
 * 2^1023.
 */
export function pow2(k: number): number {
  if (k === 0) return 1;
  if (k > 1023) return Infinity;
  if (k < -1022) return 0;
  U32[0] = 0;
  U32[1] = (k + 1023) << 20;
  return F64[0];
}

/** ⌊log₂ v⌋ of a finite normal v ≠ 0 (its binary exponent). */
export function exponentOf(v: number): number {
  F64[0] = v;
  return ((U32[1] >>> 20) & 0x7ff) - 1023;
}

/**
 * The k by which a vector of squared norm n2 and exponent e is rescaled (divided by 2^k, its exponent becoming e + k):
 * 0 while n2 lies in [1/limit, limit]; else n2·2^{−2k} ∈ [1, 4), except that the exponent stays ≥ 0 (biases and
 * y are added at exponent 0) and |k| ≤ 511 (2^{±2k} stays a normal number). 0 for n2 not finite. A zero vector (all
 * ReLU units dead) gets −e: its exponent drops to 0 and the caller leaves its entries alone (a big exponent would
 * drop the bias terms added at exponent 0; the pre-activations of a dead layer only matter through their signs).
 */
export function rescaleBy(n2: number, e: number, limit: number): number {
  if (n2 === 0) return -e;
  if (!(n2 > limit || (n2 < 1 / limit && e > 0 && n2 > 0)) || n2 === Infinity) return 0;
  return Math.min(511, Math.max(exponentOf(n2) >> 1, -e, -511));
}

/** v[0..n) *= s. */
export function scaleBy(n: number, v: Float64Array, s: number): void {
  for (let i = 0; i < n; i++) v[i] *= s;
}

/** m·2^e for e ≥ 0 (the value of a mantissa–exponent pair): exact where representable, ±∞ beyond float64. */
export function valueOf(m: number, e: number): number {
  if (e === 0 || m === 0) return m;
  const half = Math.floor(e / 2); // not e >> 1: exponents pass 2^31 deep in the chaotic phase
  return m * pow2(half) * pow2(e - half);
}

/** ln|m·2^e| (−∞ for m = 0). */
export function logOf(m: number, e: number): number {
  return Math.log(Math.abs(m)) + e * Math.LN2;
}

/** A sum of terms m·2^e, kept as a mantissa–exponent pair (exact scaling of each term; e only grows). */
export class ScaledSum {
  m = 0;
  e = 0;
  set(m: number, e: number): void {
    this.m = m;
    this.e = e;
  }
  /** += t·2^f, in the order the plain sum adds (bit-identical to it while every e is 0). A zero term is no term. */
  add(t: number, f: number): void {
    if (f === this.e) this.m += t;
    else if (t === 0)
      return; // else a large f would flush the sum so far to 0
    else if (f > this.e) {
      this.m = this.m * pow2(this.e - f) + t;
      this.e = f;
    } else this.m += t * pow2(f - this.e);
  }
}
