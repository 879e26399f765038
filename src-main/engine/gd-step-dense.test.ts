import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import { activationFor, type SamplerActivationName } from '../../src-shared/network/activations';
import { gdStepOnWeights, sampleGdStepDense, type DenseWeights } from './gd-step-dense';
import type { GdStepSpec } from './gd-step-exact';

/**
 * Independent reference: all parameters in one flat vector, f by a plain forward pass, ∇f by central finite
 * differences, Θ = ‖∇f‖² (standard parametrization) and the GD step θ′ = θ − η(f − y)∇f/α² taken literally.
 */
function flatReference(
  widths: number[],
  act: SamplerActivationName,
  params: Float64Array,
  x: Float64Array,
  xt: Float64Array,
  lr: number,
  y: number,
) {
  const { phi } = activationFor('samplers', act);
  const dims = [...widths, 1];
  const forward = (p: Float64Array, input: Float64Array) => {
    let cur = input,
      o = 0;
    for (let l = 1; l < dims.length; l++) {
      const next = new Float64Array(dims[l]);
      const wOff = o,
        bOff = o + dims[l] * dims[l - 1];
      for (let i = 0; i < dims[l]; i++) {
        let s = p[bOff + i];
        for (let j = 0; j < dims[l - 1]; j++) s += p[wOff + i * dims[l - 1] + j] * cur[j];
        next[i] = l < dims.length - 1 ? phi(s) : s;
      }
      o = bOff + dims[l];
      cur = next;
    }
    return cur[0];
  };
  const grad = (p: Float64Array, input: Float64Array) => {
    const g = new Float64Array(p.length),
      q = Float64Array.from(p);
    for (let k = 0; k < p.length; k++) {
      const h = 1e-6 * Math.max(1, Math.abs(p[k]));
      q[k] = p[k] + h;
      const up = forward(q, input);
      q[k] = p[k] - h;
      const down = forward(q, input);
      q[k] = p[k];
      g[k] = (up - down) / (2 * h);
    }
    return g;
  };
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);
  const f = forward(params, x);
  const g = grad(params, x),
    gt = grad(params, xt);
  const after = Float64Array.from(params, (v, k) => v - lr * (f - y) * g[k]);
  const ga = grad(after, x),
    gta = grad(after, xt);
  return {
    theta: dot(g, g),
    thetaOff: dot(g, gt),
    thetaAfter: dot(ga, ga),
    thetaOffAfter: dot(ga, gta),
    output: f,
    outputAfter: forward(after, x),
  };
}

function randomWeights(
  widths: number[],
  sigmaW2: number,
  sigmaB2: number,
  rng: Rng,
): { w: DenseWeights; flat: Float64Array } {
  const dims = [...widths, 1];
  const W: Float64Array[] = [],
    b: Float64Array[] = [],
    flat: number[] = [];
  for (let l = 1; l < dims.length; l++) {
    const wl = new Float64Array(dims[l] * dims[l - 1]);
    rng.fillNormal(wl, Math.sqrt(sigmaW2 / dims[l - 1]));
    const bl = new Float64Array(dims[l]);
    rng.fillNormal(bl, Math.sqrt(sigmaB2));
    W.push(wl);
    b.push(bl);
    flat.push(...wl, ...bl);
  }
  return { w: { W, b }, flat: Float64Array.from(flat) };
}

