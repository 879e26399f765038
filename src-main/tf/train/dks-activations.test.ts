// The TensorFlow.js ops of the DKS activations against the float64 reference (src-shared/theory/dks), plain and
// transformed, within float32 rounding.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDksActivation, transformActivation } from '../../../src-shared/theory/dks';
import { DKS_TF_ACTIVATIONS, dksTfActivation } from './dks-activations';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const xs = Array.from({ length: 41 }, (_, i) => -6 + (12 * i) / 40 + 0.013);

function check(name: string, t: { alpha: number; beta: number; gamma: number; delta: number } | null): void {
  const ref = t ? transformActivation(getDksActivation(name), t) : getDksActivation(name);
  const ops = dksTfActivation(name, t);
  const h = tf.tensor1d(xs);
  const phi = ops.phi(h).dataSync();
  const dphi = ops.dphi(h).dataSync();
  h.dispose();
  xs.forEach((x, i) => {
    const tol = (v: number) => 2e-6 * Math.max(1, Math.abs(v)) + 3e-7;
    expect(Math.abs(phi[i] - ref.phi(x)), `${name} φ(${x})`).toBeLessThanOrEqual(tol(ref.phi(x)) * 4);
    expect(Math.abs(dphi[i] - ref.dphi(x)), `${name} φ′(${x})`).toBeLessThanOrEqual(tol(ref.dphi(x)) * 4);
  });
}

describe('DKS activations on TensorFlow.js', () => {
  it('match the float64 φ and φ′ for every activation, plain and transformed', () => {
    for (const name of DKS_TF_ACTIVATIONS) {
      check(name, null);
      check(name, { alpha: 0.7, beta: 0.3, gamma: 1.4, delta: -0.2 });
    }
    expect(() => dksTfActivation('linear', null)).toThrow(/no TensorFlow\.js ops/);
  });
});
