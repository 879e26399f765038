// The block-structured flow in reduced coordinates (Seleznova et al. 2023, Theorem 5.1, eq. 25), for the integrator:
//   Ḣ₁ = −Wᵀ R₁ (μ_class I + κ_n m 11ᵀ),  Ẇ = −m(R₁ H₁ᵀ + W H₂H₂ᵀ),  ḃ = −m R₁ 1,  R₁ = W H₁ + b1ᵀ − I,
// with the within-class deviations D = H − H₁ ⊗ 1_mᵀ (n × N) moving linearly, Ḋ = −μ_single WᵀW D (eq. 25's
// Ḣ₂ = −μ_single WᵀW H₂ with D = √m H₂ Q₂ᵀ), and H₂H₂ᵀ = (1/m) D Dᵀ. D stays in its initial row space: D = K Vᵀ with
// V (N × r) an orthonormal basis of the rows of D(0), r ≤ min(n, N − C), so only K (n × r) moves:
//   K̇ = −μ_single WᵀW K,  H₂H₂ᵀ = (1/m) K Kᵀ.
// The state y = [H₁ (n×C), W (C×n), b (C), K (n×r)] has n(2C + r) + C entries whatever m is (228 → 132 at C = 4,
// m = 6, n = 8), and its derivative costs ~3C(nC + nr) multiply-adds (≈ 1.2·10³) instead of 3CnN (≈ 2.3·10³).
import type { BlockKernel, StateLayout } from './block-dynamics';

export interface ReducedLayout {
  n: number;
  C: number;
  m: number;
  /** Columns of K (the rank of the initial within-class deviations). */
  r: number;
  wAt: number;
  bAt: number;
  kAt: number;
  size: number;
}

export interface ReducedStart {
  layout: ReducedLayout;
  /** The reduced state at t = 0. */
  z: Float64Array;
  /** V (N × r, row-major): D = K Vᵀ. */
  V: Float64Array;
}

/** Below this (relative to the largest row norm) a Gram–Schmidt residual counts as zero: rank deficiency. */
const RANK_TOL = 1e-12;

