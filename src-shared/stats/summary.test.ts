import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { bootstrapReplicates, stderrOfReplicates } from './bootstrap';
import { dispersionEstimate, dispersionOfNormalized } from './ratio-estimator';
import {
  BOOTSTRAP_CHUNK_REPLICATES,
  BOOTSTRAP_CHUNKS,
  BOOTSTRAP_REPLICATES,
  BOOTSTRAP_STREAM,
  deltaMethodStderr,
  dispersionBootstrapChunk,
  normalizeForDispersion,
  summarizePairSamples,
  summarizeSamples,
} from './summary';
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
    expect(Math.abs(s.dispersion.stderr / deltaMethodStderr(t) - 1)).toBeLessThan(
      4 / Math.sqrt(2 * BOOTSTRAP_REPLICATES),
    );
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
    const a = summarizeSamples(x, 1),
      b = summarizeSamples(big, 1);
    expect(b.meanTheta.estimate / 1e250).toBeCloseTo(a.meanTheta.estimate, 10);
    expect(b.dispersion.estimate).toBeCloseTo(a.dispersion.estimate, 10);
    expect(b.dispersion.stderr).toBeCloseTo(a.dispersion.stderr, 10);
    expect(b.tailShare).toBeCloseTo(a.tailShare, 10);
  });

  // the time of a 10⁴-sample summary is in npm run bench (live cursor)
  it('uses the delta method above the bootstrap size limit (10⁵)', () => {
    const x = lognormal(150_000, 0.5, 94);
    const s = summarizeSamples(x, 1);
    const xMax = x.reduce((a, v) => Math.max(a, v), 0);
    const t = x.map((v) => v / xMax);
    expect(s.dispersion.stderr).toBe(deltaMethodStderr(t));
  });

  it('refuses fewer than 3 samples', () => {
    expect(() => summarizeSamples([1, 2], 1)).toThrow(RangeError);
  });

  it('precomputed bootstrap replicates (chunks computed separately, in any order) give the identical summary', () => {
    const x = lognormal(3000, 0.8, 98);
    const t = normalizeForDispersion(x);
    const replicates = new Float64Array(BOOTSTRAP_REPLICATES);
    for (const c of [3, 0, 7, 1, 6, 2, 5, 4])
      replicates.set(dispersionBootstrapChunk(t, 21, c), c * BOOTSTRAP_CHUNK_REPLICATES);
    expect(summarizeSamples(x, 21, { replicates })).toEqual(summarizeSamples(x, 21));
    // the replicates are what the SE is made of: other ones change it, a wrong count is refused
    const shifted = replicates.map((v, i) => (i === 0 ? v + 1 : v));
    expect(summarizeSamples(x, 21, { replicates: shifted }).dispersion.stderr).not.toBe(
      summarizeSamples(x, 21).dispersion.stderr,
    );
    expect(() => summarizeSamples(x, 21, { replicates: replicates.subarray(0, 100) })).toThrow(RangeError);
    expect(() => dispersionBootstrapChunk(t, 21, BOOTSTRAP_CHUNKS)).toThrow(RangeError);
  });

  it('the chunked bootstrap SE matches the spread of the dispersion estimate over independent experiments', () => {
    // lognormal(σ = 0.5): r = e^{σ²}; 150 experiments of N = 1000. The mean SE over experiments should equal the SD
    // of the estimates; each is known to ≈ 1/√(2·150) ≈ 6 % (the SD) and less (the mean of 150 SEs): allow 25 %.
    const reps = 150,
      n = 1000,
      est: number[] = [],
      ses: number[] = [];
    for (let r = 0; r < reps; r++) {
      const s = summarizeSamples(lognormal(n, 0.5, 1000 + r), r);
      est.push(s.dispersion.estimate);
      ses.push(s.dispersion.stderr);
    }
    const mean = est.reduce((a, b) => a + b, 0) / reps;
    const sd = Math.sqrt(est.reduce((a, b) => a + (b - mean) ** 2, 0) / (reps - 1));
    const meanSe = ses.reduce((a, b) => a + b, 0) / reps;
    expect(Math.abs(meanSe / sd - 1)).toBeLessThan(0.25);
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
    // the chunked bootstrap by hand: chunk c resamples from its own stream Rng(seed, BOOTSTRAP_STREAM + c)
    const reps: number[] = [];
    for (let c = 0; c < BOOTSTRAP_CHUNKS; c++)
      reps.push(
        ...bootstrapReplicates(t, dispersionOfNormalized, BOOTSTRAP_CHUNK_REPLICATES, new Rng(7, BOOTSTRAP_STREAM + c)),
      );
    expect(reps.length).toBe(BOOTSTRAP_REPLICATES);
    expect(s.dispersion.stderr).toBe(stderrOfReplicates(reps));
  });

  it('precomputed off-diagonal replicates (chunks computed in any order) give the identical summary', () => {
    const theta = lognormal(2000, 0.4, 97);
    const off = theta.map((v, i) => 0.5 * v + 0.2 * Math.cos(i));
    const t = normalizeForDispersion(off);
    const replicates = new Float64Array(BOOTSTRAP_REPLICATES);
    for (let c = BOOTSTRAP_CHUNKS - 1; c >= 0; c--)
      replicates.set(dispersionBootstrapChunk(t, 11, c), c * BOOTSTRAP_CHUNK_REPLICATES);
    expect(summarizePairSamples(theta, off, 11, { replicates })).toEqual(summarizePairSamples(theta, off, 11));
  });

  it('refuses mismatched lengths', () => {
    expect(() => summarizePairSamples([1, 2, 3], [1, 2], 1)).toThrow(RangeError);
  });
});

