// Gradient flow of the last layer and the features of a network whose feature kernel Θ^h is block-structured:
// Seleznova et al. 2023 (Neural (Tangent Kernel) Collapse; Seleznova 2024 thesis, §3.3), Theorem 4.1, eq. (19):
//   Ḣ = −Wᵀ[(κ_d − κ_c)R + (κ_c − κ_n)m·R_class + κ_n·N·R_global],  Ẇ = −R Hᵀ,  ḃ = −R_global 1_N,
// with R = WH + b1ᵀ − Y (16), R_class = (1/m)R YᵀY (17), R_global = (1/N)R 1 1ᵀ (18).
// Samples are ordered by class: sample i belongs to class ⌊i/m⌋. Everything is float64 and row-major.

/** Block structure of Θ^h (Def. 3.1 / Assumption 3.2): κ_d on the diagonal, κ_c within a class, κ_n across. */
export interface BlockKernel {
  kappaD: number;
  kappaC: number;
  kappaN: number;
}

/** Sizes: C classes, m samples per class (N = C·m), n features. */
export interface CollapseSizes {
  classes: number;
  perClass: number;
  features: number;
}

/** The eigenvalues of Θ^h_{k,k}(X) (Seleznova et al. 2023, Table 1, with γ → κ) and α of eq. (26). */
export interface BlockEigen {
  /** μ_single = κ_d − κ_c, multiplicity N − C. */
  single: number;
  /** μ_class = μ_single + m(κ_c − κ_n), multiplicity C − 1. */
  class: number;
  /** μ_global = μ_class + N κ_n, multiplicity 1. */
  global: number;
  /** α = κ_n m / (μ_class + C κ_n m), eq. (26); α < 1/C. */
  alpha: number;
}

export function blockEigen(k: BlockKernel, s: CollapseSizes): BlockEigen {
  const single = k.kappaD - k.kappaC;
  const cls = single + s.perClass * (k.kappaC - k.kappaN);
  const global = cls + s.classes * s.perClass * k.kappaN;
  const alpha = (k.kappaN * s.perClass) / (cls + s.classes * s.perClass * k.kappaN);
  return { single, class: cls, global, alpha };
}

/** Views into the packed ODE state y = [H (n×N), W (C×n), b (C)]. */
export interface StateLayout {
  n: number;
  N: number;
  C: number;
  m: number;
  /** Offsets of W and b in the state vector; its length. */
  wAt: number;
  bAt: number;
  size: number;
}

export function stateLayout(s: CollapseSizes): StateLayout {
  const n = s.features,
    C = s.classes,
    m = s.perClass,
    N = C * m;
  return { n, N, C, m, wAt: n * N, bAt: n * N + C * n, size: n * N + C * n + C };
}

/** R = WH + b1ᵀ − Y (C×N), eq. (16). */
export function residual(y: ArrayLike<number>, L: StateLayout, out = new Float64Array(L.C * L.N)): Float64Array {
  const { n, N, C, m, wAt, bAt } = L;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < N; i++) out[c * N + i] = y[bAt + c] - (i >= c * m && i < (c + 1) * m ? 1 : 0);
    for (let k = 0; k < n; k++) {
      const w = y[wAt + c * n + k];
      for (let i = 0; i < N; i++) out[c * N + i] += w * y[k * N + i];
    }
  }
  return out;
}

/** Class means of R's columns (C×C: [output c', class c]) and its global mean column (C). */
export function residualMeans(R: Float64Array, L: StateLayout): { classMean: Float64Array; globalMean: Float64Array } {
  const { N, C, m } = L;
  const classMean = new Float64Array(C * C);
  const globalMean = new Float64Array(C);
  for (let o = 0; o < C; o++) {
    for (let i = 0; i < N; i++) {
      classMean[o * C + Math.floor(i / m)] += R[o * N + i] / m;
      globalMean[o] += R[o * N + i] / N;
    }
  }
  return { classMean, globalMean };
}

/**
 * The right-hand side of eq. (19) as a function (y, dy) → void; its work arrays are allocated once, since an
 * integration at tight tolerance evaluates it ~10⁵ times. The three C×n×N products are written out on float64
 * arrays only (no calls, no per-element class test, dy a Float64Array): they are the whole cost, ~2.3·10³
 * multiply-adds at C = 4, m = 6, n = 8.
 */
