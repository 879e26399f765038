// empiricalNtk against (1) a float64 plain-JS forward/backward on the same weights, (2) the gradient inner product
// Σ_θ ∂f(x)/∂θ ∂f(x̃)/∂θ by float64 central differences (an independent method: no δ recursion), (3) the exact
// finite-width E[Θ(x, x)] of ReLU networks (src-shared/theory/relu-exact-moments.ts, Seleznova & Kutyniok 2022, eqs.
// 11–12 plus
// dead layers) on sampled networks, within standard errors; plus bad input and tensor leaks.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { TF_ACTIVATIONS, activationFor, type TfActivationName } from '../../src-shared/network/activations';
import type { Parametrization } from '../../src-shared/network/parametrization';
import { meanAndStderr } from '../engine/mean-stderr.test-util';
import { reluExactMoments } from '../../src-shared/theory/relu-exact-moments';
import { initBackend } from './backend';
import { empiricalNtk, sampleLayers, disposeLayers, type TfLayer } from './ntk';

interface Net64 {
  W: Float64Array[]; // row-major n_l × n_{l−1}
  b: Float64Array[];
  widths: number[]; // [n₀, …, n_{L−1}, 1]
}

/** Network t of a batch, read back into float64 (the exact float32 values the tensors hold). */
function readNet(layers: TfLayer[], t: number): Net64 {
  const W: Float64Array[] = [],
    b: Float64Array[] = [],
    widths: number[] = [layers[0].W.shape[2]];
  for (const layer of layers) {
    const [, nOut, nIn] = layer.W.shape;
    W.push(Float64Array.from(layer.W.dataSync().subarray(t * nOut * nIn, (t + 1) * nOut * nIn)));
    b.push(Float64Array.from(layer.b.dataSync().subarray(t * nOut, (t + 1) * nOut)));
    widths.push(nOut);
  }
  return { W, b, widths };
}

/** Θ(x_i, x_j) and f(x_i) in float64 by the plain recursion, written independently of forward-backward.ts. */
function ntk64(
  net: Net64,
  xs: number[][],
  act: TfActivationName,
  param: Parametrization,
  sigmaW2: number,
  sigmaB2: number,
) {
  const { phi, dphi } = activationFor('tensorflow', act);
  const L = net.W.length;
  const s = (l: number) => (param === 'ntk' ? Math.sqrt(sigmaW2 / net.widths[l - 1]) : 1);
  const tb = param === 'ntk' ? Math.sqrt(sigmaB2) : 1;
  const pass = (x0: number[]) => {
    const acts: number[][] = [x0],
      pre: number[][] = [];
    for (let l = 1; l <= L; l++) {
      const nIn = net.widths[l - 1],
        nOut = net.widths[l],
        x = acts[l - 1];
      const h = new Array<number>(nOut);
      for (let i = 0; i < nOut; i++) {
        let sum = 0;
        for (let j = 0; j < nIn; j++) sum += net.W[l - 1][i * nIn + j] * x[j];
        h[i] = s(l) * sum + tb * net.b[l - 1][i];
      }
      pre.push(h);
      if (l < L) acts.push(h.map(phi));
    }
    const del: number[][] = new Array(L);
    del[L - 1] = [1];
    for (let l = L - 1; l >= 1; l--) {
      const nOut = net.widths[l],
        nUp = net.widths[l + 1];
      del[l - 1] = new Array<number>(nOut).fill(0).map((_, j) => {
        let sum = 0;
        for (let i = 0; i < nUp; i++) sum += net.W[l][i * nOut + j] * del[l][i];
        return dphi(pre[l - 1][j]) * s(l + 1) * sum;
      });
    }
    return { acts, del, f: pre[L - 1][0] };
  };
  const passes = xs.map(pass);
  const dot = (a: number[], c: number[]) => a.reduce((acc, v, i) => acc + v * c[i], 0);
  const theta = xs.map((_, i) =>
    xs.map((__, j) => {
      let total = 0;
      for (let l = 1; l <= L; l++)
        total +=
          dot(passes[i].del[l - 1], passes[j].del[l - 1]) *
          (s(l) ** 2 * dot(passes[i].acts[l - 1], passes[j].acts[l - 1]) + tb * tb);
      return total;
    }),
  );
  return { theta, f: passes.map((p) => p.f) };
}

