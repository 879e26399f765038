// Batched weights of B fully-connected networks as TensorFlow.js tensors: layer l (1-based, l = 1…L) holds
// W_l [B, n_l, n_{l−1}] and b_l [B, n_l], the output layer has n_L = 1 (scalar output).
// The tensors hold the trained parameters of the parametrization (src-shared/network/parametrization.ts): W_l, b_l
// (standard) or V_l, β_l ~ N(0, 1) with W_l = (σ_w/√n_{l−1})·V_l, b_l = σ_b·β_l (NTK).
// Draws: the ziggurat normal (engine/gamma.ts, exact, ~3× faster than the polar method, which dominated the cost
// of dense sampling) on the project's Rng, rounded to float32; network t of a call uses new Rng(seed, firstNetwork +
// t),
// so a network's weights depend only on (seed, its index), not on the batch size.
import * as tf from '@tensorflow/tfjs-core';
import { checkParametrization, layerScales, type Parametrization } from '../../src-shared/network/parametrization';
import { Rng } from '../../src-shared/rng';
import { normalZiggurat } from '../engine/gamma';

// A type alias, not an interface, so a TfLayer[] is a tf.TensorContainer (can be returned from tf.tidy).
export type TfLayer = {
  /** [B, n_l, n_{l−1}] */
  W: tf.Tensor3D;
  /** [B, n_l] */
  b: tf.Tensor2D;
};

export interface DenseNetSpec {
  /** [n₀, n₁, …, n_{L−1}] (L = widths.length weight layers); the output layer has width 1. */
  widths: ArrayLike<number>;
  sigmaW2: number;
  sigmaB2: number;
  parametrization: Parametrization;
}

/** Float32 elements of one batch's weights above which sampleLayers refuses (512 MB). */
const MAX_BATCH_ELEMENTS = 2 ** 27;

export function checkWidths(widths: ArrayLike<number>): void {
  if (!widths || typeof widths.length !== 'number' || widths.length < 1) {
    throw new RangeError('widths must list at least the input dimension n₀ (widths = [n₀, n₁, …, n_{L−1}])');
  }
  for (let l = 0; l < widths.length; l++) {
    const w = widths[l];
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 1)
      throw new RangeError(`widths[${l}] must be an integer ≥ 1 (got ${String(w)})`);
  }
}

export function checkScales(sigmaW2: number, sigmaB2: number): void {
  if (typeof sigmaW2 !== 'number' || !Number.isFinite(sigmaW2) || !(sigmaW2 > 0)) {
    throw new RangeError(`sigmaW2 (σ_w²) must be a finite number > 0 (got ${String(sigmaW2)})`);
  }
  if (typeof sigmaB2 !== 'number' || !Number.isFinite(sigmaB2) || !(sigmaB2 >= 0)) {
    throw new RangeError(`sigmaB2 (σ_b²) must be a finite number ≥ 0 (got ${String(sigmaB2)})`);
  }
}

/** Parameters per network: Σ_l n_l (n_{l−1} + 1). */
export function parameterCount(widths: ArrayLike<number>): number {
  checkWidths(widths);
  let total = 0;
  for (let l = 1; l <= widths.length; l++) total += (l < widths.length ? widths[l] : 1) * (widths[l - 1] + 1);
  return total;
}

function fillNormal(rng: Rng, out: Float32Array, offset: number, count: number, scale: number): void {
  for (let i = offset, end = offset + count; i < end; i++) out[i] = normalZiggurat(rng) * scale;
}

