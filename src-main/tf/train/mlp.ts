// A trainable fully-connected network on TensorFlow.js (tfjs-core; any registered backend), for the training
// experiments: Seleznova & Kutyniok 2022, Fig. 4 (NTK structure during training) and the trainability sweeps (issue 5).
//
// Layers l = 1…L with widths widths = [n₀, n₁, …, n_L] (n_L = number of outputs, 1 for the theory's scalar output):
//   h_l = W_l x_{l−1} + b_l,  x_l = φ(h_l) for l < L,  f = h_L (linear output layer).
// Parametrizations (src-shared/network/parametrization.ts), as in src-main/tf/layers.ts so that empiricalNtk reads
// our variables directly: the variables hold W_l, b_l (standard) or V_l, β_l ~ N(0, 1) with W_l = (σ_w/√n_{l−1})V_l,
// b_l = σ_b β_l (NTK).
// Biases are trainable even when they start at 0 (σ_b = 0), as in the theorems. Weights are drawn from the project's
// Rng(seed, 0) layer by layer (float64 normals rounded to float32), so one seed gives one network on every backend.
import * as tf from '@tensorflow/tfjs-core';
import { activationFor, type TfActivationName } from '../../../src-shared/network/activations';
import { checkParametrization, layerScales, type Parametrization } from '../../../src-shared/network/parametrization';
import { Rng } from '../../../src-shared/rng';
import { tfActivation, type TfActivation } from '../tf-activations';
import type { TfLayer } from '../layers';

const LOSSES = ['mse', 'cross-entropy'] as const;
/**
 * 'mse': ½‖f − y‖² per sample, averaged over the batch (Seleznova & Kutyniok 2022, App. A.3 uses ½(f − y)²; the
 * Fig. 4 code the batch mean of ½‖y − f‖²). 'cross-entropy': softmax cross-entropy of the logits f against one-hot
 * y, batch mean.
 */
export type Loss = (typeof LOSSES)[number];

const OPTIMIZERS = ['adam', 'sgd'] as const;
/** 'sgd': plain (stochastic) gradient descent θ ← θ − η∇; 'adam': tf.train.adam(η) with its default β₁, β₂, ε. */
export type OptimizerKind = (typeof OPTIMIZERS)[number];

export interface MlpSpec {
  /** [n₀, n₁, …, n_L]: input dimension, hidden widths, output dimension (L = widths.length − 1 weight layers). */
  widths: readonly number[];
  activation: TfActivationName;
  sigmaW2: number;
  sigmaB2: number;
  parametrization: Parametrization;
  /** Initialization seed (uint32). */
  seed: number;
  /** φ, φ′ ops to use instead of `activation`'s (e.g. a DKS-transformed φ̂, dks-train.ts). */
  ops?: TfActivation;
  /**
   * Layer Norm on every hidden layer's pre-activations, without learned gain or bias: x_l = φ(LN(h_l)) with
   * LN(h) = (h − mean(h))/√(var(h) + ε), mean and (biased) variance over the n_l units of each sample (Ba et al. 2016;
   * the normalization DKS compares against, Martens et al. 2021, Sec. 21.3). The readout h_L is not normalized.
   */
  layerNorm?: boolean;
}

/** ε of Layer Norm's √(var + ε) (the value of tf.layers.layerNormalization and PyTorch's LayerNorm). */
export const LAYER_NORM_EPSILON = 1e-5;

function checkSpec(spec: MlpSpec): void {
  const { widths, activation, sigmaW2, sigmaB2, parametrization, seed } = spec;
  if (!Array.isArray(widths) || widths.length < 2)
    throw new RangeError('widths must be [n₀, …, n_L] with at least one weight layer');
  widths.forEach((w, l) => {
    if (!Number.isInteger(w) || w < 1) throw new RangeError(`widths[${l}] must be an integer ≥ 1 (got ${String(w)})`);
  });
  activationFor('tensorflow', activation); // a RangeError naming TensorFlow's activations for any other name
  if (!Number.isFinite(sigmaW2) || !(sigmaW2 > 0))
    throw new RangeError(`sigmaW2 (σ_w²) must be a finite number > 0 (got ${sigmaW2})`);
  if (!Number.isFinite(sigmaB2) || !(sigmaB2 >= 0))
    throw new RangeError(`sigmaB2 (σ_b²) must be a finite number ≥ 0 (got ${sigmaB2})`);
  checkParametrization(parametrization);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new RangeError(`seed must be an integer in [0, 2³²) (got ${seed})`);
}

