import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import {
  chaoticLowerBound,
  gdStepLimit,
  lazyRescaledRelativeChange,
  lazyScaleForDepth,
  learningRateScale,
  orderedUpperBoundScaling,
} from './gd-step';
import { reluExactMoments } from './relu-exact-moments';

describe('Thm 4.1 limits, scalings and the lazy rescale', () => {
  it('tags the limits by phase and says the EOC is not stated', () => {
    expect(gdStepLimit(2.5)).toMatchObject({ kind: 'limit', value: Infinity });
    expect(gdStepLimit(1.0)).toMatchObject({ kind: 'limit', value: 0 });
    expect(gdStepLimit(2).kind).toBe('not-stated');
  });

  it('η = O(a^{−L}) and α ∝ a^{L/2}, with finite logs where the factors leave float64', () => {
    expect(learningRateScale(4, 10).factor).toBeCloseTo(2 ** -10, 15);
    expect(learningRateScale(1, 3).factor).toBeCloseTo(8, 12);
    const deep = learningRateScale(4, 5000);
    expect(deep.factor).toBe(0);
    expect(deep.log).toBeCloseTo(-5000 * Math.LN2, 8);
    expect(lazyScaleForDepth(4, 10).factor).toBeCloseTo(32, 10);
    expect(lazyRescaledRelativeChange(0.8, 2)).toBeCloseTo(0.2, 15);
    expect(lazyRescaledRelativeChange(0.8, -2)).toBeCloseTo(0.2, 15);
  });

  it('ordered upper-bound scaling η a^{2L} L² falls with depth', () => {
    const a = orderedUpperBoundScaling(1.5, 10, 0.1).logScale,
      b = orderedUpperBoundScaling(1.5, 100, 0.1).logScale;
    expect(a).toBeCloseTo(Math.log(0.1) + 20 * Math.log(0.75) + 2 * Math.log(10), 12);
    expect(b).toBeLessThan(a);
  });

  it('rejects bad input with a RangeError', () => {
    expect(() => gdStepLimit(NaN)).toThrow(RangeError);
    expect(() => gdStepLimit(-1)).toThrow(RangeError);
    expect(() => learningRateScale(2, 0)).toThrow(RangeError);
    expect(() => learningRateScale(2, 2.5)).toThrow(RangeError);
    expect(() => lazyRescaledRelativeChange(0.1, 0)).toThrow(RangeError);
    expect(() => lazyRescaledRelativeChange(NaN, 1)).toThrow(RangeError);
    expect(() => orderedUpperBoundScaling(2.5, 10, 0.1)).toThrow(RangeError);
    expect(() => chaoticLowerBound(2.5, [10, 10], 0)).toThrow(RangeError);
    expect(() => chaoticLowerBound(2.5, [10], 0.1)).toThrow(RangeError);
    expect(() => chaoticLowerBound(2.5, [10, -2], 0.1)).toThrow(RangeError);
  });
});

describe('chaoticLowerBound: the exact expectation 2η E[f² Σ_ℓ ‖δ_{ℓ+1}‖²(‖x_{ℓ−1}‖² + 1)]', () => {
  it('L = 2 by hand: 2η·2·E[f²] with E[f²] = σ_w⁴/(2n₀)', () => {
    const b = chaoticLowerBound(3, [7, 11], 0.1);
    expect(b.absChange).toBeCloseTo(2 * 0.1 * 2 * (9 / 14), 12);
    expect(b.logRelAbsChange).toBeCloseTo(b.logAbsChange - reluExactMoments(3, [7, 11]).logMeanTheta, 12);
  });

  it('matches a Monte-Carlo of explicit tiny ReLU networks (dead layers included)', () => {
    for (const [sigmaW2, widths, seed] of [
      [2.5, [5, 4, 6, 3], 1],
      [3, [8, 8, 8], 2],
    ] as const) {
      const L = widths.length,
        dims = [...widths, 1];
      const rng = new Rng(seed);
      const N = 25000;
      let s = 0,
        ss = 0;
      const W = dims.map((d, l) => (l === 0 ? new Float64Array(0) : new Float64Array(d * dims[l - 1])));
      for (let t = 0; t < N; t++) {
        for (let l = 1; l <= L; l++) rng.fillNormal(W[l], Math.sqrt(sigmaW2 / dims[l - 1]));
        const xs: Float64Array[] = [Float64Array.from({ length: dims[0] }, (_, j) => (j === 0 ? 1 : 0))];
        const hs: Float64Array[] = [new Float64Array(0)];
        for (let l = 1; l <= L; l++) {
          const h = new Float64Array(dims[l]);
          for (let i = 0; i < dims[l]; i++)
            for (let j = 0; j < dims[l - 1]; j++) h[i] += W[l][i * dims[l - 1] + j] * xs[l - 1][j];
          hs.push(h);
          xs.push(h.map((v) => (v > 0 ? v : 0)));
        }
        const f = hs[L][0];
        const ds: Float64Array[] = new Array(L + 1);
        ds[L] = Float64Array.of(1);
        for (let l = L - 1; l >= 1; l--) {
          const d = new Float64Array(dims[l]);
          for (let i = 0; i < dims[l + 1]; i++)
            for (let j = 0; j < dims[l]; j++) d[j] += W[l + 1][i * dims[l] + j] * ds[l + 1][i];
          ds[l] = d.map((v, j) => (hs[l][j] > 0 ? v : 0));
        }
        const sq = (v: Float64Array) => v.reduce((a, b) => a + b * b, 0);
        let tot = 0;
        for (let l = 1; l < L; l++) tot += f * f * sq(ds[l + 1]) * (sq(xs[l - 1]) + 1);
        s += 2 * tot;
        ss += 4 * tot * tot;
      }
      const mean = s / N,
        se = Math.sqrt((ss / N - mean * mean) / N);
      expect(Math.abs(chaoticLowerBound(sigmaW2, widths, 1).absChange - mean)).toBeLessThan(4 * se);
    }
  });

  it('grows without bound relative to E[Θ] in the chaotic phase at fixed λ (Thm 4.1) and falls in the ordered phase', () => {
    const rel = (s2: number, M: number) =>
      chaoticLowerBound(s2, [M, ...new Array<number>(M / 2 - 1).fill(M)], 0.01).logRelAbsChange; // λ = ½
    expect(rel(2.5, 200)).toBeGreaterThan(rel(2.5, 100) + 5);
    expect(rel(1.5, 200)).toBeLessThan(rel(1.5, 100) - 5);
  });
});
