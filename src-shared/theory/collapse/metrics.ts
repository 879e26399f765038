// Neural-collapse metrics of a state of the block-structured flow, as the thesis code computes them (Seleznova 2024,
// §3.3 and App. C; digest §3.6): NC1 within-class spread, NC2 distance of the centred class means' Gram matrix to a
// simplex ETF, NC3 distance between the class means and the classifier rows; the residual split into its global,
// class and single-sample parts (eqs. 13–15, 17–18) and the invariant E of eq. (26).
import {
  featureMoments,
  gramOfWeights,
  invariantFeatureTerm,
  residual,
  residualMeans,
  type BlockEigen,
  type StateLayout,
} from './block-dynamics';

export interface CollapseMetrics {
  /** NC1: per-feature standard deviation within a class, averaged over classes and features. */
  nc1: number;
  /** NC2: ‖MᵀM/‖MᵀM‖_F − (I − 11ᵀ/C)/√(C − 1)‖_F, M the centred class means (n×C). */
  nc2: number;
  /** NC3: ‖M/‖M‖_F − Wᵀ/‖W‖_F‖_F. */
  nc3: number;
  /** ‖H₂‖_F (H₂ = 0 ⇔ NC1), eq. (24). */
  h2Norm: number;
  /** ‖R_global‖_F, ‖R_class − R_global‖_F, ‖R − R_class‖_F: an orthogonal split of the residual R. */
  residual: { global: number; class: number; single: number };
  /** ½‖R‖_F², the MSE loss of eq. (4). */
  loss: number;
  /** ‖⟨h⟩‖₂, the global feature mean (Theorem 5.2 assumes 0). */
  meanFeatureNorm: number;
  /** Frobenius cosine between (1/m)WᵀW and the invariant's feature term (1 ⇔ E ∝ 0 direction, cf. eq. 28). */
  invariantAlignment: number;
}

function frobenius(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** max ‖·‖_F of a difference of two equally long arrays. */
export function frobeniusDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

export function collapseMetrics(y: ArrayLike<number>, eig: BlockEigen, L: StateLayout): CollapseMetrics {
  const { n, N, C, m, wAt } = L;
  const { H1, mean, H2H2t } = featureMoments(y, L);

  let nc1 = 0;
  for (let c = 0; c < C; c++)
    for (let f = 0; f < n; f++) {
      let v = 0;
      for (let i = c * m; i < (c + 1) * m; i++) v += (y[f * N + i] - H1[f * C + c]) ** 2;
      nc1 += Math.sqrt(v / m);
    }
  nc1 /= C * n;

  const M = new Float64Array(n * C);
  for (let f = 0; f < n; f++) for (let c = 0; c < C; c++) M[f * C + c] = H1[f * C + c] - mean[f];
  const MtM = new Float64Array(C * C);
  for (let a = 0; a < C; a++)
    for (let b = 0; b < C; b++) {
      let v = 0;
      for (let f = 0; f < n; f++) v += M[f * C + a] * M[f * C + b];
      MtM[a * C + b] = v;
    }
  const mtmNorm = frobenius(MtM);
  let nc2 = 0;
  for (let a = 0; a < C; a++)
    for (let b = 0; b < C; b++) {
      const etf = ((a === b ? 1 : 0) - 1 / C) / Math.sqrt(C - 1);
      nc2 += (MtM[a * C + b] / mtmNorm - etf) ** 2;
    }
  nc2 = Math.sqrt(nc2);

  const mNorm = frobenius(M);
  let wNorm = 0;
  for (let i = 0; i < C * n; i++) wNorm += y[wAt + i] ** 2;
  wNorm = Math.sqrt(wNorm);
  let nc3 = 0;
  for (let f = 0; f < n; f++)
    for (let c = 0; c < C; c++) nc3 += (M[f * C + c] / mNorm - y[wAt + c * n + f] / wNorm) ** 2;
  nc3 = Math.sqrt(nc3);

  let trace = 0;
  for (let f = 0; f < n; f++) trace += H2H2t[f * n + f];

  const R = residual(y, L);
  const { classMean, globalMean } = residualMeans(R, L);
  let rg = 0,
    rc = 0,
    rs = 0,
    loss = 0;
  for (let o = 0; o < C; o++) {
    rg += N * globalMean[o] ** 2;
    for (let c = 0; c < C; c++) rc += m * (classMean[o * C + c] - globalMean[o]) ** 2;
    for (let i = 0; i < N; i++) {
      rs += (R[o * N + i] - classMean[o * C + Math.floor(i / m)]) ** 2;
      loss += R[o * N + i] ** 2 / 2;
    }
  }

  const A = invariantFeatureTerm(H1, H2H2t, eig, L);
  const WtW = gramOfWeights(y, L);
  let dot = 0;
  for (let i = 0; i < A.length; i++) dot += (WtW[i] / m) * A[i];
  const alignment = dot / (frobenius(WtW) / m) / frobenius(A);

  return {
    nc1,
    nc2,
    nc3,
    h2Norm: Math.sqrt(Math.max(0, trace)),
    residual: { global: Math.sqrt(rg), class: Math.sqrt(rc), single: Math.sqrt(rs) },
    loss,
    meanFeatureNorm: frobenius(mean),
    invariantAlignment: alignment,
  };
}