describe('gdStepOnWeights against a flat-parameter finite-difference reference', () => {
  for (const act of ['tanh', 'relu', 'gelu'] as const)
    it(`${act}: Θ, Θ(x, x̃) and f before and after the step`, () => {
      const widths = [3, 5, 4];
      const rng = new Rng(11);
      const { w, flat } = randomWeights(widths, 2.2, 0.1, rng);
      const x = Float64Array.from([0.6, -0.3, 0.5]),
        xt = Float64Array.from([-0.2, 0.9, 0.1]);
      const spec: GdStepSpec = { sigmaW2: 2.2, sigmaB2: 0.1, widths, activation: act, lr: 0.3, target: 0.8 };
      const copy = w.W.map((a) => a.slice());
      const got = gdStepOnWeights(w, spec, x, xt);
      const ref = flatReference(widths, act, flat, x, xt, 0.3, 0.8);
      expect(got.finite).toBe(true);
      for (const key of ['theta', 'thetaAfter', 'thetaOff', 'thetaOffAfter', 'output', 'outputAfter'] as const)
        expect(Math.abs(got[key]! - ref[key])).toBeLessThan(1e-6 * (1 + Math.abs(ref[key])));
      expect(Math.abs(got.thetaAfter - got.theta)).toBeGreaterThan(1e-3); // the step did change the kernel
      w.W.forEach((a, l) => expect(Array.from(a)).toEqual(Array.from(copy[l]))); // weights untouched
    });

  it('scale α: Θ̃ = α²Θ, and the step is the unscaled one at η/α² (App. B.3)', () => {
    const widths = [3, 6, 6];
    const { w } = randomWeights(widths, 2, 0, new Rng(12));
    const x = Float64Array.from([1, 0, 0]);
    const base: GdStepSpec = { sigmaW2: 2, sigmaB2: 0, widths, lr: 0.4, target: 0.2 };
    const scaled = gdStepOnWeights(w, { ...base, scale: 3 }, x);
    const slow = gdStepOnWeights(w, { ...base, lr: 0.4 / 9 }, x);
    expect(scaled.theta).toBeCloseTo(9 * slow.theta, 10);
    expect(scaled.thetaAfter).toBeCloseTo(9 * slow.thetaAfter, 10);
    expect(scaled.output).toBeCloseTo(3 * slow.output, 12);
  });

  it('NTK parametrization: Θ is the standard one with layer l weighted by σ_w²/n_{l−1} and biases by σ_b²', () => {
    const widths = [4, 7, 5];
    const { w } = randomWeights(widths, 1.7, 0.3, new Rng(13));
    const x = Float64Array.from([0.5, 0.5, 0.5, 0.5]);
    // L = 1 has Θ in closed form; the deep case must at least run finite
    const one = randomWeights([4], 1.7, 0.3, new Rng(14)).w;
    const std = gdStepOnWeights(one, { sigmaW2: 1.7, sigmaB2: 0.3, widths: [4], lr: 0.1, target: 0 }, x);
    const ntk = gdStepOnWeights(
      one,
      { sigmaW2: 1.7, sigmaB2: 0.3, widths: [4], lr: 0.1, target: 0, parametrization: 'ntk' },
      x,
    );
    expect(std.theta).toBeCloseTo(1 + 1, 12); // ‖x‖² + 1
    expect(ntk.theta).toBeCloseTo((1.7 / 4) * 1 + 0.3, 12);
    // linear model: f′ = f − ηΘ(f − y)
    expect(ntk.outputAfter).toBeCloseTo(ntk.output - 0.1 * ntk.output * ntk.theta, 12);
    const deep = gdStepOnWeights(
      w,
      { sigmaW2: 1.7, sigmaB2: 0.3, widths, lr: 0.1, target: 0, parametrization: 'ntk' },
      x,
    );
    expect(deep.finite).toBe(true);
  });

  it('rejects weights of the wrong shape and inputs of the wrong length', () => {
    const widths = [3, 4];
    const { w } = randomWeights(widths, 2, 0, new Rng(15));
    const spec: GdStepSpec = { sigmaW2: 2, sigmaB2: 0, widths, lr: 0.1, target: 0 };
    expect(() => gdStepOnWeights(w, spec, new Float64Array(2))).toThrow(RangeError);
    expect(() => gdStepOnWeights(w, spec, Float64Array.from([NaN, 0, 0]))).toThrow(RangeError);
    expect(() => gdStepOnWeights({ W: [w.W[0]], b: w.b }, spec, new Float64Array(3))).toThrow(RangeError);
    expect(() => gdStepOnWeights(w, { ...spec, widths: [3, 5] }, new Float64Array(3))).toThrow(RangeError);
  });
});

describe('sampleGdStepDense', () => {
  it('mean Θ before the step matches Seleznova & Kutyniok 2022, eqs. (11)–(12) (ReLU, σ_b = 0, EOC, n₀ = M: E[Θ] = 2L)', () => {
    // at σ_w² = 2 (a = 1), E‖x_l‖² = n_l/n₀ and E‖δ_l‖² = 1, so E[Θ] = Σ_l (n_{l−1}/n₀ + 1) = 2L for constant width
    const L = 4,
      M = 16;
    const r = sampleGdStepDense(
      { sigmaW2: 2, sigmaB2: 0, widths: [M, M, M, M], lr: 0.01, target: 0 },
      3000,
      new Rng(16),
    );
    let s = 0,
      ss = 0;
    for (const v of r.theta) {
      s += v;
      ss += v * v;
    }
    const n = r.theta.length,
      mean = s / n,
      se = Math.sqrt((ss / n - mean * mean) / n);
    expect(Math.abs(mean - 2 * L)).toBeLessThan(4 * se);
  });
});
