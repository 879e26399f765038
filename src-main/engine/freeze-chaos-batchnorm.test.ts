import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import { constantMode } from '../../src-shared/theory/freeze-chaos/gram';
import { makeNonlinearity } from '../../src-shared/theory/freeze-chaos/nonlinearity';
import { freezeChaosPoint } from '../../src-shared/theory/freeze-chaos/recursion';
import {
  batchNormGram,
  batchNormJacobian,
  batchNormParameters,
  circleInputs,
  type BatchNormNetwork,
} from './freeze-chaos-batchnorm';

const relu = makeNonlinearity('relu', 'standardized');
const tanh = makeNonlinearity('tanh', 'normalized');
const net = (over: Partial<BatchNormNetwork> = {}): BatchNormNetwork => ({
  sigma: relu.sigma,
  dsigma: relu.dsigma,
  beta: 0.1,
  depth: 3,
  width: 32,
  placement: 'last',
  ...over,
});

describe('post-nonlinearity batch norm (Jacot et al. 2019, Sec. 5.1)', () => {
  it('the Jacobian through the batch statistics matches central finite differences', () => {
    const spec = net({ sigma: tanh.sigma, dsigma: tanh.dsigma, width: 6, placement: 'every', beta: 0.4 });
    const x = circleInputs(5);
    const theta = batchNormParameters(spec, 2, new Rng(3));
    const { jacobian, parameters: P } = batchNormJacobian(spec, x, 2, theta);
    const h = 1e-6;
    for (const p of [0, 7, 20, 41, 47, 60, P - 7, P - 1]) {
      const plus = theta.slice();
      const minus = theta.slice();
      plus[p] += h;
      minus[p] -= h;
      const fp = batchNormJacobian(spec, x, 2, plus).outputs;
      const fm = batchNormJacobian(spec, x, 2, minus).outputs;
      for (let i = 0; i < 5; i++) expect(jacobian[i * P + p]).toBeCloseTo((fp[i] - fm[i]) / (2 * h), 7);
    }
  });

  it('Lemma 1 with the factor N: Σ_i Θ(x_j, x_i) = Nβ² to 1e-10 at two widths, BN last or every layer', () => {
    const N = 12;
    for (const width of [16, 96])
      for (const placement of ['last', 'every'] as const)
        for (const beta of [0.1, 0.5]) {
          const gram = batchNormGram(net({ width, placement, beta }), circleInputs(N), 2, new Rng(width));
          const cm = constantMode(gram, N);
          for (const s of cm.rowSums) expect(Math.abs(s - N * beta * beta)).toBeLessThan(1e-10);
          // 1 is an exact eigenvector with eigenvalue Nβ²
          expect(cm.constantOverlap).toBeCloseTo(1, 10);
          expect(cm.constantEigenvalue).toBeCloseTo(N * beta * beta, 10);
          expect(cm.rayleigh).toBeCloseTo(N * beta * beta, 10);
        }
  });

  it('without batch norm the row sums are not Nβ² and the top eigenvector is close to constant (freeze)', () => {
    const N = 12;
    const gram = batchNormGram(net({ placement: 'none', width: 64 }), circleInputs(N), 2, new Rng(5));
    const cm = constantMode(gram, N);
    expect(Math.min(...cm.rowSums)).toBeGreaterThan(10 * N * 0.01);
    expect(cm.topOverlap).toBeGreaterThan(0.9);
  });

  it('without batch norm the dense Gram agrees with the recursion: E Θ(x,x) = Σ r^{L−ℓ}, E Θ(x,y) (SE + O(L/M))', () => {
    const spec = { activation: 'relu', nonlinearity: 'normalized', beta: 0.3 } as const;
    const nl = makeNonlinearity(spec.activation, spec.nonlinearity);
    const x = new Float64Array([Math.SQRT2, 0, Math.SQRT2 * 0.5, Math.SQRT2 * Math.sqrt(0.75)]); // ρ = 0.5
    const depth = 3;
    const width = 64;
    const rng = new Rng(9);
    const n = 300;
    let sd = 0,
      sdd = 0,
      so = 0,
      soo = 0;
    for (let s = 0; s < n; s++) {
      const g = batchNormGram(
        net({ sigma: nl.sigma, dsigma: nl.dsigma, beta: 0.3, depth, width, placement: 'none' }),
        x,
        2,
        rng,
      );
      sd += g[0];
      sdd += g[0] * g[0];
      so += g[1];
      soo += g[1] * g[1];
    }
    const theory = freezeChaosPoint(spec, depth, 0.5);
    const se = (s: number, ss: number) => Math.sqrt((ss / n - (s / n) ** 2) / (n - 1));
    expect(Math.abs(sd / n - theory.thetaDiag)).toBeLessThan(4 * se(sd, sdd) + (depth / width) * theory.thetaDiag);
    expect(Math.abs(so / n - theory.theta)).toBeLessThan(4 * se(so, soo) + (depth / width) * theory.thetaDiag);
  });

  it('bad input names the field', () => {
    const x = circleInputs(4);
    expect(() => batchNormGram(net({ depth: 1 }), x, 2, new Rng(1))).toThrow(/^depth: /);
    expect(() => batchNormGram(net({ beta: -1 }), x, 2, new Rng(1))).toThrow(/^beta: /);
    expect(() => batchNormGram(net({ width: 0 }), x, 2, new Rng(1))).toThrow(/^width: /);
    expect(() => batchNormGram(net({ epsilon: 0 }), x, 2, new Rng(1))).toThrow(/^epsilon: /);
    expect(() => circleInputs(1)).toThrow(/^points: /);
  });
});