export class Mlp {
  readonly spec: MlpSpec;
  /** W_l (or V_l in the NTK parametrization), [n_l, n_{l−1}]. */
  readonly W: tf.Variable<tf.Rank.R2>[] = [];
  /** b_l (or β_l), [n_l]. */
  readonly b: tf.Variable<tf.Rank.R1>[] = [];
  private readonly wScale: number[] = [];
  private readonly bScale: number;
  private readonly phi: (h: tf.Tensor) => tf.Tensor;
  private readonly dphi: (h: tf.Tensor) => tf.Tensor;
  private readonly layerNorm: boolean;

  constructor(spec: MlpSpec) {
    checkSpec(spec);
    this.spec = { ...spec, widths: [...spec.widths] };
    const { widths, sigmaW2, sigmaB2, parametrization, seed } = spec;
    const rng = new Rng(seed, 0);
    this.bScale = layerScales(parametrization, sigmaW2, sigmaB2, widths[0]).biasMultiplier;
    for (let l = 1; l < widths.length; l++) {
      const nIn = widths[l - 1];
      const nOut = widths[l];
      const scales = layerScales(parametrization, sigmaW2, sigmaB2, nIn);
      const w = new Float32Array(nOut * nIn);
      rng.fillNormal(w, scales.weightInitSd);
      const bias = new Float32Array(nOut);
      const sdB = scales.biasInitSd;
      if (sdB > 0) rng.fillNormal(bias, sdB);
      // unnamed: tfjs gives every variable a unique name (names are global to the engine)
      const wT = tf.tensor2d(w, [nOut, nIn]);
      const bT = tf.tensor1d(bias);
      this.W.push(tf.variable(wT, true));
      this.b.push(tf.variable(bT, true));
      wT.dispose();
      bT.dispose();
      this.wScale.push(scales.weightMultiplier);
    }
    const ops = spec.ops ?? tfActivation(spec.activation);
    this.phi = ops.phi;
    this.dphi = ops.dphi;
    this.layerNorm = spec.layerNorm === true;
  }

  get depth(): number {
    return this.W.length;
  }

  get outputs(): number {
    return this.spec.widths[this.spec.widths.length - 1];
  }

