import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { bootstrapStderr } from './bootstrap';

const mean = (s: Float64Array) => {
  let t = 0;
  for (let i = 0; i < s.length; i++) t += s[i];
  return t / s.length;
};

describe('bootstrapStderr', () => {
  for (const n of [1000, 70_000]) {
    // 70 000 > 2¹⁶ takes the 32-bit index path
    it(`SE of the mean matches the exact bootstrap value s·√((N−1)/N)/√N (N = ${n})`, () => {
      const rng = new Rng(71, n);
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = Math.exp(rng.normal()); // skewed, so a wrong resampling shows
      const m = mean(x);
      let ss = 0;
      for (const v of x) ss += (v - m) ** 2;
      const exact = Math.sqrt(ss / n / n); // SD of the resampled mean under the empirical distribution
      const R = n > 10_000 ? 200 : 2000;
      const se = bootstrapStderr(x, mean, R, new Rng(72));
      // the bootstrap SD itself has relative MC error ≈ √((κ − 1)/(4R)), κ the kurtosis of the resampled mean (≈ 3)
      expect(Math.abs(se / exact - 1)).toBeLessThan(4 * Math.sqrt(2 / (4 * R)));
    });
  }

  it('resamples uniformly: every index is drawn with frequency 1/N (χ²-free check on counts)', () => {
    const n = 37; // not a power of two, so Lemire's rejection matters
    const x = Float64Array.from({ length: n }, (_, i) => i);
    const counts = new Float64Array(n);
    const R = 20_000;
    bootstrapStderr(
      x,
      (s) => {
        for (const v of s) counts[v]++;
        return 0;
      },
      R,
      new Rng(73),
    );
    const expected = R; // R resamples of N draws, each index expected R times
    for (const c of counts) expect(Math.abs(c - expected)).toBeLessThan(5 * Math.sqrt(expected));
  });

  it('is deterministic for a given rng state', () => {
    const x = Float64Array.from({ length: 500 }, (_, i) => Math.sin(i) + 2);
    expect(bootstrapStderr(x, mean, 50, new Rng(5))).toBe(bootstrapStderr(x, mean, 50, new Rng(5)));
  });

  it('refuses bad arguments', () => {
    expect(() => bootstrapStderr([], mean, 10, new Rng(1))).toThrow(RangeError);
    expect(() => bootstrapStderr([1, 2], mean, 1, new Rng(1))).toThrow(RangeError);
    expect(() => bootstrapStderr([1, 2], () => Number.NaN, 10, new Rng(1))).toThrow(RangeError);
  });
});
