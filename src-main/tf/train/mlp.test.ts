import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activationFor, type TfActivationName } from '../../../src-shared/network/activations';
import { Rng } from '../../../src-shared/rng';
import { ensureBackend } from '../backend';
import { LAYER_NORM_EPSILON, makeOptimizer, Mlp, type Loss, type MlpSpec } from './mlp';

beforeAll(async () => {
  await ensureBackend('wasm');
});

/** Independent float64 reference: the net's loss from its weights read back as plain arrays. */
function loss64(
  spec: MlpSpec,
  Ws: Float64Array[],
  bs: Float64Array[],
  x: number[][],
  y: number[][],
  kind: Loss,
): number {
  const { widths, sigmaW2, sigmaB2, parametrization } = spec;
  const { phi } = activationFor('tensorflow', spec.activation);
  const ntk = parametrization === 'ntk';
  let total = 0;
  for (let s = 0; s < x.length; s++) {
    let a = x[s];
    for (let l = 1; l < widths.length; l++) {
      const nIn = widths[l - 1];
      const sw = ntk ? Math.sqrt(sigmaW2 / nIn) : 1;
      const sb = ntk ? Math.sqrt(sigmaB2) : 1;
      const h: number[] = [];
      for (let i = 0; i < widths[l]; i++) {
        let acc = 0;
        for (let j = 0; j < nIn; j++) acc += Ws[l - 1][i * nIn + j] * a[j];
        h.push(sw * acc + sb * bs[l - 1][i]);
      }
      if (spec.layerNorm && l < widths.length - 1) {
        // independent LN: two-pass mean and biased variance in float64
        const mean = h.reduce((acc, v) => acc + v, 0) / h.length;
        const variance = h.reduce((acc, v) => acc + (v - mean) ** 2, 0) / h.length;
        const sd = Math.sqrt(variance + LAYER_NORM_EPSILON);
        for (let i = 0; i < h.length; i++) h[i] = (h[i] - mean) / sd;
      }
      a = l < widths.length - 1 ? h.map(phi) : h;
    }
    if (kind === 'mse') total += 0.5 * a.reduce((acc, v, k) => acc + (v - y[s][k]) ** 2, 0);
    else {
      const m = Math.max(...a);
      const lse = m + Math.log(a.reduce((acc, v) => acc + Math.exp(v - m), 0));
      total -= a.reduce((acc, v, k) => acc + y[s][k] * (v - lse), 0);
    }
  }
  return total / x.length;
}

function tinyProblem(seed: number): { x: number[][]; y: number[][] } {
  const rng = new Rng(seed, 7);
  const x = Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => rng.normal()));
  const y = Array.from({ length: 6 }, (_, s) => Array.from({ length: 3 }, (_, k) => (k === s % 3 ? 1 : 0)));
  return { x, y };
}

describe('Mlp gradients', () => {
  const cases: [TfActivationName, 'standard' | 'ntk', Loss, boolean][] = [
    ['tanh', 'standard', 'mse', false],
    ['relu', 'standard', 'cross-entropy', false],
    ['gelu', 'ntk', 'mse', false],
    ['erf', 'ntk', 'cross-entropy', false],
    // Layer Norm's backward pass (mean and variance couple the units) against the same float64 differences
    ['tanh', 'standard', 'cross-entropy', true],
    ['gelu', 'ntk', 'mse', true],
  ];
  it.each(cases)(
    'backprop matches a float64 central difference (%s, %s, %s, Layer Norm %s); an SGD step moves by −η·∇',
    async (activation, parametrization, kind, layerNorm) => {
      const spec: MlpSpec = {
        widths: [5, 7, 6, 3],
        activation,
        sigmaW2: 1.7,
        sigmaB2: 0.3,
        parametrization,
        seed: 3,
        layerNorm,
      };
      const net = new Mlp(spec);
      const { x, y } = tinyProblem(1);
      const xt = tf.tensor2d(x);
      const yt = tf.tensor2d(y);
      const Ws = net.W.map((w) => Float64Array.from(w.dataSync()));
      const bs = net.b.map((b) => Float64Array.from(b.dataSync()));
      const { value, grads } = await net.gradients(xt, yt, kind);
      expect(value).toBeCloseTo(loss64(spec, Ws, bs, x, y, kind), 5);
      const eps = 1e-6;
      let maxErr = 0;
      let maxGrad = 0;
      const fd: Float64Array[] = [];
      net.variables().forEach((v, vi) => {
        const arr = vi % 2 === 0 ? Ws[vi / 2] : bs[(vi - 1) / 2];
        const g = grads[v.name].dataSync();
        const f = new Float64Array(arr.length);
        for (let i = 0; i < arr.length; i++) {
          const keep = arr[i];
          arr[i] = keep + eps;
          const up = loss64(spec, Ws, bs, x, y, kind);
          arr[i] = keep - eps;
          const down = loss64(spec, Ws, bs, x, y, kind);
          arr[i] = keep;
          f[i] = (up - down) / (2 * eps);
          maxErr = Math.max(maxErr, Math.abs(g[i] - f[i]));
          maxGrad = Math.max(maxGrad, Math.abs(f[i]));
        }
        fd.push(f);
      });
      // float32 backprop vs float64 differences: agreement to float32 rounding relative to the largest gradient
      expect(maxGrad).toBeGreaterThan(1e-3);
      expect(maxErr / maxGrad).toBeLessThan(2e-5);
      tf.dispose(grads);

      const eta = 0.05;
      const before = net.variables().map((v) => Float64Array.from(v.dataSync()));
      const opt = makeOptimizer('sgd', eta);
      await net.trainStep(opt, xt, yt, kind);
      net.variables().forEach((v, vi) => {
        const after = v.dataSync();
        for (let i = 0; i < after.length; i++) expect(after[i] - before[vi][i]).toBeCloseTo(-eta * fd[vi][i], 5);
      });
      opt.dispose();
      net.dispose();
      tf.dispose([xt, yt]);
    },
  );
});

