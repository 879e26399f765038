// The tfjs Mlp (wasm, float32) and the float64 loop reference take the same SGD step.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { makeOptimizer, Mlp } from '../train/mlp';
import { loadSweepData } from './datasets';
import { referenceSgdStep, type ReferenceNet } from './reference-sgd';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
});

describe('float64 reference SGD step', () => {
  for (const [activation, sigmaB2] of [
    ['erf', 0.185],
    ['relu', 0],
  ] as const) {
    it(`matches Mlp.trainStep (${activation}, σ_b² = ${sigmaB2}, NTK parametrization)`, async () => {
      const d = loadSweepData('synthetic', 16, 1, 11);
      const widths = [d.inputDim, 12, 9, 10];
      const B = 16,
        lr = 0.5;
      const mlp = new Mlp({ widths, activation, sigmaW2: 1.7, sigmaB2, parametrization: 'ntk', seed: 5 });
      const ref: ReferenceNet = {
        widths,
        activation,
        sigmaW2: 1.7,
        sigmaB2,
        V: mlp.W.map((w) => Float64Array.from(w.dataSync())),
        beta: mlp.b.map((b) => Float64Array.from(b.dataSync())),
      };
      const before = [...ref.V, ...ref.beta].map((v) => v.slice());
      const refLoss = referenceSgdStep(ref, d.train.x, d.train.y, B, lr);
      const opt = makeOptimizer('sgd', lr);
      const x = tf.tensor2d(d.train.x, [B, d.inputDim]);
      const y = tf.tensor2d(d.train.y, [B, 10]);
      const loss = await mlp.trainStep(opt, x, y, 'mse');
      expect(loss / refLoss - 1).toBeLessThan(1e-5);
      let maxDiff = 0,
        maxStep = 0;
      const refAfter = [...ref.V, ...ref.beta];
      [...mlp.W, ...mlp.b].forEach((w, l) => {
        const after = w.dataSync();
        for (let k = 0; k < after.length; k++) {
          maxStep = Math.max(maxStep, Math.abs(refAfter[l][k] - before[l][k]));
          maxDiff = Math.max(maxDiff, Math.abs(after[k] - refAfter[l][k]));
        }
      });
      // float32 rounding of weights of size ≈ 1–3 is ≈ 2e-7; the step itself is ≫ that
      expect(maxStep).toBeGreaterThan(1e-3);
      expect(maxDiff / maxStep).toBeLessThan(1e-3);
      tf.dispose([x, y]);
      opt.dispose();
      mlp.dispose();
    });
  }
});
