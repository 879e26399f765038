import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import { relativeChange } from '../../src-shared/stats/relative-change';
import { chaoticLowerBound } from '../../src-shared/theory/gd-step';
import { sampleGdStepDense } from './gd-step-dense';
import { sampleGdStepExact, type GdStepSpec } from './gd-step-exact';
import { GdStepExactSampler } from './gd-step-exact-sampler';
import { expectSameDistribution, meanAndStderr } from './mean-stderr.test-util';

const widthsOf = (L: number, M: number, n0 = M) => [n0, ...new Array<number>(L - 1).fill(M)];
const diff = (a: Float64Array, b: Float64Array) => Float64Array.from(a, (v, i) => b[i] - v);

/**
 * L = 2, ReLU, σ_b = 0, y = 0, derived by hand (docs/gd-step.md): per network, without a unit crossing 0,
 *   ΔΘ = −4sεf + O(ε²),  s = ‖x‖² + 1, ε = η(f − y);
 * units with 0 < h_i < εs·w_i switch off and lose s·w_i² at first order, which adds to the mean
 *   E[ΔΘ]/η → −4s E[f²] − (n₁ s² p_h(0)/2) E|w|³ E|f_{−i}|,
 * p_h(0) = 1/√(2πσ_h²), σ_h² = σ_w²‖x‖²/n₀, w ~ N(0, σ_w²/n₁), f_{−i} = Σ_{j≠i} w_j relu(h_j) (E|·| via χ_K, K ~
 * Bin(n₁−1, ½)).
 */
function depth2Rate(sigmaW2: number, n0: number, n1: number, r: number): { smooth: number; kink: number } {
  const s = r * r + 1,
    sh2 = (sigmaW2 * r * r) / n0,
    s2 = sigmaW2 / n1;
  const Ef2 = (s2 * n1 * sh2) / 2;
  let ratio = 1 / Math.sqrt(Math.PI); // Γ((K+1)/2)/Γ(K/2) at K = 1; E χ_K = √2·ratio_K
  let Echi = 0;
  let logp = (n1 - 1) * Math.log(0.5);
  for (let K = 1; K <= n1 - 1; K++) {
    logp += Math.log((n1 - K) / K);
    Echi += Math.exp(logp) * Math.SQRT2 * ratio;
    ratio = K / 2 / ratio;
  }
  const EabsF = Math.sqrt(2 / Math.PI) * Math.sqrt(s2 * sh2) * Echi;
  const EabsW3 = 2 * Math.sqrt(2 / Math.PI) * s2 ** 1.5;
  const pdf0 = 1 / Math.sqrt(2 * Math.PI * sh2);
  return { smooth: -4 * s * Ef2, kink: -n1 * s * s * pdf0 * 0.5 * EabsW3 * EabsF };
}

