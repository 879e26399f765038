// φ and φ′ as TensorFlow.js ops for every activation the registry (src-shared/network/activations.ts) marks as running
// on TensorFlow; its float64 φ, φ′ are the reference. The record below is typed by TfActivationName, so an
// activation that says it runs on TensorFlow and has no ops here is a compile error.
// tf.erf is a float32 rational approximation (Abramowitz–Stegun 7.1.26 class, |error| ≲ 1.5e−7): enough in float32.
import * as tf from '@tensorflow/tfjs-core';
import { activationFor, type TfActivationName } from '../../src-shared/network/activations';

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
const INV_SQRT_2 = 0.7071067811865476; // 1/√2
const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)

export interface TfActivation {
  phi(h: tf.Tensor): tf.Tensor;
  dphi(h: tf.Tensor): tf.Tensor;
}

/** Φ(h) = (1 + erf(h/√2))/2. */
function normalCdf(h: tf.Tensor): tf.Tensor {
  return tf.mul(0.5, tf.add(1, tf.erf(tf.mul(h, INV_SQRT_2))));
}

const TF_OPS: { readonly [K in TfActivationName]: TfActivation } = {
  relu: {
    phi: (h) => tf.relu(h),
    dphi: (h) => tf.step(h, 0), // 1 for h > 0, else 0: φ′(0) := 0 as in the float64 engine
  },
  tanh: {
    phi: (h) => tf.tanh(h),
    dphi: (h) => tf.sub(1, tf.square(tf.tanh(h))),
  },
  erf: {
    phi: (h) => tf.erf(h),
    dphi: (h) => tf.mul(TWO_OVER_SQRT_PI, tf.exp(tf.neg(tf.square(h)))),
  },
  gelu: {
    phi: (h) => tf.mul(h, normalCdf(h)),
    dphi: (h) => tf.add(normalCdf(h), tf.mul(tf.mul(h, INV_SQRT_2PI), tf.exp(tf.mul(-0.5, tf.square(h))))),
  },
  linear: {
    phi: (h) => h,
    dphi: (h) => tf.onesLike(h),
  },
};

/** φ and φ′ on tensors for a named nonlinearity; a RangeError for names TensorFlow does not run. */
export function tfActivation(name: TfActivationName): TfActivation {
  activationFor('tensorflow', name);
  return TF_OPS[name];
}
