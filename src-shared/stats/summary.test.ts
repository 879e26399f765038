import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { bootstrapStderr } from './bootstrap';
import { dispersionEstimate, dispersionOfNormalized } from './ratio-estimator';
import { BOOTSTRAP_REPLICATES, deltaMethodStderr, summarizePairSamples, summarizeSamples } from './summary';
import { topShareOfSquares } from './tail';

function lognormal(n: number, sigma: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => Math.exp(sigma * rng.normal()));
}

describe('summarizeSamples', () => {
  it('reports mean ± s/√N, the App. C.3 dispersion with a bootstrap SE, and the tail share', () => {
    const x = lognormal(10_000, 0.5, 91);
    const s = summarizeSamples(x, 5);
    let m = 0;
    for (const v of x) m += v;
    m /= x.length;
    let ss = 0;
    for (const v of x) ss += (v - m) ** 2;
    expect(s.meanTheta.estimate).toBeCloseTo(m, 10);
    expect(s.meanTheta.stderr).toBeCloseTo(Math.sqrt(ss / (x.length - 1) / x.length), 12);
    expect(s.dispersion.estimate).toBeCloseTo(dispersionEstimate(x), 12);
    expect(s.tailShare).toBe(topShareOfSquares(x, 0.01));
    // the bootstrap SE agrees with the delta-method SE to within the bootstrap's own ≈ 5 % noise (4 SE = 20 %)
    const xMax = x.reduce((a, v) => Math.max(a, v), 0);
    const t = x.map((v) => v / xMax);
    expect(Math.abs(s.dispersion.stderr / deltaMethodStderr(t) - 1)).toBeLessThan(4 / Math.sqrt(2 * BOOTSTRAP_REPLICATES));
    // and the dispersion estimate is within 4 SE of the true e^{σ²}
    expect(Math.abs(s.dispersion.estimate - Math.exp(0.25))).toBeLessThan(4 * s.dispersion.stderr);
  });

  it('is deterministic for a given (samples, seed) and the seed changes only the bootstrap SE', () => {
    const x = lognormal(2000, 1, 92);
    expect(summarizeSamples(x, 3)).toEqual(summarizeSamples(x, 3));
    const other = summarizeSamples(x, 4);
    expect(other.dispersion.estimate).toBe(summarizeSamples(x, 3).dispersion.estimate);
    expect(other.dispersion.stderr).not.toBe(summarizeSamples(x, 3).dispersion.stderr);
  });

  it('handles values whose squares overflow', () => {
    const x = lognormal(1000, 0.3, 93);
    const big = x.map((v) => v * 1e250);
    const a = summarizeSamples(x, 1), b = summarizeSamples(big, 1);
    expect(b.meanTheta.estimate / 1e250).toBeCloseTo(a.meanTheta.estimate, 10);
    expect(b.dispersion.estimate).toBeCloseTo(a.dispersion.estimate, 10);
    expect(b.dispersion.stderr).toBeCloseTo(a.dispersion.stderr, 10);
    expect(b.tailShare).toBeCloseTo(a.tailShare, 10);
  });

  it('uses the delta method above the bootstrap size limit (10⁵) and stays fast for 10⁴ samples', () => {
    const x = lognormal(150_000, 0.5, 94);
    const s = summarizeSamples(x, 1);
    const xMax = x.reduce((a, v) => Math.max(a, v), 0);
    const t = x.map((v) => v / xMax);
    expect(s.dispersion.stderr).toBe(deltaMethodStderr(t));
    const y = lognormal(10_000, 0.5, 95);
    summarizeSamples(y, 1);
    const t0 = performance.now();
    summarizeSamples(y, 2);
    expect(performance.now() - t0).toBeLessThan(500); // typically 5–25 ms; generous for loaded CI machines
  });

  it('refuses fewer than 3 samples', () => {
    expect(() => summarizeSamples([1, 2], 1)).toThrow(RangeError);
  });
});

describe('summarizePairSamples', () => {
  it('meanRatio = mean(θ_off)/mean(θ) and the off-diagonal dispersion with its bootstrap SE', () => {
    const theta = lognormal(3000, 0.4, 96);
    const off = theta.map((v, i) => 0.6 * v + 0.1 * Math.sin(i));
    const s = summarizePairSamples(theta, off, 7);
    const mean = (a: Float64Array) => a.reduce((p, v) => p + v, 0) / a.length;
    expect(s.meanRatio).toBeCloseTo(mean(off) / mean(theta), 12);
    expect(s.dispersion.estimate).toBeCloseTo(dispersionEstimate(off), 12);
    const offMax = off.reduce((a, v) => Math.max(a, v), 0);
    const t = off.map((v) => v / offMax);
    const direct = bootstrapStderr(t, dispersionOfNormalized, BOOTSTRAP_REPLICATES, new Rng(7, 0x5eed_b007));
    expect(s.dispersion.stderr).toBe(direct);
  });

  it('refuses mismatched lengths', () => {
    expect(() => summarizePairSamples([1, 2, 3], [1, 2], 1)).toThrow(RangeError);
  });
});