/** Reduce a full state [H (n×N), W, b] (block-dynamics layout) to [H₁, W, b, K] with D = K Vᵀ. */
export function reduceState(y: ArrayLike<number>, L: StateLayout): ReducedStart {
  const { n, N, C, m } = L;
  const H1 = new Float64Array(n * C);
  for (let f = 0; f < n; f++) for (let i = 0; i < N; i++) H1[f * C + Math.floor(i / m)] += y[f * N + i] / m;
  const D = new Float64Array(n * N);
  for (let f = 0; f < n; f++) for (let i = 0; i < N; i++) D[f * N + i] = y[f * N + i] - H1[f * C + Math.floor(i / m)];
  // orthonormal basis of D's rows (modified Gram–Schmidt, twice), dropping dependent rows
  let scale = 0;
  for (let f = 0; f < n; f++) {
    let s = 0;
    for (let i = 0; i < N; i++) s += D[f * N + i] ** 2;
    scale = Math.max(scale, Math.sqrt(s));
  }
  const basis: Float64Array[] = [];
  for (let f = 0; f < n; f++) {
    const v = D.slice(f * N, (f + 1) * N);
    for (let pass = 0; pass < 2; pass++)
      for (const u of basis) {
        let dot = 0;
        for (let i = 0; i < N; i++) dot += v[i] * u[i];
        for (let i = 0; i < N; i++) v[i] -= dot * u[i];
      }
    let norm = 0;
    for (let i = 0; i < N; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (norm > RANK_TOL * scale && norm > 0) {
      for (let i = 0; i < N; i++) v[i] /= norm;
      basis.push(v);
    }
  }
  const r = basis.length;
  const V = new Float64Array(N * r);
  basis.forEach((u, a) => u.forEach((x, i) => (V[i * r + a] = x)));
  const layout: ReducedLayout = {
    n,
    C,
    m,
    r,
    wAt: n * C,
    bAt: 2 * n * C,
    kAt: 2 * n * C + C,
    size: 2 * n * C + C + n * r,
  };
  const z = new Float64Array(layout.size);
  z.set(H1, 0);
  for (let i = 0; i < C * n + C; i++) z[layout.wAt + i] = y[L.wAt + i];
  for (let f = 0; f < n; f++)
    for (let a = 0; a < r; a++) {
      let v = 0;
      for (let i = 0; i < N; i++) v += D[f * N + i] * V[i * r + a];
      z[layout.kAt + f * r + a] = v;
    }
  return { layout, z, V };
}

/** The full state [H, W, b] of a reduced one: H = H₁ ⊗ 1_mᵀ + K Vᵀ. */
export function expandState(
  z: ArrayLike<number>,
  R: ReducedLayout,
  V: Float64Array,
  L: StateLayout,
  out = new Float64Array(L.size),
): Float64Array {
  const { n, C, m, r, kAt } = R;
  const N = C * m;
  for (let f = 0; f < n; f++)
    for (let i = 0; i < N; i++) {
      let v = z[f * C + Math.floor(i / m)];
      for (let a = 0; a < r; a++) v += z[kAt + f * r + a] * V[i * r + a];
      out[f * N + i] = v;
    }
  for (let i = 0; i < C * n + C; i++) out[L.wAt + i] = z[R.wAt + i];
  return out;
}

/** Work arrays of the reduced right-hand side (allocated once per run). */
interface ReducedWork {
  Z: Float64Array;
  R1: Float64Array;
  P: Float64Array;
  WK: Float64Array;
}

/** The right-hand side of the reduced flow as (z, dz) → void (work arrays allocated once). */
export function reducedDerivative(k: BlockKernel, R: ReducedLayout): (z: ArrayLike<number>, dz: Float64Array) => void {
  const layout = { ...R };
  const kappa = { ...k };
  const work: ReducedWork = {
    Z: new Float64Array(R.size),
    R1: new Float64Array(R.C * R.C),
    P: new Float64Array(R.C * R.C),
    WK: new Float64Array(R.C * R.r),
  };
  // one module-level function does the work for every run: V8 specializes a closure on its context only while one
  // instance exists, and a second run's closure with the loops inside was ~5× slower (measured)
  return (state, dz) => reducedRhs(layout, kappa, work, state, dz);
}

function reducedRhs(
  R: ReducedLayout,
  k: BlockKernel,
  w: ReducedWork,
  state: ArrayLike<number>,
  dz: Float64Array,
): void {
  const { n, C, m, r, wAt, bAt, kAt, size } = R;
  const single = k.kappaD - k.kappaC;
  const muClass = single + m * (k.kappaC - k.kappaN);
  const globalWeight = k.kappaN * m;
  const { Z, R1, P, WK } = w;
  for (let i = 0; i < size; i++) Z[i] = state[i];
  // R₁ = W H₁ + b1ᵀ − I (C×C: output o, class c)
  for (let o = 0; o < C; o++)
    for (let c = 0; c < C; c++) {
      let v = Z[bAt + o] - (o === c ? 1 : 0);
      for (let f = 0; f < n; f++) v += Z[wAt + o * n + f] * Z[f * C + c];
      R1[o * C + c] = v;
    }
  // P = R₁(μ_class I + κ_n m 11ᵀ); ḃ = −m R₁ 1
  for (let o = 0; o < C; o++) {
    let row = 0;
    for (let c = 0; c < C; c++) row += R1[o * C + c];
    for (let c = 0; c < C; c++) P[o * C + c] = muClass * R1[o * C + c] + globalWeight * row;
    dz[bAt + o] = -m * row;
  }
  // WK (C×r): through it W H₂H₂ᵀ = (1/m)(WK)Kᵀ and K̇ = −μ_single Wᵀ(WK), never forming WᵀW or KKᵀ
  for (let o = 0; o < C; o++)
    for (let a = 0; a < r; a++) {
      let v = 0;
      for (let f = 0; f < n; f++) v += Z[wAt + o * n + f] * Z[kAt + f * r + a];
      WK[o * r + a] = v;
    }
  for (let f = 0; f < n; f++) {
    // Ḣ₁ = −Wᵀ P
    for (let c = 0; c < C; c++) {
      let v = 0;
      for (let o = 0; o < C; o++) v += Z[wAt + o * n + f] * P[o * C + c];
      dz[f * C + c] = -v;
    }
    // K̇ = −μ_single Wᵀ(WK)
    for (let a = 0; a < r; a++) {
      let v = 0;
      for (let o = 0; o < C; o++) v += Z[wAt + o * n + f] * WK[o * r + a];
      dz[kAt + f * r + a] = -single * v;
    }
  }
  // Ẇ = −m(R₁H₁ᵀ + W H₂H₂ᵀ) = −m R₁H₁ᵀ − (WK)Kᵀ
  for (let o = 0; o < C; o++)
    for (let f = 0; f < n; f++) {
      let v = 0;
      for (let c = 0; c < C; c++) v += R1[o * C + c] * Z[f * C + c];
      let u = 0;
      for (let a = 0; a < r; a++) u += WK[o * r + a] * Z[kAt + f * r + a];
      dz[wAt + o * n + f] = -m * v - u;
    }
}

/**
 * The invariant E of eq. (26) from a reduced state (n×n): (1/m)WᵀW − (1/μ_class)H₁(I − α11ᵀ)H₁ᵀ − (1/μ_single)H₂H₂ᵀ
 * with H₂H₂ᵀ = (1/m)KKᵀ (Vᵀ V = I). Equal to invariant() of the expanded state, without expanding it.
 */
export function reducedInvariant(
  z: ArrayLike<number>,
  eig: { single: number; class: number; alpha: number },
  R: ReducedLayout,
  out = new Float64Array(R.n * R.n),
): Float64Array {
  const { n, C, m, r, wAt, kAt } = R;
  for (let f = 0; f < n; f++) {
    let rowF = 0;
    for (let c = 0; c < C; c++) rowF += z[f * C + c];
    for (let g = f; g < n; g++) {
      let w = 0,
        h = 0,
        rowG = 0,
        k = 0;
      for (let o = 0; o < C; o++) w += z[wAt + o * n + f] * z[wAt + o * n + g];
      for (let c = 0; c < C; c++) {
        h += z[f * C + c] * z[g * C + c];
        rowG += z[g * C + c];
      }
      for (let a = 0; a < r; a++) k += z[kAt + f * r + a] * z[kAt + g * r + a];
      out[f * n + g] = out[g * n + f] = w / m - (h - eig.alpha * rowF * rowG) / eig.class - k / m / eig.single;
    }
  }
  return out;
}