/** Three unit inputs in dimension n0 with distinct angles. */
function unitInputs(n0: number): number[][] {
  const raw = [0, 1, 2].map((i) =>
    Array.from({ length: n0 }, (_, j) => Math.cos(0.7 * (i + 1) * (j + 1)) + (j === i ? 1 : 0)),
  );
  return raw.map((v) => {
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  });
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`empiricalNtk on the ${backend} backend`, () => {
    beforeAll(async () => {
      await initBackend({ prefer: backend });
    });

    const widths = [6, 9, 4, 7]; // non-uniform profile, L = 4
    const xs = unitInputs(widths[0]);
    for (const parametrization of ['standard', 'ntk'] as const) {
      it(`equals the float64 recursion on the same weights (${parametrization}, all activations)`, () => {
        const sigmaW2 = 1.7,
          sigmaB2 = 0.3,
          B = 3;
        for (const act of TF_ACTIVATIONS) {
          const layers = sampleLayers({ widths, sigmaW2, sigmaB2, parametrization }, B, 11);
          const inputs = tf.tensor2d(xs);
          const { ntk, outputs } = empiricalNtk(layers, inputs, { activation: act, parametrization, sigmaW2, sigmaB2 });
          expect(ntk.shape).toEqual([B, 3, 3]);
          expect(outputs.shape).toEqual([B, 3]);
          const got = ntk.dataSync(),
            gotF = outputs.dataSync();
          for (let t = 0; t < B; t++) {
            const ref = ntk64(readNet(layers, t), xs, act, parametrization, sigmaW2, sigmaB2);
            const scale = maxAbs(ref.theta.flat());
            // float32: ~1e−7 per operation, a few dozen operations deep, sums of ≤ 10 terms
            for (let i = 0; i < 3; i++) {
              for (let j = 0; j < 3; j++)
                expect(Math.abs(got[t * 9 + i * 3 + j] - ref.theta[i][j])).toBeLessThan(2e-5 * scale);
              expect(Math.abs(gotF[t * 3 + i] - ref.f[i])).toBeLessThan(2e-5 * (1 + maxAbs(ref.f)));
            }
            expect(scale).toBeGreaterThan(0.05); // the comparison is not vacuous
          }
          tf.dispose([ntk, outputs, inputs]);
          disposeLayers(layers);
        }
      });

      it(`equals Σ_θ ∂f(x)/∂θ ∂f(x̃)/∂θ from float64 central differences of f (${parametrization})`, () => {
        // tfjs-core's Node bundle registers no gradients (tf.grads throws "gradient function not found"), so the
        // independent method is numerical differentiation of the float64 forward pass over every trained parameter.
        const sigmaW2 = 2.3,
          sigmaB2 = 0.5,
          B = 2,
          eps = 1e-5;
        for (const act of ['relu', 'tanh', 'gelu', 'erf'] as const) {
          const layers = sampleLayers({ widths, sigmaW2, sigmaB2, parametrization }, B, 5);
          const inputs = tf.tensor2d(xs);
          const { ntk, outputs } = empiricalNtk(layers, inputs, { activation: act, parametrization, sigmaW2, sigmaB2 });
          const ours = ntk.arraySync();
          for (let t = 0; t < B; t++) {
            const net = readNet(layers, t);
            const f = (x: number[]) => ntk64(net, [x], act, parametrization, sigmaW2, sigmaB2).f[0];
            const grads: number[][] = xs.map(() => []);
            for (const arr of [...net.W, ...net.b]) {
              for (let q = 0; q < arr.length; q++) {
                const v = arr[q];
                xs.forEach((x, i) => {
                  arr[q] = v + eps;
                  const up = f(x);
                  arr[q] = v - eps;
                  const down = f(x);
                  grads[i].push((up - down) / (2 * eps));
                });
                arr[q] = v;
              }
            }
            for (let i = 0; i < 3; i++) {
              for (let j = 0; j < 3; j++) {
                const ip = grads[i].reduce((acc, g, q) => acc + g * grads[j][q], 0);
                expect(Math.abs(ours[t][i][j] - ip)).toBeLessThan(3e-5 * Math.abs(ours[t][i][i]) + 1e-6);
              }
            }
          }
          tf.dispose([ntk, outputs, inputs]);
          disposeLayers(layers);
        }
      });
    }

    it('does not leak tensors', () => {
      const layers = sampleLayers({ widths, sigmaW2: 2, sigmaB2: 0.1, parametrization: 'ntk' }, 4, 3);
      const inputs = tf.tensor2d(xs);
      const before = tf.memory().numTensors;
      const { ntk, outputs } = empiricalNtk(layers, inputs, {
        activation: 'gelu',
        parametrization: 'ntk',
        sigmaW2: 2,
        sigmaB2: 0.1,
      });
      expect(tf.memory().numTensors).toBe(before + 2);
      tf.dispose([ntk, outputs]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(inputs);
      disposeLayers(layers);
    });
  });
}