/** Draw the weights of B networks (see the file comment). Caller owns (and disposes) the tensors. */
export function sampleLayers(spec: DenseNetSpec, B: number, seed: number, firstNetwork = 0): TfLayer[] {
  const { widths, sigmaW2, sigmaB2, parametrization } = spec;
  checkWidths(widths);
  checkScales(sigmaW2, sigmaB2);
  checkParametrization(parametrization);
  if (!Number.isInteger(B) || B < 1)
    throw new RangeError(`number of networks B must be an integer ≥ 1 (got ${String(B)})`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new RangeError(`seed must be an integer in [0, 2³²) (got ${String(seed)})`);
  if (!Number.isInteger(firstNetwork) || firstNetwork < 0)
    throw new RangeError(`firstNetwork must be an integer ≥ 0 (got ${String(firstNetwork)})`);
  const perNet = parameterCount(widths);
  if (perNet * B > MAX_BATCH_ELEMENTS) {
    throw new RangeError(
      `a batch of ${B} networks with ${perNet} parameters each exceeds ${MAX_BATCH_ELEMENTS} float32 elements; use smaller batches`,
    );
  }
  const L = widths.length;
  const Ws: Float32Array[] = [];
  const bs: Float32Array[] = [];
  for (let l = 1; l <= L; l++) {
    const nOut = l < L ? widths[l] : 1;
    Ws.push(new Float32Array(B * nOut * widths[l - 1]));
    bs.push(new Float32Array(B * nOut));
  }
  const sdB = layerScales(parametrization, sigmaW2, sigmaB2, widths[0]).biasInitSd;
  for (let t = 0; t < B; t++) {
    const rng = new Rng(seed, firstNetwork + t);
    for (let l = 1; l <= L; l++) {
      const nIn = widths[l - 1];
      const nOut = l < L ? widths[l] : 1;
      const sdW = layerScales(parametrization, sigmaW2, sigmaB2, nIn).weightInitSd;
      fillNormal(rng, Ws[l - 1], t * nOut * nIn, nOut * nIn, sdW);
      if (sdB > 0) fillNormal(rng, bs[l - 1], t * nOut, nOut, sdB);
    }
  }
  const layers: TfLayer[] = [];
  for (let l = 1; l <= L; l++) {
    const nOut = l < L ? widths[l] : 1;
    layers.push({ W: tf.tensor3d(Ws[l - 1], [B, nOut, widths[l - 1]]), b: tf.tensor2d(bs[l - 1], [B, nOut]) });
  }
  return layers;
}

/** Dispose every tensor of a layer list. */
export function disposeLayers(layers: readonly TfLayer[]): void {
  for (const { W, b } of layers) {
    W.dispose();
    b.dispose();
  }
}

/**
 * Check a layer list against itself: L ≥ 1, W_l [B, n_l, n_{l−1}], b_l [B, n_l], consecutive widths match,
 * n_L = 1. Returns B and the widths [n₀, …, n_{L−1}].
 */
export function layerShapes(layers: readonly TfLayer[]): { B: number; widths: number[] } {
  if (!Array.isArray(layers) || layers.length < 1)
    throw new RangeError('layers must be a non-empty array (one entry per weight layer)');
  const B = layers[0].W.shape[0];
  const widths: number[] = [];
  for (let l = 0; l < layers.length; l++) {
    const { W, b } = layers[l];
    if (W.rank !== 3 || b.rank !== 2)
      throw new RangeError(`layer ${l + 1}: W must be rank 3 [B, n_l, n_{l−1}] and b rank 2 [B, n_l]`);
    const [bW, nOut, nIn] = W.shape;
    if (bW !== B || b.shape[0] !== B)
      throw new RangeError(`layer ${l + 1}: batch size ${bW}/${b.shape[0]} differs from layer 1's ${B}`);
    if (b.shape[1] !== nOut) throw new RangeError(`layer ${l + 1}: b has ${b.shape[1]} units but W has ${nOut} rows`);
    if (l > 0 && nIn !== layers[l - 1].W.shape[1])
      throw new RangeError(`layer ${l + 1}: fan-in ${nIn} ≠ width ${layers[l - 1].W.shape[1]} of layer ${l}`);
    widths.push(nIn);
  }
  if (layers[layers.length - 1].W.shape[1] !== 1)
    throw new RangeError(
      `the output layer must have width 1 (scalar output), got ${layers[layers.length - 1].W.shape[1]}`,
    );
  return { B, widths };
}
