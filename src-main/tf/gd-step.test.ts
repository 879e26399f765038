// The tfjs dense GD step against H2's float64 dense step (gdStepOnWeights) on identical weights, and in distribution
// against the exact lazy-Gaussian GD-step sampler (two-sample KS on ΔΘ/Θ and a z-test on the mean change).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src-shared/rng';
import { ksCritical, ksTwoSample } from '../../src-shared/stats/goodness-of-fit';
import { gdStepOnWeights } from '../engine/gd-step-dense';
import { sampleGdStepExact, type GdStepSpec } from '../engine/gd-step-exact';
import { meanAndStderr } from '../engine/mean-stderr.test-util';
import { initBackend } from './backend';
import { gdStepBatch, gdStepOnLayers, sampleGdStepTf } from './gd-step';
import { disposeLayers, sampleLayers } from './layers';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
});

describe('tfjs GD step', () => {
  for (const parametrization of ['standard', 'ntk'] as const) {
    it(`equals the float64 dense step (gdStepOnWeights) on identical weights (${parametrization})`, async () => {
      const widths = [5, 8, 6, 7];
      const B = 4;
      for (const activation of ['relu', 'tanh', 'gelu'] as const) {
        const spec: GdStepSpec = {
          sigmaW2: 2.2,
          sigmaB2: 0.2,
          widths,
          activation,
          parametrization,
          lr: 0.2,
          target: 0.3,
          scale: 1.5,
          inputNorm: 1.3,
          pairCos: 0.4,
        };
        const layers = sampleLayers({ widths, sigmaW2: 2.2, sigmaB2: 0.2, parametrization }, B, 77);
        const got = await gdStepOnLayers(layers, spec);
        expect(got.diverged).toBe(0);
        const x = new Float64Array(5),
          xt = new Float64Array(5);
        x[0] = 1.3;
        xt[0] = 1.3 * 0.4;
        xt[1] = 1.3 * Math.sqrt(1 - 0.16);
        const L = widths.length;
        for (let t = 0; t < B; t++) {
          // H2's weights are the effective ones: W = s V, b = σ_b β in the NTK parametrization
          const W: Float64Array[] = [],
            b: Float64Array[] = [];
          for (let l = 1; l <= L; l++) {
            const [, nOut, nIn] = layers[l - 1].W.shape;
            const s = parametrization === 'ntk' ? Math.sqrt(2.2 / nIn) : 1;
            const tb = parametrization === 'ntk' ? Math.sqrt(0.2) : 1;
            W.push(
              Float64Array.from(
                layers[l - 1].W.dataSync().subarray(t * nOut * nIn, (t + 1) * nOut * nIn),
                (v) => v * s,
              ),
            );
            b.push(Float64Array.from(layers[l - 1].b.dataSync().subarray(t * nOut, (t + 1) * nOut), (v) => v * tb));
          }
          const ref = gdStepOnWeights({ W, b }, spec, x, xt);
          expect(ref.finite).toBe(true);
          const tol = 3e-5 * ref.theta; // float32: the kernels agree to ~1e−6 relative, their difference to ~1e−5 of Θ
          expect(Math.abs(got.theta[t] - ref.theta)).toBeLessThan(tol);
          expect(Math.abs(got.thetaAfter[t] - got.theta[t] - (ref.thetaAfter - ref.theta))).toBeLessThan(tol);
          expect(Math.abs(got.thetaOff![t] - ref.thetaOff!)).toBeLessThan(tol);
          expect(
            Math.abs(got.thetaOffAfter![t] - got.thetaOff![t] - (ref.thetaOffAfter! - ref.thetaOff!)),
          ).toBeLessThan(tol);
          expect(Math.abs(got.output[t] - ref.output)).toBeLessThan(1e-5 * (1 + Math.abs(ref.output)));
          expect(Math.abs(got.outputAfter[t] - ref.outputAfter)).toBeLessThan(1e-5 * (1 + Math.abs(ref.outputAfter)));
          // power: the step moves Θ by far more than the tolerance
          expect(Math.abs(ref.thetaAfter - ref.theta)).toBeGreaterThan(10 * tol);
        }
        disposeLayers(layers);
      }
    });
  }

  it('agrees in distribution with the exact lazy-Gaussian GD-step sampler (ReLU, σ_w² = 2.2, M = 10, L = 5)', async () => {
    const spec: GdStepSpec = {
      sigmaW2: 2.2,
      sigmaB2: 0,
      widths: [10, 10, 10, 10, 10],
      lr: 0.02,
      target: 0.5,
      pairCos: 0.3,
    };
    const N = 3000;
    const dense = await sampleGdStepTf(spec, N, 4242, { batchSize: 1000 });
    const exact = sampleGdStepExact(spec, N, new Rng(4243, 0));
    expect(dense.diverged + exact.diverged).toBe(0);
    const rel = (s: typeof dense) => Float64Array.from(s.theta, (th, i) => (s.thetaAfter[i] - th) / th);
    const a = rel(dense),
      b = rel(exact);
    expect(ksTwoSample(a, b)).toBeLessThan(ksCritical(N, N, 0.001));
    const ma = meanAndStderr(a),
      mb = meanAndStderr(b);
    expect(Math.abs(ma.mean - mb.mean)).toBeLessThan(4 * Math.hypot(ma.se, mb.se));
    expect(Math.abs(ma.mean)).toBeGreaterThan(5 * ma.se); // a real, resolved change
    const off = (s: typeof dense) => Float64Array.from(s.thetaOff!, (th, i) => s.thetaOffAfter![i] - th);
    const oa = meanAndStderr(off(dense)),
      ob = meanAndStderr(off(exact));
    expect(Math.abs(oa.mean - ob.mean)).toBeLessThan(4 * Math.hypot(oa.se, ob.se));
  });

  it('counts divergent networks instead of returning NaN', async () => {
    const spec: GdStepSpec = { sigmaW2: 2, sigmaB2: 0, widths: [6, 6, 6], lr: 1e30, target: 1e3 };
    const r = await sampleGdStepTf(spec, 20, 3);
    expect(r.diverged).toBeGreaterThan(0);
    expect(r.theta.length + r.diverged).toBe(20);
    for (const arr of [r.theta, r.thetaAfter, r.output, r.outputAfter])
      for (const v of arr) expect(Number.isFinite(v)).toBe(true);
  });

  it('network t depends only on (seed, t), leaks no tensors, and refuses bad input', async () => {
    const spec: GdStepSpec = { sigmaW2: 1.5, sigmaB2: 0.1, widths: [4, 5, 3], lr: 0.1, target: 0 };
    const before = tf.memory().numTensors;
    const whole = await sampleGdStepTf(spec, 7, 5, { batchSize: 7 });
    const split = await sampleGdStepTf(spec, 7, 5, { batchSize: 3 });
    expect(Array.from(split.thetaAfter)).toEqual(Array.from(whole.thetaAfter));
    expect(tf.memory().numTensors).toBe(before);
    expect((await sampleGdStepTf({ ...spec, pairCos: 0.5 }, 0, 1)).thetaOff).toHaveLength(0);
    await expect(gdStepBatch({ ...spec, lr: 0 }, 2, 1)).rejects.toThrow(RangeError);
    await expect(gdStepBatch({ ...spec, lr: NaN }, 2, 1)).rejects.toThrow(/learning rate/);
    await expect(sampleGdStepTf(spec, -1, 1)).rejects.toThrow(RangeError);
    const layers = sampleLayers({ widths: [4, 6, 3], sigmaW2: 1.5, sigmaB2: 0, parametrization: 'standard' }, 2, 1);
    await expect(gdStepOnLayers(layers, spec)).rejects.toThrow(/widths/);
    disposeLayers(layers);
  });
});
