// Measured Q/C trajectories against the predicted maps (Martens et al. 2021 (DKS), Sec. 6–7) within 4 SE plus an
// O(l/M) finite-width allowance (the ratio c_l of norms is biased at order 1/M per layer), and the lazy-Gaussian
// sampler against the dense reference (two samplers, one law) within 4 SE of their difference. Fixed seeds.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import { dispersionEstimate } from '../../src-shared/stats/ratio-estimator';
import { deltaMethodStderr, meanWithStderr, normalizeForDispersion } from '../../src-shared/stats/summary';
import { chainMap, chainNtk, getDksActivation, solveDks, transformActivation } from '../../src-shared/theory/dks';
import { sampleChainDense, sampleChainLazy, sampleChainNtk, type ChainMeasurement } from './dks-measured';
import { LazyNtkSampler } from './lazy-gaussian';

const act = getDksActivation('softplus');
const D = 10;
const zeta = 1.5;
const hat = transformActivation(act, solveDks(act, zeta ** (1 / D)).roots[0]);

function expectNearPrediction(m: ChainMeasurement, predQ: ArrayLike<number>, predC: ArrayLike<number>): void {
  for (let l = 1; l <= m.depth; l++) {
    const allowance = l / m.width;
    expect(Math.abs(m.c.mean[l - 1] - predC[l])).toBeLessThanOrEqual(4 * m.c.se[l - 1] + allowance);
    expect(Math.abs(m.q.mean[l - 1] - predQ[l])).toBeLessThanOrEqual(4 * m.q.se[l - 1] + allowance);
  }
}

describe('measured Q/C trajectories', () => {
  it('follow the predicted maps of the DKS-transformed softplus (q stays at 1)', () => {
    const c0 = 0.5;
    const pred = chainMap(hat, [c0], D);
    const m = sampleChainLazy({ phi: hat.phi, width: 400, depth: D, cos: c0, samples: 300, seed: 11 });
    expectNearPrediction(m, pred.q, pred.c);
    for (let l = 1; l <= D; l++) expect(pred.q[l]).toBeCloseTo(1, 9);
    // the SEs are real: at this width and N they are 1e-3 – 1e-2, not 0
    expect(m.c.se[D - 1]).toBeGreaterThan(1e-4);
    expect(m.c.se[D - 1]).toBeLessThan(2e-2);
  });

  it('follow the maps of the untransformed ReLU chain (q halves each layer, eq. (15) for C)', () => {
    const relu = getDksActivation('relu');
    const c0 = -0.3;
    const pred = chainMap(relu, [c0], 6);
    const m = sampleChainLazy({ phi: relu.phi, width: 300, depth: 6, cos: c0, samples: 300, seed: 5 });
    expect(pred.q[6]).toBeCloseTo(2 ** -6, 12);
    // q shrinks geometrically, so its allowance is relative: compare q_l·2^l with 1
    const scaledQ = Array.from(pred.q, (_, l) => pred.q[l] * 2 ** l);
    const scaled: ChainMeasurement = {
      ...m,
      q: { mean: m.q.mean.map((v, l) => v * 2 ** (l + 1)), se: m.q.se.map((v, l) => v * 2 ** (l + 1)) },
    };
    expectNearPrediction(scaled, scaledQ, pred.c);
  });

  it('are the same law in the lazy and the dense sampler', () => {
    const p = { phi: hat.phi, width: 48, depth: 5, cos: 0.2, samples: 200 };
    const lazy = sampleChainLazy({ ...p, seed: 1 });
    const dense = sampleChainDense({ ...p, seed: 2 });
    for (let l = 0; l < p.depth; l++) {
      const seC = Math.hypot(lazy.c.se[l], dense.c.se[l]);
      const seQ = Math.hypot(lazy.q.se[l], dense.q.se[l]);
      expect(Math.abs(lazy.c.mean[l] - dense.c.mean[l])).toBeLessThanOrEqual(4 * seC);
      expect(Math.abs(lazy.q.mean[l] - dense.q.mean[l])).toBeLessThanOrEqual(4 * seQ);
    }
  });

  it('reproduce themselves from the seed and reject bad parameters by name', () => {
    const p = { phi: hat.phi, width: 20, depth: 3, cos: 0.9, samples: 10, seed: 3 };
    expect(sampleChainLazy(p).c.mean).toEqual(sampleChainLazy(p).c.mean);
    expect(() => sampleChainLazy({ ...p, width: 0 })).toThrow(/width/);
    expect(() => sampleChainLazy({ ...p, depth: 0 })).toThrow(/depth/);
    expect(() => sampleChainLazy({ ...p, cos: 1.5 })).toThrow(/cos/);
    expect(() => sampleChainDense({ ...p, samples: 1 })).toThrow(/samples/);
  });
});

describe('measured NTK of the chain with φ̂', () => {
  // the NTK dispersion E[Θ²]/E[Θ]² and Θ's mean against the infinite-width recursion (theory/dks/ntk.ts), ± SE
  const summary = (t: Float64Array) => {
    const n = t.length;
    const norm = normalizeForDispersion(t);
    return {
      mean: meanWithStderr(t),
      dispersion: { estimate: dispersionEstimate(t), stderr: deltaMethodStderr(norm) },
      n,
    };
  };

  it('E[Θ] → Θ∞ = Σ ψ^j and E[Θ²]/E[Θ]² → 1 within 4 SE + O(D/M); the excess shrinks with width', () => {
    const predicted = chainNtk(hat, D)[D];
    expect(predicted).toBeCloseTo((zeta ** ((D + 1) / D) - 1) / (zeta ** (1 / D) - 1), 8);
    const excess: number[] = [];
    for (const [width, seed] of [
      [32, 3],
      [512, 4],
    ]) {
      const s = summary(sampleChainNtk(hat, width, D, new Rng(seed, 0), 600));
      expect(Math.abs(s.mean.estimate / predicted - 1)).toBeLessThanOrEqual(
        (4 * s.mean.stderr) / predicted + (2 * D) / width,
      );
      // finite-width allowance e^{5D/M} − 1: the ReLU rate of Hanin & Nica 2019 as an envelope (φ̂'s is ~2.5)
      expect(Math.abs(s.dispersion.estimate - 1)).toBeLessThanOrEqual(
        4 * s.dispersion.stderr + Math.expm1((5 * D) / width),
      );
      // the SE is real, not 0
      expect(s.dispersion.stderr).toBeGreaterThan(1e-4);
      excess.push(s.dispersion.estimate - 1);
    }
    // at D/M = 0.3 the finite-width excess is visible, at D/M = 0.02 it is (at least) 4× smaller
    expect(excess[0]).toBeGreaterThan(0.02);
    expect(Math.abs(excess[1])).toBeLessThan(excess[0] / 4);
  });

  it('passes φ̂ through the lazy sampler exactly: registry tanh and the same functions as ops agree bit for bit', () => {
    const tanh = getDksActivation('tanh');
    const viaOps = sampleChainNtk(tanh, 16, 5, new Rng(9, 0), 20);
    const sampler = new LazyNtkSampler(
      { sigmaW2: 1, sigmaB2: 0, widths: [1, 16, 16, 16, 16, 16], parametrization: 'ntk', activation: 'tanh' },
      [1],
    );
    const rng = new Rng(9, 0);
    const viaRegistry = Float64Array.from({ length: 20 }, () => sampler.sample(rng)[0]);
    expect(Array.from(viaOps)).toEqual(Array.from(viaRegistry));
  });
});