describe('exact GD-step sampler against the dense float64 reference', () => {
  // one point per phase; y ≠ 0, a second input, σ_b² > 0 in one case
  const cases: Array<[string, Partial<GdStepSpec> & { sigmaW2: number; widths: number[] }]> = [
    ['ordered', { sigmaW2: 1.2, widths: widthsOf(6, 20) }],
    ['EOC', { sigmaW2: 2, widths: widthsOf(6, 16, 24), sigmaB2: 0.05 }],
    ['chaotic', { sigmaW2: 2.8, widths: widthsOf(4, 32) }],
  ];
  for (const [name, c] of cases)
    it(`${name}: Θ after, ΔΘ, ΔΘ(x, x̃) and f after agree (KS at 0.1 %, means within 4 SE)`, () => {
      const spec: GdStepSpec = { sigmaB2: 0, lr: 0.05, target: 0.3, pairCos: 0.4, ...c };
      const N = 1200;
      const e = sampleGdStepExact(spec, N, new Rng(101, 0));
      const d = sampleGdStepDense(spec, N, new Rng(101, 1));
      expect(e.diverged + d.diverged).toBe(0);
      expectSameDistribution(e.thetaAfter, d.thetaAfter);
      expectSameDistribution(diff(e.theta, e.thetaAfter), diff(d.theta, d.thetaAfter));
      expectSameDistribution(diff(e.thetaOff!, e.thetaOffAfter!), diff(d.thetaOff!, d.thetaOffAfter!));
      expectSameDistribution(e.outputAfter, d.outputAfter);
    });

  it('tanh in NTK parametrization with σ_b² > 0 agrees too', () => {
    const spec: GdStepSpec = {
      sigmaW2: 1.5,
      sigmaB2: 0.2,
      widths: widthsOf(4, 12),
      activation: 'tanh',
      parametrization: 'ntk',
      lr: 0.5,
      target: -0.5,
      inputNorm: 1.5,
    };
    const N = 2000;
    const e = sampleGdStepExact(spec, N, new Rng(102, 0));
    const d = sampleGdStepDense(spec, N, new Rng(102, 1));
    expectSameDistribution(e.theta, d.theta);
    expectSameDistribution(diff(e.theta, e.thetaAfter), diff(d.theta, d.thetaAfter));
  });
});

describe('exact GD-step sampler against closed forms', () => {
  it('L = 1 (linear model): Θ = ‖x‖² + 1 is unchanged and f′ = f − η(f − y)(‖x‖² + 1)', () => {
    const spec: GdStepSpec = {
      sigmaW2: 2,
      sigmaB2: 0.3,
      widths: [5],
      lr: 0.1,
      target: 0.7,
      inputNorm: 2,
      pairCos: 0.2,
    };
    const r = sampleGdStepExact(spec, 50, new Rng(1));
    for (let i = 0; i < 50; i++) {
      expect(r.theta[i]).toBeCloseTo(5, 12);
      expect(r.thetaAfter[i]).toBeCloseTo(5, 12);
      expect(r.thetaOffAfter![i]).toBeCloseTo(4 * 0.2 + 1, 12);
      expect(r.outputAfter[i]).toBeCloseTo(r.output[i] - 0.1 * (r.output[i] - 0.7) * 5, 12);
    }
  });

  it('L = 2, per network: Θ′ in closed form, including units the step switches off', () => {
    // no crossing: ΔΘ = −4sεf + ε²(s‖x₁‖² + s²‖δ₁‖²); in general Θ′ = 1 + Σ_{h_i > 0, h′_i > 0} [s(w_i − εh_i)² +
    // h′_i²],
    // h′_i = h_i − εs·w_i (w = W₂ᵀ, δ₁ = w on active units), s = ‖x‖² + 1, ε = η(f − y)
    const eta = 0.05,
      y = 0.4,
      r = 0.8,
      s = r * r + 1;
    const sampler = new GdStepExactSampler({
      sigmaW2: 2.4,
      sigmaB2: 0,
      widths: [20, 30],
      lr: eta,
      target: y,
      inputNorm: r,
    });
    const rng = new Rng(2);
    let crossings = 0;
    for (let t = 0; t < 300; t++) {
      expect(sampler.sample(rng)).toBe(true);
      const f = sampler.outputs[0],
        eps = eta * (f - y);
      const { h, delta, hAfter } = sampler.layer(1);
      let closed = 1;
      for (let i = 0; i < h.length; i++) {
        if (!(h[i] > 0)) continue;
        const hp = h[i] - eps * s * delta[i];
        expect(hAfter[i]).toBeCloseTo(hp, 12);
        if (hp > 0) closed += s * (delta[i] - eps * h[i]) ** 2 + hp * hp;
        else crossings++;
      }
      expect(Math.abs(sampler.thetaAfter[0] - closed)).toBeLessThan(1e-12 * closed);
    }
    expect(crossings).toBeGreaterThan(0); // the switched-off branch was exercised
  });

  it('L = 2, mean: E[ΔΘ]/η matches the smooth term plus the units switched off by the step', () => {
    const M = 32,
      eta = 0.02,
      N = 40000;
    const { smooth, kink } = depth2Rate(2, M, M, 1);
    const r = sampleGdStepExact({ sigmaW2: 2, sigmaB2: 0, widths: [M, M], lr: eta, target: 0 }, N, new Rng(3));
    const { mean, se } = meanAndStderr(Float64Array.from(r.theta, (v, i) => (r.thetaAfter[i] - v) / eta));
    expect(Math.abs(mean - (smooth + kink))).toBeLessThan(4 * se);
    expect(Math.abs(mean - smooth)).toBeGreaterThan(10 * se); // the switched-off units are not negligible
  });
});