describe('meanRatioStderr and the fast (delta-method) summary', () => {
  it('the delta-method SE of mean(θ_off)/mean(θ) matches the spread of the ratio over independent replicates', () => {
    // correlated positive pairs: θ = e^{Z1}, θ_off = 0.5·θ·e^{0.3·Z2}
    const reps = 400,
      n = 500,
      ratios: number[] = [],
      ses: number[] = [];
    for (let r = 0; r < reps; r++) {
      const rng = new Rng(99, r);
      const a = new Float64Array(n),
        b = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        a[i] = Math.exp(0.5 * rng.normal());
        b[i] = 0.5 * a[i] * Math.exp(0.3 * rng.normal());
      }
      const s = summarizePairSamples(a, b, r, { speed: 'fast' });
      ratios.push(s.meanRatio);
      ses.push(s.meanRatioStderr);
    }
    const mean = ratios.reduce((x, y) => x + y, 0) / reps;
    const sd = Math.sqrt(ratios.reduce((x, y) => x + (y - mean) ** 2, 0) / (reps - 1));
    const meanSe = ses.reduce((x, y) => x + y, 0) / reps;
    // the SD of an SD estimate from 400 replicates is ≈ sd/√800 ≈ 3.5 %: allow 15 %
    expect(Math.abs(meanSe / sd - 1)).toBeLessThan(0.15);
  });

  it('fast summaries report the delta method, final ones the bootstrap, with comparable SEs on light tails', () => {
    const rng = new Rng(5, 0);
    const x = Float64Array.from({ length: 4000 }, () => Math.exp(0.4 * rng.normal()));
    const fast = summarizeSamples(x, 1, { speed: 'fast' }),
      full = summarizeSamples(x, 1);
    expect(fast.stderrMethod).toBe('delta-method');
    expect(full.stderrMethod).toBe('bootstrap');
    expect(fast.dispersion.estimate).toBe(full.dispersion.estimate);
    // 200 bootstrap replicates pin the SE to ≈ 5 %: allow 20 %
    expect(Math.abs(fast.dispersion.stderr / full.dispersion.stderr - 1)).toBeLessThan(0.2);
  });
});