describe('Mlp initialization', () => {
  it('standard: W_l ~ N(0, σ_w²/n_{l−1}), b_l ~ N(0, σ_b²); ntk: unit variances; same seed → same weights', () => {
    const std = new Mlp({
      widths: [400, 300, 2],
      activation: 'relu',
      sigmaW2: 1.5,
      sigmaB2: 0.5,
      parametrization: 'standard',
      seed: 9,
    });
    const w = Array.from(std.W[0].dataSync());
    const n = w.length;
    const v = w.reduce((s, a) => s + a * a, 0) / n;
    // sample variance of n normals: SE = var·√(2/n)
    expect(Math.abs(v - 1.5 / 400)).toBeLessThan(4 * (1.5 / 400) * Math.sqrt(2 / n));
    const b = Array.from(std.b[0].dataSync());
    const vb = b.reduce((s, a) => s + a * a, 0) / b.length;
    expect(Math.abs(vb - 0.5)).toBeLessThan(4 * 0.5 * Math.sqrt(2 / b.length));
    const ntk = new Mlp({
      widths: [400, 300, 2],
      activation: 'relu',
      sigmaW2: 1.5,
      sigmaB2: 0.5,
      parametrization: 'ntk',
      seed: 9,
    });
    const wn = Array.from(ntk.W[0].dataSync());
    expect(Math.abs(wn.reduce((s, a) => s + a * a, 0) / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    const again = new Mlp({
      widths: [400, 300, 2],
      activation: 'relu',
      sigmaW2: 1.5,
      sigmaB2: 0.5,
      parametrization: 'standard',
      seed: 9,
    });
    expect(Array.from(again.W[1].dataSync())).toEqual(Array.from(std.W[1].dataSync()));
    for (const m of [std, ntk, again]) m.dispose();
  });

  it('rejects bad specs with readable errors', () => {
    const ok: MlpSpec = {
      widths: [3, 4, 2],
      activation: 'relu',
      sigmaW2: 2,
      sigmaB2: 0,
      parametrization: 'standard',
      seed: 0,
    };
    expect(() => new Mlp({ ...ok, widths: [3] })).toThrow(/at least one weight layer/);
    expect(() => new Mlp({ ...ok, widths: [3, 0, 2] })).toThrow(/widths\[1\]/);
    expect(() => new Mlp({ ...ok, sigmaW2: Number.NaN })).toThrow(RangeError);
    expect(() => new Mlp({ ...ok, sigmaB2: -1 })).toThrow(/sigmaB2/);
    expect(() => new Mlp({ ...ok, activation: 'softplus' as TfActivationName })).toThrow(/unknown activation/);
    expect(() => makeOptimizer('adam', 0)).toThrow(/learning rate/);
  });

  it('accuracy counts arg-max agreement', async () => {
    const net = new Mlp({
      widths: [2, 3],
      activation: 'linear',
      sigmaW2: 1,
      sigmaB2: 0,
      parametrization: 'standard',
      seed: 1,
    });
    // one layer, f = x Wᵀ: set W = identity-like so the arg-max is the larger input coordinate (third output never
    // wins)
    net.W[0].assign(
      tf.tensor2d([
        [1, 0],
        [0, 1],
        [-5, -5],
      ]),
    );
    const x = tf.tensor2d([
      [1, 0],
      [0, 1],
      [2, 1],
      [0, 3],
    ]);
    const y = tf.tensor2d([
      [1, 0, 0],
      [0, 1, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(await net.accuracy(x, y)).toBeCloseTo(0.5, 6);
    tf.dispose([x, y]);
    net.dispose();
  });
});
