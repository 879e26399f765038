import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { logMeanExp, logMeanWithRelStderr, logRatioOfMeans, logSumExp, saturatedEstimate } from './log-space';
import { meanWithStderr } from './summary';
import { ratioOfPairedMeans } from './relative-change';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('log-space statistics', () => {
  it('log mean and log sum equal the linear ones where both are finite (1e-12 relative)', () => {
    const rng = new Rng(11);
    const x = Float64Array.from({ length: 500 }, () => Math.exp(3 * rng.normal()));
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    expect(rel(Math.exp(logMeanExp(x.map(Math.log))), mean)).toBeLessThan(1e-12);
    expect(rel(logSumExp(x.map(Math.log)), Math.log(mean * x.length))).toBeLessThan(1e-12);
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(() => logSumExp([0, NaN])).toThrow(/term 1/);
  });

  it('the ratio of means and its delta-method SE equal the linear ones (1e-12 relative), signed or not', () => {
    const rng = new Rng(12);
    for (const signed of [false, true]) {
      const t = Float64Array.from({ length: 300 }, () => Math.exp(rng.normal()));
      const d = Float64Array.from(t, (v) => v * (signed ? 0.3 + rng.normal() : Math.exp(0.5 * rng.normal())));
      const lin = ratioOfPairedMeans(d, t);
      const log = logRatioOfMeans(
        d.map((v) => Math.log(Math.abs(v))),
        t.map(Math.log),
        signed ? d.map(Math.sign) : undefined,
      );
      expect(rel(log.sign * Math.exp(log.logAbs), lin.estimate)).toBeLessThan(1e-12);
      expect(rel(log.relStderr * Math.abs(lin.estimate), lin.stderr)).toBeLessThan(1e-12);
    }
  });

  it('signed denominators (the off-diagonal Θ(x, x̃)): equal to the linear ratio and SE (1e-12), zeros allowed', () => {
    const rng = new Rng(15);
    for (const zeros of [false, true]) {
      // a denominator of mixed sign with a positive mean, some terms exactly 0
      const t = Float64Array.from({ length: 300 }, (_, i) => (zeros && i % 7 === 0 ? 0 : 1 + 1.5 * rng.normal()));
      const d = Float64Array.from(t, (v) => v * 0.2 + 0.5 * rng.normal());
      const lin = ratioOfPairedMeans(d, t);
      const log = logRatioOfMeans(
        d.map((v) => Math.log(Math.abs(v))),
        t.map((v) => Math.log(Math.abs(v))),
        d.map(Math.sign),
        t.map(Math.sign),
      );
      expect(rel(log.sign * Math.exp(log.logAbs), lin.estimate)).toBeLessThan(1e-12);
      expect(rel(log.relStderr * Math.abs(lin.estimate), lin.stderr)).toBeLessThan(1e-12);
      // a negative denominator mean flips the ratio's sign and nothing else
      const neg = logRatioOfMeans(
        d.map((v) => Math.log(Math.abs(v))),
        t.map((v) => Math.log(Math.abs(v))),
        d.map(Math.sign),
        t.map((v) => -Math.sign(v)),
      );
      expect(neg.sign).toBe(-log.sign);
      expect(neg.logAbs).toBe(log.logAbs);
      expect(rel(neg.relStderr, log.relStderr)).toBeLessThan(1e-12);
    }
    expect(() => logRatioOfMeans([0, 1], [0, 0], undefined, [1, -1])).toThrow(/denominator’s mean is 0/);
    expect(() => logRatioOfMeans([0, 1], [0, NaN], undefined, [1, 1])).toThrow(/denominator term 1/);
  });

  it('stays finite for terms up to e^1000 (beyond float64), and scales exactly with a common factor', () => {
    const rng = new Rng(13);
    const a = Float64Array.from({ length: 200 }, () => 5 * rng.normal());
    const b = Float64Array.from({ length: 200 }, () => rng.normal());
    const base = logRatioOfMeans(a, b);
    // every numerator term times e^995 (up to ≈ e^1010): ln R moves by exactly 995, the relative SE not at all
    const big = logRatioOfMeans(
      a.map((v) => v + 995),
      b,
    );
    expect(Number.isFinite(big.logAbs) && Number.isFinite(big.relStderr)).toBe(true);
    expect(big.logAbs - base.logAbs).toBeCloseTo(995, 9);
    expect(rel(big.relStderr, base.relStderr)).toBeLessThan(1e-12);
    // both sides beyond float64
    const both = logRatioOfMeans(
      a.map((v) => v + 1000),
      b.map((v) => v + 990),
    );
    expect(both.logAbs - base.logAbs).toBeCloseTo(10, 9);
    expect(Number.isFinite(logMeanExp([1000, 999, 998]))).toBe(true);
  });

  it('the log mean with its relative SE equals the linear mean ± SE (1e-12), and shifts exactly past float64', () => {
    const rng = new Rng(14);
    const x = Float64Array.from({ length: 400 }, () => Math.exp(2 * rng.normal()));
    const lin = meanWithStderr(x);
    const log = logMeanWithRelStderr(x.map(Math.log));
    expect(rel(Math.exp(log.logMean), lin.estimate)).toBeLessThan(1e-12);
    expect(rel(log.relStderr * lin.estimate, lin.stderr)).toBeLessThan(1e-12);
    const big = logMeanWithRelStderr(x.map((v) => Math.log(v) + 2000));
    expect(big.logMean - log.logMean).toBeCloseTo(2000, 9);
    expect(rel(big.relStderr, log.relStderr)).toBeLessThan(1e-12);
  });

  it('refuses mismatched, too short or non-positive denominators with a message', () => {
    expect(() => logRatioOfMeans([0, 1], [0])).toThrow(/same length/);
    expect(() => logRatioOfMeans([0], [0])).toThrow(/at least 2/);
    expect(() => logRatioOfMeans([0, 1], [0, -Infinity])).toThrow(/denominator term 1/);
  });

  it('saturatedEstimate: ±∞, NaN or ±MAX_VALUE in the value or its SE, nothing else', () => {
    expect(saturatedEstimate({ estimate: 1e300, stderr: 1e299 })).toBe(false);
    expect(saturatedEstimate({ estimate: -Number.MAX_VALUE, stderr: 1 })).toBe(true);
    expect(saturatedEstimate({ estimate: 1, stderr: Number.MAX_VALUE })).toBe(true);
    expect(saturatedEstimate({ estimate: Infinity, stderr: 1 })).toBe(true);
    expect(saturatedEstimate({ estimate: 1, stderr: NaN })).toBe(true);
  });
});
