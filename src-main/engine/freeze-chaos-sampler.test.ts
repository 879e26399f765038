import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import { freezeChaosModel, freezeChaosPoint, type FreezeChaosSpec } from '../../src-shared/theory/freeze-chaos/index';
import { FreezeChaosPairSampler, measureFreezeChaos } from './freeze-chaos-sampler';

function network(spec: FreezeChaosSpec, depth: number, width: number, cos: number) {
  const m = freezeChaosModel(spec);
  return { sigma: m.nl.sigma, dsigma: m.nl.dsigma, sigmaDsigma: m.nl.sigmaDsigma, beta: spec.beta, depth, width, cos };
}

describe('finite-width NTK on the β line (Jacot et al. 2019, Sec. 2.1) against the infinite-width recursion', () => {
  it('depth 1 is deterministic: Θ = Σ^{(1)} = β² + (1 − β²)ρ, Θ(x,x) = 1', () => {
    const s = new FreezeChaosPairSampler(
      network({ activation: 'tanh', nonlinearity: 'normalized', beta: 0.4 }, 1, 10, -0.3),
      new Rng(1),
    );
    const out = new Float64Array(3);
    s.sample(out);
    expect(out[0]).toBeCloseTo(1, 14);
    expect(out[1]).toBeCloseTo(1, 14);
    expect(out[2]).toBeCloseTo(0.16 + 0.84 * -0.3, 14);
  });

  // Finite width biases E[ϑ] and E[Θ(x,x)] by O(L/M) (measured ≈ 0.15·L/M for ϑ here); the tolerance is 4 standard
  // errors plus that order, L/(2M) for ϑ and L/M relative for Θ(x,x), and the error must shrink from M = 64 to 512.
  for (const [spec, depth, cos] of [
    [{ activation: 'relu', nonlinearity: 'normalized', beta: 0.3 }, 4, 0.3],
    [{ activation: 'tanh', nonlinearity: 'standardized', beta: 0.5 }, 4, -0.5],
  ] as const) {
    it(`${spec.nonlinearity} ${spec.activation}, β = ${spec.beta}, L = ${depth}, ρ = ${cos}: within SE + O(L/M)`, () => {
      const theory = freezeChaosPoint(spec, depth, cos);
      const errs: number[] = [];
      for (const [width, seed] of [
        [64, 11],
        [512, 12],
      ]) {
        const m = measureFreezeChaos(network(spec, depth, width, cos), 1000, seed);
        const err = Math.abs(m.vartheta.estimate - theory.vartheta);
        expect(err).toBeLessThan(4 * m.vartheta.stderr + depth / (2 * width));
        expect(Math.abs(m.thetaDiag.estimate - theory.thetaDiag)).toBeLessThan(
          4 * m.thetaDiag.stderr + (depth / width) * theory.thetaDiag,
        );
        errs.push(err);
      }
      expect(errs[1]).toBeLessThan(errs[0]);
    });
  }

  it('same seed, same numbers; bad input names the field', () => {
    const net = network({ activation: 'relu', nonlinearity: 'standardized', beta: 0.1 }, 3, 16, 0.2);
    expect(measureFreezeChaos(net, 20, 5)).toEqual(measureFreezeChaos(net, 20, 5));
    expect(() => measureFreezeChaos({ ...net, beta: 2 }, 20, 5)).toThrow(/^beta: /);
    expect(() => measureFreezeChaos({ ...net, width: 0 }, 20, 5)).toThrow(/^width: /);
    expect(() => measureFreezeChaos({ ...net, depth: 1.5 }, 20, 5)).toThrow(/^depth: /);
    expect(() => measureFreezeChaos({ ...net, cos: -1.1 }, 20, 5)).toThrow(/^cos: /);
    expect(() => measureFreezeChaos(net, 1, 5)).toThrow(/^samples: /);
    expect(() => measureFreezeChaos(net, 20, -1)).toThrow(/^seed: /);
  });
});
