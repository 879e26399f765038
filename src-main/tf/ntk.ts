// Empirical NTK of B networks at once from the layer structure (Seleznova & Kutyniok 2022, eq. 19 and the proof of Thm
// A.9):
//   Θ(x, x̃) = Σ_l ⟨δ_l(x), δ_l(x̃)⟩ (s_l² ⟨x_{l−1}, x̃_{l−1}⟩ + t²)
// with s_l = t = 1 in the standard parametrization — Σ_l ⟨δ_l, δ̃_l⟩(⟨x_{l−1}, x̃_{l−1}⟩ + 1) — and, in the NTK
// parametrization, s_l² = σ_w²/n_{l−1}, t² = σ_b² (W = (σ_w/√n)V, b = σ_b β with V, β trained): the gradient inner
// product over all weights and biases, from one forward and backward pass per input (forward-backward.ts).
// Precision: float32 throughout. Θ grows like a^L (a = σ_w²/2) in the chaotic phase and overflows float32 near
// a^L ~ 1e38; theory values stay float64 in JS. Relative rounding error ~1e−6·√(width) per inner product.
//
// API (stable; src-main/tf/train uses it):
//   empiricalNtk(layers, inputs [k, n₀], { activation, parametrization, sigmaW2, sigmaB2 })
//     → { ntk [B, k, k], outputs [B, k] }   (caller owns both)
//   sampleLayers(spec, B, seed, firstNetwork?) → TfLayer[]   (re-exported from layers.ts)
import * as tf from '@tensorflow/tfjs-core';
import { forwardBackward, type ForwardBackward, type NetOptions } from './forward-backward';
import type { TfLayer } from './layers';

export type { TfLayer, DenseNetSpec } from './layers';
export { sampleLayers, disposeLayers, parameterCount } from './layers';
export type { NetOptions } from './forward-backward';

/** Θ for every network in the batch on k inputs; also f(x) per network and input. Caller owns the returned tensors. */
export function empiricalNtk(
  layers: TfLayer[],
  inputs: tf.Tensor2D,
  opts: NetOptions,
): { ntk: tf.Tensor3D; outputs: tf.Tensor2D } {
  return tf.tidy(() => {
    const passes = forwardBackward(layers, inputs, opts);
    return { ntk: ntkFromPasses(passes), outputs: passes.outputs };
  });
}

/**
 * AᵀA per batch entry. An explicit transpose: on the wasm backend matMul with transposeA = true runs 3–9× slower
 * than transpose + matMul for k ≳ 10 inputs (measured at [1, 300, 100]: 15.6 vs 4.7 ms).
 */
function gram(a: tf.Tensor3D): tf.Tensor3D {
  return a.shape[2] >= 8 ? tf.matMul(tf.transpose(a, [0, 2, 1]), a) : tf.matMul(a, a, true, false);
}

/** Θ [B, k, k] from one forward-backward pass (eq. 19 with the parametrization's factors). Call inside tf.tidy. */
export function ntkFromPasses({ xs, deltas, weightScale, biasScale }: ForwardBackward): tf.Tensor3D {
  const t2 = biasScale * biasScale;
  let ntk: tf.Tensor3D | undefined;
  for (let l = 1; l <= deltas.length; l++) {
    const dd = gram(deltas[l - 1]); // ⟨δ_l(x_i), δ_l(x_j)⟩, [B, k, k]
    const xx = gram(xs[l - 1]); // ⟨x_{l−1}(x_i), x_{l−1}(x_j)⟩, [B or 1, k, k]
    const s2 = weightScale[l - 1] * weightScale[l - 1];
    let factor: tf.Tensor = s2 === 1 ? xx : tf.mul(xx, s2);
    if (t2 !== 0) factor = tf.add(factor, t2);
    const term = tf.mul(dd, factor) as tf.Tensor3D;
    ntk = ntk ? (tf.add(ntk, term) as tf.Tensor3D) : term;
  }
  return ntk!;
}