export function flowDerivative(k: BlockKernel, L: StateLayout): (y: ArrayLike<number>, dy: Float64Array) => void {
  const { n, N, C, m, wAt, bAt, size } = L;
  const R = new Float64Array(C * N);
  const G = new Float64Array(C * N);
  const Y = new Float64Array(size);
  const single = k.kappaD - k.kappaC;
  const classWeight = (k.kappaC - k.kappaN) * m;
  const globalWeight = k.kappaN * N;
  return (state, D) => {
    // a packed float64 copy of the solver's array: the loops below then run on unboxed doubles
    for (let i = 0; i < size; i++) Y[i] = state[i];
    D.fill(0);
    for (let o = 0; o < C; o++) {
      const ro = o * N;
      // R = WH + b1ᵀ − Y, eq. (16)
      R.fill(Y[bAt + o], ro, ro + N);
      for (let i = o * m; i < (o + 1) * m; i++) R[ro + i] -= 1;
      for (let f = 0; f < n; f++) {
        const w = Y[wAt + o * n + f];
        const hf = f * N;
        for (let i = 0; i < N; i++) R[ro + i] += w * Y[hf + i];
      }
      // G = (κ_d − κ_c)R + (κ_c − κ_n)m R_class + κ_n N R_global (the bracket of eq. 19)
      let total = 0;
      for (let i = 0; i < N; i++) total += R[ro + i];
      const globalShift = (globalWeight * total) / N;
      for (let c = 0; c < C; c++) {
        const lo = ro + c * m,
          hi = lo + m;
        let sum = 0;
        for (let i = lo; i < hi; i++) sum += R[i];
        const shift = (classWeight * sum) / m + globalShift;
        for (let i = lo; i < hi; i++) G[i] = single * R[i] + shift;
      }
      // ḃ = −R 1; Ẇ = −R Hᵀ; Ḣ −= W[o,:]ᵀ G[o,:] (Ḣ = −Wᵀ G)
      D[bAt + o] = -total;
      for (let f = 0; f < n; f++) {
        const w = Y[wAt + o * n + f];
        const hf = f * N;
        let v = 0;
        for (let i = 0; i < N; i++) {
          v -= R[ro + i] * Y[hf + i];
          D[hf + i] -= w * G[ro + i];
        }
        D[wAt + o * n + f] = v;
      }
    }
  };
}

/**
 * Class means H₁ (n×C), the global mean ⟨h⟩ (n) and H₂H₂ᵀ = (1/m)Σ_c Σ_i (h_i − ⟨h⟩_c)(h_i − ⟨h⟩_c)ᵀ (n×n),
 * eq. (24).
 */
export function featureMoments(
  y: ArrayLike<number>,
  L: StateLayout,
): { H1: Float64Array; mean: Float64Array; H2H2t: Float64Array } {
  const { n, N, C, m } = L;
  const H1 = new Float64Array(n * C);
  const mean = new Float64Array(n);
  for (let f = 0; f < n; f++) {
    for (let i = 0; i < N; i++) {
      H1[f * C + Math.floor(i / m)] += y[f * N + i] / m;
      mean[f] += y[f * N + i] / N;
    }
  }
  const H2H2t = new Float64Array(n * n);
  for (let f = 0; f < n; f++) {
    for (let g = f; g < n; g++) {
      let v = 0;
      for (let i = 0; i < N; i++) {
        const c = Math.floor(i / m);
        v += (y[f * N + i] - H1[f * C + c]) * (y[g * N + i] - H1[g * C + c]);
      }
      H2H2t[f * n + g] = H2H2t[g * n + f] = v / m;
    }
  }
  return { H1, mean, H2H2t };
}

/**
 * The feature side of the invariant, A = (1/μ_class)H₁(I − α11ᵀ)H₁ᵀ + (1/μ_single)H₂H₂ᵀ (n×n), so that
 * E = (1/m)WᵀW − A, eq. (26).
 */
export function invariantFeatureTerm(
  H1: Float64Array,
  H2H2t: Float64Array,
  eig: BlockEigen,
  L: StateLayout,
): Float64Array {
  const { n, C } = L;
  const A = new Float64Array(n * n);
  const rowSum = new Float64Array(n);
  for (let f = 0; f < n; f++) for (let c = 0; c < C; c++) rowSum[f] += H1[f * C + c];
  for (let f = 0; f < n; f++) {
    for (let g = 0; g < n; g++) {
      let v = 0;
      for (let c = 0; c < C; c++) v += H1[f * C + c] * H1[g * C + c];
      A[f * n + g] = (v - eig.alpha * rowSum[f] * rowSum[g]) / eig.class + H2H2t[f * n + g] / eig.single;
    }
  }
  return A;
}

/** WᵀW (n×n). */
export function gramOfWeights(y: ArrayLike<number>, L: StateLayout): Float64Array {
  const { n, C, wAt } = L;
  const out = new Float64Array(n * n);
  for (let f = 0; f < n; f++)
    for (let g = 0; g < n; g++) {
      let v = 0;
      for (let c = 0; c < C; c++) v += y[wAt + c * n + f] * y[wAt + c * n + g];
      out[f * n + g] = v;
    }
  return out;
}

/** The invariant E of eq. (26) (n×n). */
export function invariant(y: ArrayLike<number>, eig: BlockEigen, L: StateLayout): Float64Array {
  const { H1, H2H2t } = featureMoments(y, L);
  const A = invariantFeatureTerm(H1, H2H2t, eig, L);
  const WtW = gramOfWeights(y, L);
  for (let i = 0; i < A.length; i++) A[i] = WtW[i] / L.m - A[i];
  return A;
}