describe('limits and scalings', () => {
  it('ΔΘ(η)/η converges as η → 0 (tanh, common random numbers: Richardson ratio ≈ 2)', () => {
    const base: GdStepSpec = {
      sigmaW2: 2,
      sigmaB2: 0,
      widths: widthsOf(4, 16),
      activation: 'tanh',
      lr: 1,
      target: 0.5,
    };
    const N = 200;
    const rates = (eta: number) => {
      const r = sampleGdStepExact({ ...base, lr: eta }, N, new Rng(4));
      return Float64Array.from(r.theta, (v, i) => (r.thetaAfter[i] - v) / eta);
    };
    const r1 = rates(4e-3),
      r2 = rates(2e-3),
      r3 = rates(1e-3);
    // per network r(η) = r₀ + cη + O(η²), so successive differences halve (a network that were not the same
    // across η, or a step that were not smooth in η, would break this)
    let good = 0;
    for (let i = 0; i < N; i++) {
      const q = (r1[i] - r2[i]) / (r2[i] - r3[i]);
      if (q > 1.8 && q < 2.2) good++;
    }
    expect(good).toBeGreaterThan(0.85 * N); // the rest: networks whose first-order coefficient is near 0
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const q = (mean(r1) - mean(r2)) / (mean(r2) - mean(r3));
    expect(q).toBeGreaterThan(1.8);
    expect(q).toBeLessThan(2.2);
  });

  it('lazy rescale α (App. B.3): relative change at (η, α) equals that at (η/α², 1) and ≈ (1/α²)× that at (η, 1)', () => {
    const base: GdStepSpec = { sigmaW2: 1.6, sigmaB2: 0, widths: widthsOf(6, 24), lr: 0.02, target: 0.5 };
    const N = 2000;
    const one = sampleGdStepExact(base, N, new Rng(5));
    const two = sampleGdStepExact({ ...base, scale: 2 }, N, new Rng(5));
    const quarter = sampleGdStepExact({ ...base, lr: base.lr / 4 }, N, new Rng(5));
    for (let i = 0; i < N; i++) {
      expect(two.theta[i]).toBeCloseTo(4 * one.theta[i], 9);
      expect((two.thetaAfter[i] - two.theta[i]) / 4).toBeCloseTo(quarter.thetaAfter[i] - quarter.theta[i], 9);
    }
    const r1 = relativeChange(one.theta, one.thetaAfter).relativeChange;
    const r2 = relativeChange(two.theta, two.thetaAfter).relativeChange;
    // paired SE of R₁/4 − R₂ (same networks)
    const dd = Float64Array.from(
      one.theta,
      (v, i) => (one.thetaAfter[i] - v) / 4 - (two.thetaAfter[i] - two.theta[i]) / 4,
    );
    const { mean, se } = meanAndStderr(dd);
    const tBar = meanAndStderr(one.theta).mean;
    expect(Math.abs(r1.estimate / 4 - r2.estimate - mean / tBar)).toBeLessThan(1e-12);
    expect(Math.abs(mean / tBar)).toBeLessThan(4 * (se / tBar) + 1e-12);
    expect(Math.abs(r2.estimate)).toBeGreaterThan(6 * r2.stderr); // the law is tested on a change that is resolved
  });

  it('chaotic phase: measured E[|ΔΘ|] exceeds the App. A.3 expression (y = 0, small η)', () => {
    const widths = widthsOf(6, 24);
    const eta = 1e-3;
    const r = sampleGdStepExact({ sigmaW2: 2.6, sigmaB2: 0, widths, lr: eta, target: 0 }, 3000, new Rng(6));
    const bound = chaoticLowerBound(2.6, widths, eta);
    const absMean = meanAndStderr(Float64Array.from(r.theta, (v, i) => Math.abs(r.thetaAfter[i] - v)));
    expect(absMean.mean - 4 * absMean.se).toBeGreaterThan(bound.absChange);
  });
});

