// φ and φ′ as TensorFlow.js ops for the activations deep kernel shaping uses (src-shared/theory/dks/activations.ts:
// the float64 reference), and the transformed φ̂(u) = γ(φ(αu + β) + δ), φ̂′(u) = γα φ′(αu + β) (Martens et al. 2021
// (DKS), Sec. 18.1), for the "Does it train?" comparison (dks-train.ts). SELU and ELU use tfjs's own constants
// (SELU λ = 1.0507009873554805, α = 1.6732632423543772; ELU α = 1), the same as the float64 registry.
import * as tf from '@tensorflow/tfjs-core';
import type { DksTransform } from '../../../src-shared/theory/dks';
import type { TfActivation } from '../tf-activations';

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_2 = 0.7071067811865476;
const INV_SQRT_2PI = 0.3989422804014327;
const SELU_LAMBDA = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

const normalCdf = (h: tf.Tensor) => tf.mul(0.5, tf.add(1, tf.erf(tf.mul(h, INV_SQRT_2))));

const OPS = {
  relu: { phi: (h) => tf.relu(h), dphi: (h) => tf.step(h, 0) },
  tanh: { phi: (h) => tf.tanh(h), dphi: (h) => tf.sub(1, tf.square(tf.tanh(h))) },
  erf: { phi: (h) => tf.erf(h), dphi: (h) => tf.mul(TWO_OVER_SQRT_PI, tf.exp(tf.neg(tf.square(h)))) },
  gelu: {
    phi: (h) => tf.mul(h, normalCdf(h)),
    dphi: (h) => tf.add(normalCdf(h), tf.mul(tf.mul(h, INV_SQRT_2PI), tf.exp(tf.mul(-0.5, tf.square(h))))),
  },
  sigmoid: {
    phi: (h) => tf.sigmoid(h),
    dphi: (h) => {
      const s = tf.sigmoid(h);
      return tf.mul(s, tf.sub(1, s));
    },
  },
  softplus: { phi: (h) => tf.softplus(h), dphi: (h) => tf.sigmoid(h) },
  swish: {
    phi: (h) => tf.mul(h, tf.sigmoid(h)),
    dphi: (h) => {
      const s = tf.sigmoid(h);
      return tf.add(s, tf.mul(tf.mul(h, s), tf.sub(1, s)));
    },
  },
  selu: {
    phi: (h) => tf.selu(h),
    dphi: (h) => tf.where(tf.greater(h, 0), tf.fill(h.shape, SELU_LAMBDA), tf.mul(SELU_LAMBDA * SELU_ALPHA, tf.exp(h))),
  },
  elu: {
    phi: (h) => tf.elu(h),
    dphi: (h) => tf.where(tf.greater(h, 0), tf.onesLike(h), tf.exp(h)),
  },
} satisfies Record<string, TfActivation>;

export type DksTfActivationName = keyof typeof OPS;
export const DKS_TF_ACTIVATIONS = Object.keys(OPS) as DksTfActivationName[];

/** φ (transform null) or φ̂ as tensor ops; a RangeError for activations without TensorFlow.js ops here. */
export function dksTfActivation(name: string, t: DksTransform | null): TfActivation {
  if (!(DKS_TF_ACTIVATIONS as string[]).includes(name))
    throw new RangeError(
      `activation "${name}" has no TensorFlow.js ops; expected one of ${DKS_TF_ACTIVATIONS.join(', ')}`,
    );
  const base = OPS[name as DksTfActivationName];
  if (!t) return base;
  const { alpha, beta, gamma, delta } = t;
  const inner = (h: tf.Tensor) => tf.add(tf.mul(h, alpha), beta);
  return {
    phi: (h) => tf.mul(tf.add(base.phi(inner(h)), delta), gamma),
    dphi: (h) => tf.mul(base.dphi(inner(h)), gamma * alpha),
  };
}
