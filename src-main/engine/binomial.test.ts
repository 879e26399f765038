import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import { chiSquareCritical, chiSquareGof } from '../../src-shared/stats/goodness-of-fit';
import { BinomialSampler, binomialHalfSampler, logFactorial, sampleBinomial } from './binomial';

const Z_001 = 3.090232306167813; // Φ⁻¹(1 − 0.001): every χ² test below rejects a correct sampler with probability 0.001

/** Exact Binomial(n, p) pmf from log-factorials summed term by term (independent of the sampler's Stirling series). */
function exactPmf(n: number, p: number): Float64Array {
  const logFact = new Float64Array(n + 1);
  for (let k = 2; k <= n; k++) logFact[k] = logFact[k - 1] + Math.log(k);
  const out = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++)
    out[k] = Math.exp(logFact[n] - logFact[k] - logFact[n - k] + k * Math.log(p) + (n - k) * Math.log1p(-p));
  return out;
}

/** χ² goodness of fit of N draws against the exact pmf; returns the statistic and its 0.1 % critical value. */
function fit(draw: () => number, n: number, p: number, N: number) {
  const counts = new Float64Array(n + 1);
  let outside = 0;
  for (let i = 0; i < N; i++) {
    const k = draw();
    if (Number.isInteger(k) && k >= 0 && k <= n) counts[k]++;
    else outside++;
  }
  expect(outside).toBe(0);
  const r = chiSquareGof(counts, exactPmf(n, p));
  return { ...r, critical: chiSquareCritical(Math.max(r.df, 1), Z_001) };
}

describe('Binomial sampler', () => {
  const cases: Array<[string, number, number, boolean]> = [
    // [path, n, p, repeated]
    ['popcount', 1, 0.5, true],
    ['popcount', 2, 0.5, true],
    ['popcount', 31, 0.5, true],
    ['popcount', 33, 0.5, true],
    ['popcount', 64, 0.5, true],
    ['alias', 65, 0.5, true],
    ['alias', 200, 0.5, true],
    ['alias', 5000, 0.5, true],
    ['alias', 400, 0.3, true],
    ['alias (p > ½ mirrored)', 300, 0.8, true],
    ['one-word alias, 2^6 slots', 50, 0.3, true],
    ['one-word alias, 2^12 slots', 120_000, 0.5, true],
    ['two-word alias (table > 2^12 slots)', 200_000, 0.5, true],
    ['two-word alias (p > ½ mirrored)', 400_000, 0.7, true],
    ['BTRS', 20, 0.5, false],
    ['BTRS', 200, 0.5, false],
    ['BTRS', 5000, 0.5, false],
    ['BTRS', 400, 0.3, false],
    ['BTRS (p > ½ mirrored)', 1000, 0.9, false],
    ['inversion', 100, 0.05, true],
    ['inversion', 40, 0.2, false],
  ];
  for (const [path, n, p, repeated] of cases) {
    it(`${path}: Binomial(${n}, ${p}) passes a χ² test against the exact pmf`, () => {
      const s = new BinomialSampler(n, p, repeated);
      const rng = new Rng(11, n);
      const r = fit(() => s.sample(rng), n, p, 100_000);
      expect(r.stat).toBeLessThan(r.critical);
    });
  }

  it('the χ² test has power: Binomial(101, ½) draws are rejected against the Binomial(100, ½) pmf', () => {
    const s = new BinomialSampler(101, 0.5);
    const rng = new Rng(12);
    const counts = new Float64Array(101);
    for (let i = 0; i < 100_000; i++) counts[Math.min(100, s.sample(rng))]++;
    const r = chiSquareGof(counts, exactPmf(100, 0.5));
    expect(r.stat).toBeGreaterThan(chiSquareCritical(r.df, Z_001));
  });

  for (const [path, n, repeated] of [
    ['alias', 100_000, true],
    ['BTRS', 100_000, false],
    ['BTRS (table too large)', 100_000_000, true],
  ] as const) {
    it(`${path}: Binomial(${n}, ½) has mean n/2 and variance n/4 within 5 standard errors`, () => {
      const s = new BinomialSampler(n, 0.5, repeated);
      const rng = new Rng(13, n);
      const N = 200_000;
      let sum = 0,
        sum2 = 0;
      for (let i = 0; i < N; i++) {
        const k = s.sample(rng) - n / 2; // centred, so the variance is not lost to cancellation
        sum += k;
        sum2 += k * k;
      }
      const mean = sum / N,
        variance = sum2 / N - mean * mean;
      const sigma2 = n / 4;
      expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(sigma2 / N));
      expect(Math.abs(variance - sigma2)).toBeLessThan(5 * sigma2 * Math.sqrt(2 / N)); // SE of a normal sample variance
    });
  }

  it('binomialHalfSampler caches one sampler per n', () => {
    expect(binomialHalfSampler(1000)).toBe(binomialHalfSampler(1000));
    expect(binomialHalfSampler(1000).n).toBe(1000);
  });

  it('logFactorial matches term-by-term sums on both sides of the table boundary', () => {
    let exact = 0;
    for (let k = 1; k <= 2000; k++) {
      exact += Math.log(k);
      if (k === 255 || k === 256 || k === 300 || k === 2000)
        expect(Math.abs(logFactorial(k) - exact) / exact).toBeLessThan(1e-13);
    }
    expect(logFactorial(0)).toBe(0);
    expect(logFactorial(1)).toBe(0);
  });

  it('degenerate cases are exact', () => {
    const rng = new Rng(1);
    expect(sampleBinomial(0, 0.5, rng)).toBe(0);
    expect(sampleBinomial(50, 0, rng)).toBe(0);
    expect(sampleBinomial(50, 1, rng)).toBe(50);
  });

  it('refuses bad arguments with RangeError', () => {
    const rng = new Rng(1);
    expect(() => sampleBinomial(-1, 0.5, rng)).toThrow(RangeError);
    expect(() => sampleBinomial(2.5, 0.5, rng)).toThrow(RangeError);
    expect(() => sampleBinomial(Number.NaN, 0.5, rng)).toThrow(RangeError);
    expect(() => sampleBinomial(2 ** 40, 0.5, rng)).toThrow(RangeError);
    expect(() => sampleBinomial(10, 1.5, rng)).toThrow(RangeError);
    expect(() => sampleBinomial(10, Number.NaN, rng)).toThrow(RangeError);
  });
});
