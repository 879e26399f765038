// The two parametrizations of a fully-connected network, h_l = s_l W_l x_{l−1} + t b_l, used by the samplers
// (src-main/engine), TensorFlow.js (src-main/tf) and the contracts:
//   standard (Seleznova & Kutyniok 2022, eq. 6):  W_l ~ N(0, σ_w²/n_{l−1}), b_l ~ N(0, σ_b²), s_l = t = 1;
//                                                  the trained parameters are W, b.
//   ntk (Jacot et al. 2018; Xiao et al. 2020, eq. 1): V_l, β_l ~ N(0, 1), s_l = σ_w/√n_{l−1}, t = σ_b;
//                                                  the trained parameters are V, β.
// The same network function in distribution at initialization; the NTK differs: layer l's terms of Θ (and the size
// of a gradient step) carry s_l² (weights) and t² (biases), so the NTK parametrization's Θ has the width-independent
// infinite-width limit of the recursions, while the standard one's grows with the widths.

export const PARAMETRIZATIONS = ['standard', 'ntk'] as const;
export type Parametrization = (typeof PARAMETRIZATIONS)[number];

function isParametrization(p: unknown): p is Parametrization {
  return p === 'standard' || p === 'ntk';
}

/** RangeError "parametrization must be 'standard' or 'ntk' (got …)" unless `p` is one. */
export function checkParametrization(p: unknown): asserts p is Parametrization {
  if (!isParametrization(p))
    throw new RangeError(`parametrization must be 'standard' or 'ntk' (got ${JSON.stringify(p)})`);
}

/** Scales of one weight layer with fan-in n_{l−1} (see the file comment). */
export interface LayerScales {
  /** Standard deviation of the trained weights at initialization: √(σ_w²/n_{l−1}) standard, 1 NTK. */
  weightInitSd: number;
  /** Standard deviation of the trained biases at initialization: σ_b standard, 1 NTK. */
  biasInitSd: number;
  /** s_l, the forward pass's factor on W_l x_{l−1}: 1 standard, σ_w/√n_{l−1} NTK. */
  weightMultiplier: number;
  /** t, the forward pass's factor on b_l: 1 standard, σ_b NTK. */
  biasMultiplier: number;
  /** s_l² = σ_w²/n_{l−1} (NTK) or 1: the factor of layer l's weight term in Θ and in a gradient step. */
  weightKernelFactor: number;
  /** t² = σ_b² (NTK) or 1: the factor of layer l's bias term in Θ and in a gradient step. */
  biasKernelFactor: number;
}

export function layerScales(p: Parametrization, sigmaW2: number, sigmaB2: number, fanIn: number): LayerScales {
  if (p === 'ntk') {
    return {
      weightInitSd: 1,
      biasInitSd: 1,
      weightMultiplier: Math.sqrt(sigmaW2 / fanIn),
      biasMultiplier: Math.sqrt(sigmaB2),
      weightKernelFactor: sigmaW2 / fanIn,
      biasKernelFactor: sigmaB2,
    };
  }
  return {
    weightInitSd: Math.sqrt(sigmaW2 / fanIn),
    biasInitSd: Math.sqrt(sigmaB2),
    weightMultiplier: 1,
    biasMultiplier: 1,
    weightKernelFactor: 1,
    biasKernelFactor: 1,
  };
}
