// The dense first-GD-step experiment on TensorFlow.js, batched over B networks (issue 4 item 3, "dense" method;
// Seleznova & Kutyniok 2022, Thm 4.1 / App. A.3, Hanin & Nica's setting). Same semantics as
// src-main/engine/gd-step-exact.ts (H2's
// GdStepSpec): loss ½(f(x) − y)², one step on (x, y) at rate η over all weights and biases; with the rescale α of
// App. B.3 read literally (f̃ = αf, L̃ = ½(f − y)²/α²) the step is ε := η(f(x) − y)/α² and, in trained parameters,
//   ΔW_l = −ε s_l δ_l(x) x_{l−1}(x)ᵀ,   Δb_l = −ε t δ_l(x)
// (s_l = t = 1 standard; s_l = σ_w/√n_{l−1}, t = σ_b NTK parametrization), then Θ is recomputed at x (and x̃).
// Reported kernels and outputs are the rescaled model's (Θ̃ = α²Θ, f̃ = αf). Inputs: x = r e₁, x̃ = r(c e₁ + √(1−c²)
// e₂).
// Precision: everything runs in float32. ΔΘ = Θ_after − Θ_before is a difference of two float32 kernels, each with
// relative rounding ~1e−6·√width, so relative changes below ~1e−5 (tiny η) are rounding noise: use the float64
// engines (gd-step-dense / gd-step-exact) there. Θ beyond float32 (~3e38, deep chaotic nets) becomes Infinity and
// the network counts as diverged, earlier than in float64.
import * as tf from '@tensorflow/tfjs-core';
import { gdStepSetup, type GdStepSamples, type GdStepSpec } from '../engine/gd-step-exact';
import { forwardBackward, type NetOptions } from './forward-backward';
import { disposeLayers, layerShapes, parameterCount, sampleLayers, type TfLayer } from './layers';
import { ntkFromPasses } from './ntk';

export type { GdStepSamples, GdStepSpec } from '../engine/gd-step-exact';

/** Float32 elements per batch the default batch size aims at (weights twice: before and after the step). */
const TARGET_BATCH_ELEMENTS = 1 << 22;

/** Networks per batch for a spec: large enough to amortize per-op overhead, small enough for a few tens of MB. */
export function defaultGdStepBatch(spec: GdStepSpec): number {
  return Math.max(1, Math.min(512, Math.floor(TARGET_BATCH_ELEMENTS / parameterCount(spec.widths))));
}

function netOptions(spec: GdStepSpec): NetOptions {
  return {
    activation: spec.activation ?? 'relu',
    parametrization: spec.parametrization ?? 'standard',
    sigmaW2: spec.sigmaW2,
    sigmaB2: spec.sigmaB2,
  };
}

/** x (and x̃) as a [k, n₀] tensor. */
function stepInputs(n0: number, inputNorm: number, pairCos: number | undefined): tf.Tensor2D {
  const k = pairCos === undefined ? 1 : 2;
  const data = new Float32Array(k * n0);
  data[0] = inputNorm;
  if (pairCos !== undefined) {
    data[n0] = inputNorm * pairCos;
    if (n0 >= 2) data[n0 + 1] = inputNorm * Math.sqrt(Math.max(0, 1 - pairCos * pairCos));
  }
  return tf.tensor2d(data, [k, n0]);
}

/**
 * One GD step for every network of `layers` (their widths must match spec.widths; the tensors are not modified).
 * Networks with a non-finite value before or after the step are counted in `diverged` and left out of the arrays.
 */
