import { describe, expect, it } from 'vitest';
import { measureParamsSchema, type MeasureParamsInput } from '../../src-shared/contract/measure';
import { Rng } from '../../src-shared/rng';
import { sampleExactDiagonal } from './exact-diagonal';
import { checkFeasible, routeOf, runBlock } from './sample-block';

const params = (p: Partial<MeasureParamsInput>) =>
  measureParamsSchema.parse({ sigmaW2: 2, depth: 10, width: 20, inputDim: 20, samples: 1000, seed: 7, ...p });

describe('runBlock', () => {
  it('is deterministic: the same (params, block) gives identical arrays, other blocks differ', () => {
    for (const p of [params({}), params({ method: 'dense', pairCos: 0.5 }), params({ sigmaB2: 0.1, pairCos: 0.5 })]) {
      const a = runBlock(p, 3, 40),
        b = runBlock(p, 3, 40),
        c = runBlock(p, 4, 40);
      expect(Array.from(a.theta)).toEqual(Array.from(b.theta));
      expect(a.thetaOff ? Array.from(a.thetaOff) : undefined).toEqual(b.thetaOff ? Array.from(b.thetaOff) : undefined);
      expect(Array.from(c.theta)).not.toEqual(Array.from(a.theta));
    }
  });

  it('routes: exact diagonal for σ_b² = 0 and one input (block b = stream b of the seed), lazy Gaussian otherwise, dense on request', () => {
    const p = params({});
    expect(routeOf(p)).toBe('exact-diagonal');
    expect(Array.from(runBlock(p, 2, 25).theta)).toEqual(
      Array.from(sampleExactDiagonal(2, [20, ...new Array(9).fill(20)], 25, new Rng(7, 2))),
    );
    expect(routeOf(params({ sigmaB2: 0.5 }))).toBe('lazy-gaussian');
    expect(routeOf(params({ pairCos: 0.2 }))).toBe('lazy-gaussian');
    expect(routeOf(params({ method: 'dense' }))).toBe('dense');
    const pair = runBlock(params({ pairCos: 0.2 }), 0, 30);
    expect(pair.theta.length).toBe(30);
    expect(pair.thetaOff?.length).toBe(30);
    expect(runBlock(params({ method: 'dense' }), 0, 5).thetaOff).toBeUndefined();
  });

  it('refuses bad block indices and counts', () => {
    expect(() => runBlock(params({}), -1, 5)).toThrow(RangeError);
    expect(() => runBlock(params({}), 0, 2.5)).toThrow(RangeError);
  });
});

describe('checkFeasible', () => {
  it('accepts ordinary measurements', () => {
    expect(checkFeasible(params({}))).toEqual({ ok: true });
    expect(checkFeasible(params({ method: 'dense', samples: 500 }))).toEqual({ ok: true });
    expect(checkFeasible(params({ sigmaW2: 4, depth: 900, width: 1000, inputDim: 1000, samples: 10_000 }))).toEqual({
      ok: true,
    }); // E[Θ] ≈ 1e276
  });

  it('refuses exact runs whose Θ leaves float64, saying so', () => {
    const r = checkFeasible(params({ sigmaW2: 4, depth: 2000, width: 1000, inputDim: 1000 }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/float64/);
  });

  it('refuses absurd dense runs with the time or memory estimate in the message', () => {
    const slow = checkFeasible(params({ method: 'dense', depth: 100, width: 1000, inputDim: 1000, samples: 100_000 }));
    expect(slow.ok).toBe(false);
    if (!slow.ok) expect(slow.reason).toMatch(/would take about [\d.]+ (h|days)/);
    const big = checkFeasible(params({ method: 'dense', depth: 10, width: 100_000, inputDim: 100_000, samples: 10 }));
    expect(big.ok).toBe(false);
    if (!big.ok) expect(big.reason).toMatch(/[\d.]+ GiB/);
  });

  it('refuses fewer than 3 samples (no dispersion estimate), in the contract and in checkFeasible', () => {
    expect(() => params({ samples: 2 })).toThrow(/≥ 3/);
    expect(checkFeasible({ ...params({}), samples: 2 }).ok).toBe(false);
  });
});
