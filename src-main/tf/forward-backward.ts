// One batched forward and backward pass of B fully-connected networks on k inputs (no per-parameter Jacobians):
//   h_l = s_l W_l x_{l−1} + t b_l,  x_l = φ(h_l) (l < L),  f = h_L (scalar, linear output)       (Seleznova & Kutyniok
// 2022, eq. 3)
//   δ_L = 1,  δ_l = ∂f/∂h_l = φ′(h_l) ⊙ s_{l+1} W_{l+1}ᵀ δ_{l+1}
// with s_l = t = 1 in the standard parametrization and s_l = σ_w/√n_{l−1}, t = σ_b in the NTK parametrization
// (W, b then hold V, β; see layers.ts). Shapes: activations column-major per network, [B, n, k].
// The parameter gradients follow without Jacobians: ∂f/∂W_l = s_l δ_l x_{l−1}ᵀ, ∂f/∂b_l = t δ_l.
import * as tf from '@tensorflow/tfjs-core';
import type { TfActivationName } from '../../src-shared/network/activations';
import { checkParametrization, layerScales, type Parametrization } from '../../src-shared/network/parametrization';
import { checkScales, layerShapes, type TfLayer } from './layers';
import { tfActivation } from './tf-activations';

export interface NetOptions {
  activation: TfActivationName;
  parametrization: Parametrization;
  sigmaW2: number;
  sigmaB2: number;
}

export interface ForwardBackward {
  /** f(x) per network and input, [B, k]. */
  outputs: tf.Tensor2D;
  /**
   * xs[l−1] = x_{l−1} for l = 1…L: xs[0] is the input as [1, n₀, k] (broadcasts over networks), then [B, n_{l−1}, k].
   */
  xs: tf.Tensor3D[];
  /** deltas[l−1] = δ_l, [B, n_l, k], l = 1…L (δ_L = 1). */
  deltas: tf.Tensor3D[];
  /** s_l per layer (1 in the standard parametrization). */
  weightScale: number[];
  /** t (1 in the standard parametrization, σ_b in the NTK one). */
  biasScale: number;
}

/** Validate layers and inputs together; returns B, widths and k. */
function checkNet(
  layers: readonly TfLayer[],
  inputs: tf.Tensor2D,
  opts: NetOptions,
): { B: number; widths: number[]; k: number } {
  const { B, widths } = layerShapes(layers);
  if (!opts || typeof opts !== 'object')
    throw new RangeError('options { activation, parametrization, sigmaW2, sigmaB2 } are required');
  checkScales(opts.sigmaW2, opts.sigmaB2);
  checkParametrization(opts.parametrization);
  if (!inputs || inputs.rank !== 2) throw new RangeError('inputs must be a rank-2 tensor [k, n₀]');
  const [k, n0] = inputs.shape;
  if (k < 1) throw new RangeError('inputs must hold at least one input (k ≥ 1)');
  if (n0 !== widths[0]) throw new RangeError(`inputs have dimension ${n0} but layer 1 expects n₀ = ${widths[0]}`);
  return { B, widths, k };
}

/**
 * Forward and backward pass (see the file comment). Not wrapped in tf.tidy: call it inside one; every returned
 * tensor is owned by the caller's scope.
 */
export function forwardBackward(layers: readonly TfLayer[], inputs: tf.Tensor2D, opts: NetOptions): ForwardBackward {
  const { B, widths, k } = checkNet(layers, inputs, opts);
  const act = tfActivation(opts.activation);
  const L = layers.length;
  const scales = widths.map((nIn) => layerScales(opts.parametrization, opts.sigmaW2, opts.sigmaB2, nIn));
  const weightScale = scales.map((s) => s.weightMultiplier);
  const biasScale = scales[0].biasMultiplier;

  const xs: tf.Tensor3D[] = [tf.expandDims(tf.transpose(inputs), 0) as tf.Tensor3D];
  const hs: tf.Tensor3D[] = [];
  for (let l = 1; l <= L; l++) {
    const { W, b } = layers[l - 1];
    const nOut = W.shape[1];
    let h: tf.Tensor3D =
      l === 1 // the input is shared by all networks: one [B·n₁, n₀] × [n₀, k] product
        ? (tf.reshape(tf.matMul(tf.reshape(W, [B * nOut, widths[0]]), inputs, false, true), [
            B,
            nOut,
            k,
          ]) as tf.Tensor3D)
        : tf.matMul(W, xs[l - 1]);
    if (weightScale[l - 1] !== 1) h = tf.mul(h, weightScale[l - 1]);
    if (biasScale !== 0) h = tf.add(h, tf.expandDims(biasScale === 1 ? b : tf.mul(b, biasScale), 2));
    hs.push(h);
    if (l < L) xs.push(act.phi(h) as tf.Tensor3D);
  }
  const outputs = tf.reshape(hs[L - 1], [B, k]) as tf.Tensor2D;

  const deltas = new Array<tf.Tensor3D>(L);
  deltas[L - 1] = tf.ones([B, 1, k]);
  for (let l = L - 1; l >= 1; l--) {
    // W_{l+1}ᵀ δ_{l+1}; with many inputs an explicit transpose is several times faster on wasm (see ntk.ts gram)
    const W = layers[l].W;
    let back: tf.Tensor3D =
      k >= 8 ? tf.matMul(tf.transpose(W, [0, 2, 1]), deltas[l]) : tf.matMul(W, deltas[l], true, false);
    if (weightScale[l] !== 1) back = tf.mul(back, weightScale[l]);
    deltas[l - 1] = tf.mul(act.dphi(hs[l - 1]), back);
  }
  return { outputs, xs, deltas, weightScale, biasScale };
}