export async function gdStepOnLayers(layers: TfLayer[], spec: GdStepSpec): Promise<GdStepSamples> {
  const s = gdStepSetup(spec); // validates the spec (RangeError) exactly as the float64 engines do
  const { B, widths } = layerShapes(layers);
  if (widths.length !== s.depth || widths.some((w, l) => w !== s.n[l])) {
    throw new RangeError(
      `layers have widths [${widths.join(', ')}] but the spec asks for [${s.n.slice(0, -1).join(', ')}]`,
    );
  }
  const opts = netOptions(spec);
  const k = s.pairCos === undefined ? 1 : 2;
  const inputs = stepInputs(s.n[0], s.inputNorm, s.pairCos);
  const [thetaB, thetaA, outB, outA] = tf.tidy(() => {
    const before = forwardBackward(layers, inputs, opts);
    const ntkBefore = ntkFromPasses(before);
    // ε per network, [B, 1, 1]; f(x) is output column 0
    const f0 = tf.slice(before.outputs, [0, 0], [B, 1]);
    const eps = tf.reshape(tf.mul(tf.sub(f0, s.target), s.lr / (s.scale * s.scale)), [B, 1, 1]);
    const stepped: TfLayer[] = layers.map(({ W, b }, i) => {
      const d = tf.slice(before.deltas[i], [0, 0, 0], [-1, -1, 1]); // δ_l(x), [B, n_l, 1]
      // x_{l−1}(x)ᵀ, [B|1, 1, n_{l−1}]
      const xPrev = tf.transpose(tf.slice(before.xs[i], [0, 0, 0], [-1, -1, 1]), [0, 2, 1]);
      const epsD = tf.mul(eps, d);
      const dW = tf.mul(tf.mul(epsD, xPrev), before.weightScale[i]); // ε s_l δ_l x_{l−1}ᵀ
      const db = tf.reshape(tf.mul(epsD, before.biasScale), [B, -1]); // ε t δ_l
      return { W: tf.sub(W, dW) as tf.Tensor3D, b: tf.sub(b, db) as tf.Tensor2D };
    });
    const after = forwardBackward(stepped, inputs, opts);
    const a2 = s.scale * s.scale;
    return [
      tf.mul(ntkBefore, a2),
      tf.mul(ntkFromPasses(after), a2),
      tf.mul(before.outputs, s.scale),
      tf.mul(after.outputs, s.scale),
    ];
  });
  inputs.dispose();
  // asynchronous reads: the webgpu backend cannot read GPU memory synchronously in Node
  const [tb, ta, ob, oa] = await Promise.all([thetaB.data(), thetaA.data(), outB.data(), outA.data()]);
  tf.dispose([thetaB, thetaA, outB, outA]);

  const keep: number[] = [];
  for (let t = 0; t < B; t++) {
    let ok = true;
    for (let i = 0; i < k * k && ok; i++) ok = Number.isFinite(tb[t * k * k + i]) && Number.isFinite(ta[t * k * k + i]);
    for (let i = 0; i < k && ok; i++) ok = Number.isFinite(ob[t * k + i]) && Number.isFinite(oa[t * k + i]);
    if (ok) keep.push(t);
  }
  const pick = (src: Float32Array | Int32Array | Uint8Array, stride: number, offset: number) =>
    Float64Array.from(keep, (t) => src[t * stride + offset]);
  const out: GdStepSamples = {
    theta: pick(tb, k * k, 0),
    thetaAfter: pick(ta, k * k, 0),
    output: pick(ob, k, 0),
    outputAfter: pick(oa, k, 0),
    diverged: B - keep.length,
  };
  if (k === 2) {
    out.thetaOff = pick(tb, 4, 1);
    out.thetaOffAfter = pick(ta, 4, 1);
  }
  return out;
}

/** Draw networks firstNetwork … firstNetwork + count − 1 (sampleLayers with `seed`) and step each once. */
export async function gdStepBatch(
  spec: GdStepSpec,
  count: number,
  seed: number,
  firstNetwork = 0,
): Promise<GdStepSamples> {
  gdStepSetup(spec);
  const layers = sampleLayers(
    {
      widths: spec.widths,
      sigmaW2: spec.sigmaW2,
      sigmaB2: spec.sigmaB2,
      parametrization: spec.parametrization ?? 'standard',
    },
    count,
    seed,
    firstNetwork,
  );
  try {
    return await gdStepOnLayers(layers, spec);
  } finally {
    disposeLayers(layers);
  }
}

/** Concatenate per-batch results in order. */
export function mergeGdStepSamples(parts: readonly GdStepSamples[]): GdStepSamples {
  const cat = (get: (p: GdStepSamples) => Float64Array | undefined): Float64Array => {
    const arrays = parts.map((p) => get(p) ?? new Float64Array(0));
    const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
    let o = 0;
    for (const a of arrays) {
      out.set(a, o);
      o += a.length;
    }
    return out;
  };
  const merged: GdStepSamples = {
    theta: cat((p) => p.theta),
    thetaAfter: cat((p) => p.thetaAfter),
    output: cat((p) => p.output),
    outputAfter: cat((p) => p.outputAfter),
    diverged: parts.reduce((n, p) => n + p.diverged, 0),
  };
  if (parts.length > 0 && parts.every((p) => p.thetaOff)) {
    merged.thetaOff = cat((p) => p.thetaOff);
    merged.thetaOffAfter = cat((p) => p.thetaOffAfter);
  }
  return merged;
}

/** n networks in batches of `batchSize` (default defaultGdStepBatch); network t's weights depend only on (seed, t). */
export async function sampleGdStepTf(
  spec: GdStepSpec,
  n: number,
  seed: number,
  opts: { batchSize?: number } = {},
): Promise<GdStepSamples> {
  gdStepSetup(spec);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`number of networks must be an integer ≥ 0 (got ${n})`);
  const batch = opts.batchSize ?? defaultGdStepBatch(spec);
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batchSize must be an integer ≥ 1 (got ${batch})`);
  const parts: GdStepSamples[] = [];
  for (let first = 0; first < n; first += batch)
    parts.push(await gdStepBatch(spec, Math.min(batch, n - first), seed, first));
  if (n > 0) return mergeGdStepSamples(parts);
  const e = () => new Float64Array(0);
  const empty: GdStepSamples = { theta: e(), thetaAfter: e(), output: e(), outputAfter: e(), diverged: 0 };
  if (spec.pairCos !== undefined) Object.assign(empty, { thetaOff: e(), thetaOffAfter: e() });
  return empty;
}