describe('empiricalNtk: distribution of Θ(x, x) of sampled ReLU networks', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  // Exact finite-width E[Θ] (dead layers included) vs the sample mean over N networks: |mean − E| < 4 SE.
  for (const sigmaW2 of [1.0, 2.0, 2.5]) {
    it(`mean Θ(x, x) matches the exact finite-width E[Θ] at σ_w² = ${sigmaW2}, M = 12, L = 6`, () => {
      const widths = [12, 12, 12, 12, 12, 12];
      const N = 4000,
        B = 1000;
      const theta = new Float64Array(N);
      const inputs = tf.tensor2d([[1, ...new Array<number>(11).fill(0)]]);
      for (let first = 0; first < N; first += B) {
        const layers = sampleLayers({ widths, sigmaW2, sigmaB2: 0, parametrization: 'standard' }, B, 2024, first);
        const { ntk, outputs } = empiricalNtk(layers, inputs, {
          activation: 'relu',
          parametrization: 'standard',
          sigmaW2,
          sigmaB2: 0,
        });
        theta.set(ntk.dataSync(), first);
        tf.dispose([ntk, outputs]);
        disposeLayers(layers);
      }
      inputs.dispose();
      const { mean, se } = meanAndStderr(theta);
      const exact = reluExactMoments(sigmaW2, widths).meanTheta;
      expect(Math.abs(mean - exact)).toBeLessThan(4 * se);
      expect(se / exact).toBeLessThan(0.03); // the test has power: a 12% error would fail
    });
  }

  it('weights of network t depend only on (seed, t), not on the batch split', () => {
    const spec = { widths: [3, 4], sigmaW2: 2, sigmaB2: 0.2, parametrization: 'standard' as const };
    const all = sampleLayers(spec, 5, 9);
    const tail = sampleLayers(spec, 2, 9, 3);
    expect(Array.from(tail[0].W.dataSync())).toEqual(Array.from(all[0].W.dataSync().subarray(3 * 12)));
    expect(Array.from(tail[1].b.dataSync())).toEqual(Array.from(all[1].b.dataSync().subarray(3)));
    disposeLayers(all);
    disposeLayers(tail);
  });
});

describe('empiricalNtk: bad input', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
  });
  const opts = { activation: 'relu' as const, parametrization: 'standard' as const, sigmaW2: 2, sigmaB2: 0 };

  it('refuses bad specs with a RangeError', () => {
    const spec = { widths: [3, 4], sigmaW2: 2, sigmaB2: 0, parametrization: 'standard' as const };
    expect(() => sampleLayers({ ...spec, sigmaW2: NaN }, 2, 1)).toThrow(RangeError);
    expect(() => sampleLayers({ ...spec, sigmaB2: -1 }, 2, 1)).toThrow(/sigmaB2/);
    expect(() => sampleLayers({ ...spec, widths: [3, 0] }, 2, 1)).toThrow(/widths\[1\]/);
    expect(() => sampleLayers(spec, 0, 1)).toThrow(/B must be/);
    expect(() => sampleLayers({ ...spec, widths: [100000, 100000] }, 2, 1)).toThrow(/exceeds/);
    expect(() => sampleLayers({ ...spec, parametrization: 'mup' as never }, 2, 1)).toThrow(/parametrization/);
  });

  it('refuses mismatched shapes and options with a RangeError', () => {
    const layers = sampleLayers({ widths: [3, 4], sigmaW2: 2, sigmaB2: 0, parametrization: 'standard' }, 2, 1);
    const good = tf.tensor2d([[1, 0, 0]]);
    const wrongDim = tf.tensor2d([[1, 0]]);
    expect(() => empiricalNtk(layers, wrongDim, opts)).toThrow(/n₀ = 3/);
    expect(() => empiricalNtk(layers, good, { ...opts, sigmaW2: Infinity })).toThrow(RangeError);
    expect(() => empiricalNtk(layers, good, { ...opts, activation: 'softsign' as never })).toThrow(
      /unknown activation/,
    );
    expect(() => empiricalNtk(layers.slice(0, 1), good, opts)).toThrow(/output layer must have width 1/);
    expect(() => empiricalNtk([layers[1], layers[0]], good, opts)).toThrow(RangeError);
    tf.dispose([good, wrongDim]);
    disposeLayers(layers);
  });
});
