// Shared one-pass kernels of the closed-form two-input samplers (lazy-pair-fast.ts, freeze-chaos-fast.ts): the
// Gram–Schmidt remainders and inner products that fix the rotated frame of a layer's 2×2 conditional Gaussian draw
// (docs/lazy-gaussian.md). Plain functions on Float64Array, so both callers stay monomorphic and allocation-free.
import { fillNormalsDot } from './bulk-normals';
import { LAZY_SPAN_TOLERANCE } from './lazy-matrix';

/** The generic sampler's "already in the span" threshold, squared: a remainder with ‖r‖² ≤ TOL2·‖u₂‖² counts as 0. */
export const PAIR_SPAN_TOL2 = LAZY_SPAN_TOLERANCE * LAZY_SPAN_TOLERANCE;

/** r = u₂ − κ·u₁ into r; returns ‖r‖². */
export function remainder(m: number, u1: Float64Array, u2: Float64Array, kappa: number, r: Float64Array): number {
  let n2 = 0;
  for (let j = 0; j < m; j++) {
    const v = u2[j] - kappa * u1[j];
    r[j] = v;
    n2 += v * v;
  }
  return n2;
}

/** ⟨dx, dx⟩, ⟨dy, dy⟩, ⟨dx, dy⟩, ⟨A₁, dx⟩, ⟨A₂, dx⟩ in one pass, into out[0..4]. */
export function dots5(
  n: number,
  dx: Float64Array,
  dy: Float64Array,
  A1: Float64Array,
  A2: Float64Array,
  out: Float64Array,
): void {
  let xx = 0,
    yy = 0,
    xy = 0,
    ax = 0,
    bx = 0;
  for (let i = 0; i < n; i++) {
    const u = dx[i],
      v = dy[i];
    xx += u * u;
    yy += v * v;
    xy += u * v;
    ax += A1[i] * u;
    bx += A2[i] * u;
  }
  out[0] = xx;
  out[1] = yy;
  out[2] = xy;
  out[3] = ax;
  out[4] = bx;
}

/** t = dy − κ·dx (not stored): returns ‖t‖², writes ⟨A₁, t⟩, ⟨A₂, t⟩ to sums[0..1]. */
export function remainderDots(
  n: number,
  dx: Float64Array,
  dy: Float64Array,
  kappa: number,
  A1: Float64Array,
  A2: Float64Array,
  sums: Float64Array,
): number {
  let n2 = 0,
    sa = 0,
    sb = 0;
  for (let i = 0; i < n; i++) {
    const v = dy[i] - kappa * dx[i];
    n2 += v * v;
    sa += A1[i] * v;
    sb += A2[i] * v;
  }
  sums[0] = sa;
  sums[1] = sb;
  return n2;
}

/**
 * One backward query Wᵀp with p a unit vector: draws g ~ N(0, I) into g (m entries, from the stream st) and writes
 * the coefficients of Wᵀp = k₁·u + k₂·r + σ·g to k[0..1], k_i = (a_i − σ⟨·, g⟩/‖·‖)/‖·‖ with a₁ = ⟨A₁, p⟩,
 * a₂ = ⟨A₂, p⟩ (u = ‖u‖q₁, r = ρq₂; invNx = 1/‖u‖, invRho = 1/ρ, 0 for an absent direction). σ = s for query 3;
 * freeze-chaos-fast.ts passes σ = τs with a_i = ⟨A_i, τp₂⟩ for query 4. sums is scratch (2 entries).
 */
export function queryCoefficients(
  st: Int32Array,
  g: Float64Array,
  m: number,
  u: Float64Array,
  r: Float64Array,
  zeros: Float64Array,
  sums: Float64Array,
  a1: number,
  a2: number,
  sigma: number,
  invNx: number,
  invRho: number,
  k: Float64Array,
): void {
  fillNormalsDot(st, g, m, u, r, zeros, sums);
  k[0] = (a1 - sigma * sums[0] * invNx) * invNx;
  k[1] = (a2 - sigma * sums[1] * invRho) * invRho;
}