describe('bad input and divergence', () => {
  const ok: GdStepSpec = { sigmaW2: 2, sigmaB2: 0, widths: [4, 4], lr: 0.1, target: 0 };
  const bad: Array<[string, Partial<GdStepSpec>]> = [
    ['η = 0', { lr: 0 }],
    ['η < 0', { lr: -1 }],
    ['η NaN', { lr: NaN }],
    ['η infinite', { lr: Infinity }],
    ['target NaN', { target: NaN }],
    ['negative width', { widths: [4, -3] }],
    ['fractional width', { widths: [4, 2.5] }],
    ['σ_w² ≤ 0', { sigmaW2: 0 }],
    ['σ_b² < 0', { sigmaB2: -0.1 }],
    ['scale 0', { scale: 0 }],
    ['inputNorm ≤ 0', { inputNorm: 0 }],
    ['pairCos > 1', { pairCos: 1.5 }],
    ['unknown parametrization', { parametrization: 'mup' as 'ntk' }],
  ];
  for (const [name, patch] of bad)
    it(`${name} → RangeError (exact and dense)`, () => {
      expect(() => sampleGdStepExact({ ...ok, ...patch }, 1, new Rng(1))).toThrow(RangeError);
      expect(() => sampleGdStepDense({ ...ok, ...patch }, 1, new Rng(1))).toThrow(RangeError);
    });
  it('negative or fractional N → RangeError', () => {
    expect(() => sampleGdStepExact(ok, -1, new Rng(1))).toThrow(RangeError);
    expect(() => sampleGdStepExact(ok, 1.5, new Rng(1))).toThrow(RangeError);
  });

  it('a huge η in the chaotic phase: dense counts it as diverged; exact (ReLU) keeps it as logs; never NaN', () => {
    const spec: GdStepSpec = { sigmaW2: 3, sigmaB2: 0, widths: widthsOf(12, 16), lr: 1e300, target: 1, pairCos: 0.3 };
    const dense = sampleGdStepDense(spec, 40, new Rng(7));
    expect(dense.diverged).toBeGreaterThan(0);
    expect(dense.theta.length).toBe(40 - dense.diverged);
    for (const arr of [dense.theta, dense.thetaAfter, dense.thetaOff!, dense.thetaOffAfter!])
      for (const v of arr) expect(Number.isFinite(v)).toBe(true);
    const exact = sampleGdStepExact(spec, 40, new Rng(7));
    expect(exact.diverged).toBe(0);
    const beyond = exact.thetaAfter.filter((v) => !Number.isFinite(v)).length;
    expect(beyond).toBeGreaterThan(0); // Θ′ left float64: +∞ in the plain array, finite in the logs
    for (const arr of [exact.theta, exact.thetaAfter, exact.thetaOff!, exact.thetaOffAfter!])
      for (const v of arr) expect(Number.isNaN(v)).toBe(false);
    const { logs } = exact;
    for (const arr of [logs!.theta, logs!.thetaAfter, logs!.absDelta, logs!.off!.theta, logs!.off!.absDelta])
      for (const v of arr) expect(Number.isFinite(v)).toBe(true);
  });
});
