import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { topShareOfSquares } from './tail';

describe('topShareOfSquares', () => {
  it('exact values on constructed samples', () => {
    const flat = new Array(500).fill(3);
    expect(topShareOfSquares(flat)).toBeCloseTo(5 / 500, 12); // 1 % of 500 = 5 equal values
    const spike = [...new Array(99).fill(1), 10]; // the largest 1 % (one value) carries 100/199
    expect(topShareOfSquares(spike)).toBeCloseTo(100 / 199, 12);
    expect(topShareOfSquares([-10, ...new Array(99).fill(1)])).toBeCloseTo(100 / 199, 12); // by |θ|
    expect(topShareOfSquares([1, 2, 3, 4], 0.5)).toBeCloseTo(25 / 30, 12);
  });

  it('agrees with a full sort on random data (quickselect check)', () => {
    const rng = new Rng(81);
    for (const n of [1, 7, 150, 10_001]) {
      const x = Float64Array.from({ length: n }, () => Math.exp(2 * rng.normal()));
      const sq = Array.from(x, (v) => v * v).sort((a, b) => b - a);
      const k = Math.max(1, Math.round(0.01 * n));
      const want = sq.slice(0, k).reduce((a, b) => a + b, 0) / sq.reduce((a, b) => a + b, 0);
      expect(topShareOfSquares(x)).toBeCloseTo(want, 12);
    }
  });

  it('light tails stay near the fraction, heavy tails do not (exponential vs lognormal(0, 2))', () => {
    const rng = new Rng(82);
    const exp = Float64Array.from({ length: 20_000 }, () => -Math.log(rng.uniformOpen()));
    const heavy = Float64Array.from({ length: 20_000 }, () => Math.exp(2 * rng.normal()));
    // Exponential: E[θ²; θ > q]/E[θ²] = e^{−q}(q² + 2q + 2)/2 at the 99 % quantile q = ln 100 (≈ 0.162)
    const q = Math.log(100);
    expect(Math.abs(topShareOfSquares(exp) - (Math.exp(-q) * (q * q + 2 * q + 2)) / 2)).toBeLessThan(0.02);
    expect(topShareOfSquares(heavy)).toBeGreaterThan(0.5);
  });

  it('refuses empty or non-finite input and bad fractions', () => {
    expect(() => topShareOfSquares([])).toThrow(RangeError);
    expect(() => topShareOfSquares([1, Number.NaN])).toThrow(RangeError);
    expect(() => topShareOfSquares([0, 0])).toThrow(RangeError);
    expect(() => topShareOfSquares([1, 2], 0)).toThrow(RangeError);
    expect(() => topShareOfSquares([1, 2], 1.5)).toThrow(RangeError);
  });
});
