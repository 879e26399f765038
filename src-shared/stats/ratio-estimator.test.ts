import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { dispersionEstimate, dispersionOfNormalized } from './ratio-estimator';

/** Gamma(k, 1) for integer k as a sum of k exponentials (independent of the engine's samplers). */
function gammaInt(k: number, rng: Rng): number {
  let s = 0;
  for (let i = 0; i < k; i++) s -= Math.log(rng.uniformOpen());
  return s;
}

/** Mean and SE over R replicates of the estimator on N i.i.d. draws. */
function replicate(draw: () => number, N: number, R: number) {
  const s = new Float64Array(N);
  let sum = 0,
    sum2 = 0;
  for (let r = 0; r < R; r++) {
    for (let j = 0; j < N; j++) s[j] = draw();
    const e = dispersionEstimate(s);
    sum += e;
    sum2 += e * e;
  }
  const mean = sum / R;
  return { mean, se: Math.sqrt((sum2 / R - mean * mean) / R) };
}

describe('dispersionEstimate (Seleznova & Kutyniok 2022, App. C.3 with the 1/N prefactor)', () => {
  it('equals the direct leave-one-out formula', () => {
    const x = [1.5, 0.2, 3.1, 2.2, 0.9, 4.4];
    const N = x.length;
    let direct = 0;
    for (let i = 0; i < N; i++) {
      let s = 0,
        q = 0;
      for (let j = 0; j < N; j++) {
        if (j === i) continue;
        s += x[j];
        q += x[j] * x[j];
      }
      direct += (x[i] * x[i]) / ((s * s - q) / ((N - 1) * (N - 2)));
    }
    expect(dispersionEstimate(x)).toBeCloseTo(direct / N, 12);
  });

  it('bias on Gamma(4) samples (μ₂/μ₁² = 5/4): the 1/N form is off only by Jensen’s E[1/D] term, the printed 1/(N−2) form by N/(N−2) more', () => {
    // D_i is a U-statistic for μ₁² on m = N−1 values: Var D = 4(m−2)/(m(m−1))·μ₁²σ² + 2/(m(m−1))·(μ₂² − μ₁⁴), and
    // E[r̂] ≈ r·(1 + Var D/μ₁⁴) to second order. For Gamma(k): μ₁ = k, σ² = k, μ₂ = k(k+1).
    const k = 4,
      r = 1 + 1 / k,
      N = 50,
      m = N - 1;
    // μ₁²σ² = k³, μ₂² − μ₁⁴ = k²(2k+1)
    const varD = ((4 * (m - 2)) / (m * (m - 1))) * k ** 3 + (2 / (m * (m - 1))) * k * k * (2 * k + 1);
    const jensen = varD / k ** 4; // ≈ 0.0205
    const rng = new Rng(61);
    const { mean, se } = replicate(() => gammaInt(k, rng), N, 20_000);
    const slack = 0.002; // third-order terms, O(N⁻²)
    expect(Math.abs(mean / r - 1 - jensen)).toBeLessThan((4 * se) / r + slack);
    const printed = (mean * N) / (N - 2); // the paper's prefactor 1/(N−2) instead of 1/N
    expect(printed / r - 1).toBeGreaterThan(jensen + 2 / (N - 2) - (4 * se) / r - slack); // ≈ 6 % high, not unbiased
    expect((printed / r - 1) / (se / r)).toBeGreaterThan(50);
  });

  it('is consistent: lognormal(0, ½) samples (μ₂/μ₁² = e^{1/4}) at N = 2000 within 4 SE', () => {
    const rng = new Rng(62);
    const { mean, se } = replicate(() => Math.exp(0.5 * rng.normal()), 2000, 200);
    expect(Math.abs(mean - Math.exp(0.25))).toBeLessThan(4 * se + 0.002); // remaining bias ≈ 4(r−1)/N ≈ 6e-4
  });

  it('is scale-free and survives values whose squares overflow', () => {
    const x = [1.5, 0.2, 3.1, 2.2, 0.9, 4.4];
    const big = x.map((v) => v * 1e300);
    expect(dispersionEstimate(big)).toBeCloseTo(dispersionEstimate(x), 12);
    expect(dispersionOfNormalized(Float64Array.from(x))).toBeCloseTo(dispersionEstimate(x), 12);
  });

  it('refuses fewer than 3 samples, non-finite values, all zeros and a non-positive mean', () => {
    expect(() => dispersionEstimate([1, 2])).toThrow(RangeError);
    expect(() => dispersionEstimate([1, Number.NaN, 2])).toThrow(RangeError);
    expect(() => dispersionEstimate([1, Infinity, 2])).toThrow(RangeError);
    expect(() => dispersionEstimate([0, 0, 0])).toThrow(RangeError);
    expect(() => dispersionEstimate([1, -1, 1, -1])).toThrow(RangeError);
  });
});