  /** f(x) for a batch x [batch, n₀] → [batch, n_L]. */
  forward(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.transpose(this.pass(x).hs[this.W.length - 1]));
  }

  /**
   * Pre-activations h_l and layer inputs x_{l−1} as columns, [n, batch]: h_l = s_l W_l x_{l−1} + t b_l. Column layout
   * because the wasm backend's matMul is ~15× slower with a transposed operand (measured: 0.9 vs 15 GFLOP/s), so
   * every product here is a plain A·B and the transposes are explicit O(n·batch) copies. With Layer Norm, hs holds the
   * normalized ĥ_l = LN(h_l) of the hidden layers (what φ and φ′ see) and invSd the per-sample 1/√(var + ε),
   * [1, batch]. Call inside tf.tidy.
   */
  private pass(x: tf.Tensor2D): { hs: tf.Tensor2D[]; xs: tf.Tensor2D[]; invSd: tf.Tensor2D[] } {
    const xs: tf.Tensor2D[] = [tf.transpose(x)];
    const hs: tf.Tensor2D[] = [];
    const invSd: tf.Tensor2D[] = [];
    const L = this.W.length;
    for (let l = 0; l < L; l++) {
      let h: tf.Tensor2D = tf.matMul(this.W[l], xs[l]);
      if (this.wScale[l] !== 1) h = tf.mul(h, this.wScale[l]);
      if (this.bScale !== 0)
        h = tf.add(h, tf.expandDims(this.bScale === 1 ? this.b[l] : tf.mul(this.b[l], this.bScale), 1) as tf.Tensor2D);
      if (this.layerNorm && l < L - 1) {
        const centred = tf.sub(h, tf.mean(h, 0, true));
        const inv = tf.rsqrt(tf.add(tf.mean(tf.square(centred), 0, true), LAYER_NORM_EPSILON)) as tf.Tensor2D;
        h = tf.mul(centred, inv);
        invSd.push(inv);
      }
      hs.push(h);
      if (l < L - 1) xs.push(this.phi(h) as tf.Tensor2D);
    }
    return { hs, xs, invSd };
  }

  /** The last hidden layer's activations x_{L−1}(x) = φ(h_{L−1}), [batch, n_{L−1}] (the input itself when L = 1). */
  features(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.transpose(this.pass(x).xs[this.W.length - 1]));
  }

  /** Batch-mean loss of f(x) against targets y [batch, n_L] (one-hot for classification). */
  loss(x: tf.Tensor2D, y: tf.Tensor2D, kind: Loss): tf.Scalar {
    return tf.tidy(() => lossOf(this.forward(x), y, kind));
  }

  /** Share of samples whose arg-max output equals the arg-max of y (n_L > 1), or whose sign matches (n_L = 1). */
  async accuracy(x: tf.Tensor2D, y: tf.Tensor2D): Promise<number> {
    const share = tf.tidy(() => {
      const f = this.forward(x);
      const hit = this.outputs === 1 ? tf.equal(tf.sign(f), tf.sign(y)) : tf.equal(tf.argMax(f, 1), tf.argMax(y, 1));
      return tf.mean(tf.cast(hit, 'float32'));
    });
    return readScalar(share);
  }

  /**
   * The batch-mean loss and its gradient for every variable, keyed by variable name, by explicit backpropagation
   * (tfjs-core ships no gradient registry in its Node bundle, and this needs none):
   *   G_L = ∂loss/∂f = (f − y)/batch (mse) or (softmax(f) − y)/batch (cross-entropy),
   *   ∂/∂W_l = s_l G_lᵀ x_{l−1},  ∂/∂b_l = t Σ_rows G_l,  G_{l−1} = φ′(h_{l−1}) ⊙ s_l G_l W_l.
   * With Layer Norm, G_{l−1} = LN′ᵀ(φ′(ĥ_{l−1}) ⊙ s_l G_l W_l), where for g = ∂loss/∂ĥ of one sample
   *   ∂loss/∂h = (g − mean(g) − ĥ · mean(g ⊙ ĥ)) / √(var(h) + ε)   (the Jacobian of LN is symmetric).
   * Caller disposes the gradient tensors.
   */
  async gradients(x: tf.Tensor2D, y: tf.Tensor2D, kind: Loss): Promise<{ value: number; grads: tf.NamedTensorMap }> {
    const { value, grads } = this.gradientTensors(x, y, kind);
    return { value: await readScalar(value), grads };
  }

  /** gradients() with the loss left as a scalar tensor (caller disposes it). */
  private gradientTensors(x: tf.Tensor2D, y: tf.Tensor2D, kind: Loss): { value: tf.Scalar; grads: tf.NamedTensorMap } {
    const L = this.W.length;
    const out = tf.tidy(() => {
      const { hs, xs, invSd } = this.pass(x);
      const f = tf.transpose(hs[L - 1]) as tf.Tensor2D;
      const value = lossOf(f, y, kind);
      const n = x.shape[0];
      // G_l as columns [n_l, batch]
      let G = tf.transpose(tf.div(tf.sub(kind === 'mse' ? f : tf.softmax(f), y), n)) as tf.Tensor2D;
      const grads: tf.Tensor[] = [];
      for (let l = L - 1; l >= 0; l--) {
        // s_l G_l once, shared by ∂/∂W_l and the back-propagated error: one [n_l, batch] multiply per layer
        const Gs = this.wScale[l] === 1 ? G : tf.mul(G, this.wScale[l]);
        // x_{l−1}ᵀ as rows: for the first layer that is the batch x as it came in (no 784 × batch transpose)
        grads[2 * l] = tf.matMul(Gs, l === 0 ? x : tf.transpose(xs[l]));
        grads[2 * l + 1] = this.bScale === 1 ? tf.sum(G, 1) : tf.mul(tf.sum(G, 1), this.bScale);
        if (l > 0) {
          G = tf.mul(this.dphi(hs[l - 1]), tf.matMul(tf.transpose(this.W[l]), Gs)) as tf.Tensor2D;
          if (this.layerNorm) {
            const hHat = hs[l - 1];
            const g = tf.sub(tf.sub(G, tf.mean(G, 0, true)), tf.mul(hHat, tf.mean(tf.mul(G, hHat), 0, true)));
            G = tf.mul(g, invSd[l - 1]) as tf.Tensor2D;
          }
        }
      }
      return { value, grads };
    });
    const grads: tf.NamedTensorMap = {};
    this.variables().forEach((v, i) => (grads[v.name] = out.grads[i]));
    return { value: out.value, grads };
  }

  /**
   * One optimizer step on the batch; resolves with the batch loss before the step (NaN/∞ when the net diverged).
   * The loss is read after the update is queued, so a GPU backend overlaps the read with the step.
   */
  async trainStep(optimizer: tf.Optimizer, x: tf.Tensor2D, y: tf.Tensor2D, kind: Loss): Promise<number> {
    const { value, grads } = this.gradientTensors(x, y, kind);
    optimizer.applyGradients(grads);
    tf.dispose(grads);
    return readScalar(value);
  }

  variables(): tf.Variable[] {
    const out: tf.Variable[] = [];
    for (let l = 0; l < this.W.length; l++) out.push(this.W[l], this.b[l]);
    return out;
  }

  /**
   * The layers of the scalar network f_k(x) = k-th output, in empiricalNtk's batched form (B = 1): the hidden layers
   * are shared, the last layer is row k of W_L and entry k of b_L. Its NTK is the diagonal block Θ_kk of the
   * vector-output NTK, since f_k depends on W_L and b_L only through row k / entry k. Caller disposes the tensors.
   */
  outputLayers(k: number): TfLayer[] {
    if (!Number.isInteger(k) || k < 0 || k >= this.outputs)
      throw new RangeError(`output index must be in 0…${this.outputs - 1} (got ${k})`);
    return this.unitLayers(this.W.length, k);
  }

  /**
   * The layers of the scalar network z = h_layer[k], unit k's pre-activation in weight layer `layer` (1…L): layers
   * before it shared, that layer reduced to row k. Its NTK is ⟨∇z(x), ∇z(x̃)⟩ over the parameters of layers
   * 1…layer (outputLayers(k) = unitLayers(L, k)). Caller disposes the tensors.
   */
  unitLayers(layer: number, k: number): TfLayer[] {
    const L = this.W.length;
    // empiricalNtk's layers are affine → φ: it has no Layer Norm
    if (this.layerNorm) throw new RangeError('unitLayers: a network with Layer Norm has no empiricalNtk layers');
    if (!Number.isInteger(layer) || layer < 1 || layer > L)
      throw new RangeError(`layer must be in 1…${L} (got ${layer})`);
    const width = this.spec.widths[layer];
    if (!Number.isInteger(k) || k < 0 || k >= width)
      throw new RangeError(`unit index must be in 0…${width - 1} (got ${k})`);
    return tf.tidy(() => {
      const layers: TfLayer[] = [];
      for (let l = 0; l < layer - 1; l++)
        layers.push({ W: tf.expandDims(this.W[l], 0) as tf.Tensor3D, b: tf.expandDims(this.b[l], 0) as tf.Tensor2D });
      const Wl = this.W[layer - 1];
      layers.push({
        W: tf.reshape(tf.slice(Wl, [k, 0], [1, Wl.shape[1]]), [1, 1, Wl.shape[1]]) as tf.Tensor3D,
        b: tf.reshape(tf.slice(this.b[layer - 1], [k], [1]), [1, 1]) as tf.Tensor2D,
      });
      return layers;
    });
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
  }
}

