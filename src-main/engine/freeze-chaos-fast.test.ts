import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import { ksCritical, ksTwoSample } from '../../src-shared/stats/goodness-of-fit';
import { freezeChaosModel, freezeChaosPoint, type FreezeChaosSpec } from '../../src-shared/theory/freeze-chaos/index';
import { FreezeChaosFastSampler, inlineFor } from './freeze-chaos-fast';
import { runFreezeChaosBlock } from './freeze-chaos-block';
import { FreezeChaosPairSampler, type FreezeChaosNetwork, type FreezeChaosSampler } from './freeze-chaos-sampler';

function network(spec: FreezeChaosSpec, depth: number, width: number, cos: number, inline = false): FreezeChaosNetwork {
  const { nl } = freezeChaosModel(spec);
  return {
    sigma: nl.sigma,
    dsigma: nl.dsigma,
    sigmaDsigma: nl.sigmaDsigma,
    inline: inline ? inlineFor(nl) : undefined,
    beta: spec.beta,
    depth,
    width,
    cos,
  };
}

/** Per-network ϑ and Θ(x,x) of n networks. */
function draw(s: FreezeChaosSampler, n: number): { vartheta: Float64Array; diag: Float64Array } {
  const out = new Float64Array(3);
  const vartheta = new Float64Array(n);
  const diag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s.sample(out);
    vartheta[i] = out[2] / Math.sqrt(out[0] * out[1]);
    diag[i] = out[0];
  }
  return { vartheta, diag };
}

function meanSe(a: Float64Array): [number, number] {
  let s = 0,
    ss = 0;
  for (const v of a) s += v;
  const m = s / a.length;
  for (const v of a) ss += (v - m) ** 2;
  return [m, Math.sqrt(ss / (a.length - 1) / a.length)];
}

describe('closed-form freeze/chaos sampler (Jacot et al. 2019, Sec. 2.1) against the generic lazy sampler', () => {
  it('depth 1 is deterministic: Θ = β² + (1 − β²)ρ, Θ(x,x) = 1', () => {
    const out = new Float64Array(3);
    new FreezeChaosFastSampler(network({ activation: 'tanh', nonlinearity: 'normalized', beta: 0.4 }, 1, 8, -0.3), new Rng(1)).sample(out); // prettier-ignore
    expect(out[0]).toBeCloseTo(1, 14);
    expect(out[1]).toBeCloseTo(1, 14);
    expect(out[2]).toBeCloseTo(0.16 + 0.84 * -0.3, 14);
  });

  // Same law: per-network ϑ and Θ(x,x) pass a two-sample KS test (α = 0.001) and the means agree within 4 SE of the
  // difference. The cases cover the inlined ReLU and tanh, a σ through the generic call (erf), β = 0 and ρ = ±1
  // (the second input in the span of the first: the degenerate branch of every formula; ρ = 1 gives ϑ = 1).
  const cases: Array<[FreezeChaosSpec, number, number, number]> = [
    [{ activation: 'relu', nonlinearity: 'normalized', beta: 0.3 }, 5, 24, 0.4],
    [{ activation: 'tanh', nonlinearity: 'standardized', beta: 0.5 }, 4, 16, -0.6],
    [{ activation: 'erf', nonlinearity: 'normalized', beta: 0 }, 3, 12, 0.2],
    [{ activation: 'relu', nonlinearity: 'standardized', beta: 0.2 }, 4, 8, 1],
    [{ activation: 'tanh', nonlinearity: 'normalized', beta: 0.1 }, 3, 8, -1],
  ];
  for (const [spec, depth, width, cos] of cases) {
    it(`${spec.nonlinearity} ${spec.activation}, β = ${spec.beta}, L = ${depth}, M = ${width}, ρ = ${cos}`, () => {
      const n = 1500;
      const fast = draw(new FreezeChaosFastSampler(network(spec, depth, width, cos, true), new Rng(21)), n);
      const ref = draw(new FreezeChaosPairSampler(network(spec, depth, width, cos), new Rng(22)), n);
      const crit = ksCritical(n, n, 0.001);
      for (const key of ['vartheta', 'diag'] as const) {
        const [mf, sf] = meanSe(fast[key]);
        const [mr, sr] = meanSe(ref[key]);
        expect(Math.abs(mf - mr)).toBeLessThanOrEqual(4 * Math.hypot(sf, sr) + 1e-12);
        if (sf + sr > 1e-9) expect(ksTwoSample(fast[key], ref[key])).toBeLessThan(crit);
      }
      // y = x gives ϑ = 1 (not so for ρ = −1: the biases are shared)
      if (cos === 1) for (const v of fast.vartheta) expect(v).toBeCloseTo(1, 9);
    });
  }

  it('inlined ReLU is bit-identical to the generic call; inlined tanh agrees to 1e-12', () => {
    for (const activation of ['relu', 'tanh']) {
      const spec = { activation, nonlinearity: 'normalized', beta: 0.3 } as const;
      const a = draw(new FreezeChaosFastSampler(network(spec, 6, 32, 0.5, true), new Rng(3)), 50);
      const b = draw(new FreezeChaosFastSampler(network(spec, 6, 32, 0.5, false), new Rng(3)), 50);
      for (let i = 0; i < 50; i++) {
        if (activation === 'relu') expect(a.diag[i]).toBe(b.diag[i]);
        expect(Math.abs(a.vartheta[i] - b.vartheta[i])).toBeLessThan(1e-12);
        expect(Math.abs(a.diag[i] / b.diag[i] - 1)).toBeLessThan(1e-12);
      }
    }
  });

  // Against the infinite-width recursion through the pool's block runner: within 4 SE + O(L/M), error shrinking in M.
  it('block runner: ϑ and Θ(x,x) converge to the recursion as M grows (normalized tanh, β = 0.3, L = 6)', () => {
    const spec = { activation: 'tanh', nonlinearity: 'normalized', beta: 0.3 } as const;
    const theory = freezeChaosPoint(spec, 6, 0.3);
    const errs: number[] = [];
    for (const width of [32, 512]) {
      const base = { ...spec, depth: 6, width, cos: 0.3, samples: 600, seed: 7 };
      const { theta, thetaOff } = runFreezeChaosBlock(base, 0, 600);
      const [v, sv] = meanSe(thetaOff as Float64Array);
      const [d, sd] = meanSe(theta as Float64Array);
      expect(Math.abs(v - theory.vartheta)).toBeLessThan(4 * sv + 6 / (2 * width));
      expect(Math.abs(d - theory.thetaDiag)).toBeLessThan(4 * sd + (6 / width) * theory.thetaDiag);
      errs.push(Math.abs(v - theory.vartheta));
    }
    expect(errs[1]).toBeLessThan(errs[0]);
  });

  it('bad input names the field', () => {
    const net = network({ activation: 'relu', nonlinearity: 'standardized', beta: 0.1 }, 3, 16, 0.2);
    expect(() => new FreezeChaosFastSampler({ ...net, beta: -0.1 }, new Rng(1))).toThrow(/^beta: /);
    expect(() => new FreezeChaosFastSampler({ ...net, width: 2.5 }, new Rng(1))).toThrow(/^width: /);
    expect(() => new FreezeChaosFastSampler({ ...net, cos: NaN }, new Rng(1))).toThrow(/^cos: /);
    expect(() => new FreezeChaosFastSampler({ ...net, width: 1 << 20, depth: 100 }, new Rng(1))).toThrow(/^width: /);
  });
});
