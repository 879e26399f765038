// The exact O(L) sampler of Θ(x, x) (exact-diagonal.ts, docs/exact-sampler.md) with its two components kept apart:
// Θ_W = Σ_l ‖δ_l‖²‖x_{l−1}‖² (weight gradients) and Θ_b = Σ_l ‖δ_l‖² (bias gradients), Seleznova & Kutyniok 2022,
// eqs. (4), (19). Same law per network as sampleExactDiagonalScaled's plain passes (not the same draws as its fused
// kernels: this path is JavaScript only and runs the per-layer passes).
import type { Rng } from '../../src-shared/rng';
import { binomialHalfSampler, type BinomialSampler } from './binomial';
import { logMeanTheta } from './exact-diagonal';
import { chiSquaredInt, normalZiggurat } from './gamma';

export interface ExactComponentsScaled {
  /** Θ_W/S per network. */
  thetaW: Float64Array;
  /** Θ_b/S per network. */
  thetaB: Float64Array;
  /** ln S, S = E[Θ] of eqs. (11)–(12) (the sampler's shared normalization): Θ_W = thetaW·e^{logScale}. */
  logScale: number;
}

/**
 * n i.i.d. samples of (Θ_W, Θ_b)/E[Θ] for ReLU, σ_b = 0, ‖x⁰‖ = 1, widths = [n₀, n₁, …, n_{L−1}]. A network with a
 * dead layer has Θ_W = 0, Θ_b = ‖δ_L‖² = 1 (only the output bias gradient is left).
 */
export function sampleExactComponentsScaled(
  sigmaW2: number,
  widths: ArrayLike<number>,
  n: number,
  rng: Rng,
): ExactComponentsScaled {
  const logS = logMeanTheta(sigmaW2, widths); // validates sigmaW2 and widths
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`number of networks must be an integer ≥ 0 (got ${n})`);
  const L = widths.length;
  const logA = Math.log(sigmaW2 / 2);
  // Θ_W/S = Σ_l d̂_l w_l x̂_{l−1}, Θ_b/S = Σ_l d̂_l b_l (exact-diagonal.ts: the same per-layer weights)
  const w = new Float64Array(L + 1);
  const bias = new Float64Array(L + 1);
  const twoOverN = new Float64Array(L);
  const binom: BinomialSampler[] = new Array(L);
  for (let l = 1; l <= L; l++) {
    w[l] = Math.exp((L - 1) * logA + Math.log(widths[l - 1] / widths[0]) - logS);
    bias[l] = Math.exp((L - l) * logA - logS);
  }
  for (let l = 1; l < L; l++) {
    twoOverN[l] = 2 / widths[l];
    binom[l] = binomialHalfSampler(widths[l]);
  }
  const active = new Int32Array(L);
  const ratioX = new Float64Array(L);
  const xhat = new Float64Array(L);
  xhat[0] = 1;
  const thetaW = new Float64Array(n);
  const thetaB = new Float64Array(n);
  networks: for (let i = 0; i < n; i++) {
    // forward: K_l ~ Bin(n_l, ½), x̂_l = x̂_{l−1}·(2/n_l)χ²_{K_l}
    let xh = 1;
    for (let l = 1; l < L; l++) {
      const K = binom[l].sample(rng);
      if (K === 0) {
        thetaB[i] = bias[L];
        continue networks;
      }
      active[l] = K;
      const r = twoOverN[l] * chiSquaredInt(K, rng);
      ratioX[l] = r;
      xh *= r;
      xhat[l] = xh;
    }
    const z = normalZiggurat(rng);
    const z2 = z * z;
    // backward: d̂_L = 1, d̂_l = (2/n_l)(Z² x̂_{L−1}/x̂_l + d̂_{l+1} χ²_{K_l−1})
    let d = 1;
    let accW = w[L] * xhat[L - 1],
      accB = bias[L];
    let ratioTop = 1;
    for (let l = L - 1; l >= 1; l--) {
      d = twoOverN[l] * (z2 * ratioTop + d * chiSquaredInt(active[l] - 1, rng));
      accW += d * w[l] * xhat[l - 1];
      accB += d * bias[l];
      ratioTop *= ratioX[l];
    }
    if (!(accW + accB <= Number.MAX_VALUE))
      throw new RangeError(`exact sampler: Θ/E[Θ] left float64 (${accW + accB}) at σ_w² = ${sigmaW2}, L = ${L}`);
    thetaW[i] = accW;
    thetaB[i] = accB;
  }
  return { thetaW, thetaB, logScale: logS };
}