/** The value of a scalar tensor, then dispose it. Asynchronous: the webgpu backend cannot read synchronously. */
export async function readScalar(t: tf.Tensor): Promise<number> {
  try {
    return (await t.data())[0];
  } finally {
    t.dispose();
  }
}

function lossOf(f: tf.Tensor2D, y: tf.Tensor2D, kind: Loss): tf.Scalar {
  if (f.shape[0] !== y.shape[0] || f.shape[1] !== y.shape[1])
    throw new RangeError(`targets ${y.shape} do not match outputs ${f.shape}`);
  return tf.tidy(() => {
    if (kind === 'mse') return tf.mean(tf.mul(0.5, tf.sum(tf.squaredDifference(f, y), 1)));
    if (kind === 'cross-entropy') return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(f)), 1))) as tf.Scalar;
    throw new RangeError(`loss must be one of ${LOSSES.join(', ')} (got ${JSON.stringify(kind)})`);
  });
}

export function makeOptimizer(kind: OptimizerKind, lr: number): tf.Optimizer {
  if (!Number.isFinite(lr) || !(lr > 0)) throw new RangeError(`learning rate must be a finite number > 0 (got ${lr})`);
  if (kind === 'adam') return tf.train.adam(lr);
  if (kind === 'sgd') return tf.train.sgd(lr);
  throw new RangeError(`optimizer must be one of ${OPTIMIZERS.join(', ')} (got ${JSON.stringify(kind)})`);
}
