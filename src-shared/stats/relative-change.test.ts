import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { relativeChange } from './relative-change';

describe('relativeChange', () => {
  it('is the ratio of means, by hand', () => {
    const before = [1, 2, 3, 4],
      after = [1.5, 1, 3.5, 4];
    // ΔΘ = 0.5, −1, 0.5, 0 → E[ΔΘ] = 0; |ΔΘ| mean = 0.5; E[Θ] = 2.5
    const r = relativeChange(before, after);
    expect(r.relativeChange.estimate).toBeCloseTo(0, 15);
    expect(r.absRelativeChange.estimate).toBeCloseTo(0.2, 15);
    expect(r.n).toBe(4);
    // delta method by hand for R = 0: Σ(ΔΘ_i)²/(N(N−1)) = 1.5/12, divided by E[Θ]² = 6.25
    expect(r.relativeChange.stderr).toBeCloseTo(Math.sqrt(1.5 / 12) / 2.5, 14);
  });

  it('does not depend on the scale of Θ (1e-200 … 1e200)', () => {
    const rng = new Rng(1);
    const b = Array.from({ length: 50 }, () => 1 + rng.uniform());
    const a = b.map((v) => v * (1 + 0.1 * rng.normal()));
    const ref = relativeChange(b, a);
    for (const s of [1e-200, 1e200]) {
      const r = relativeChange(
        b.map((v) => v * s),
        a.map((v) => v * s),
      );
      expect(r.relativeChange.estimate).toBeCloseTo(ref.relativeChange.estimate, 12);
      expect(r.absRelativeChange.stderr).toBeCloseTo(ref.absRelativeChange.stderr, 12);
    }
  });

  it('its delta-method SE matches the spread of the estimate over repeated experiments, and the bootstrap agrees', () => {
    // Θ ~ 1 + Exp(1) (skewed), ΔΘ = 0.3Θ + N(0, 0.5²) Θ: true R = 0.3
    const N = 200,
      R = 400;
    const rng = new Rng(2);
    const est: number[] = [];
    let seSum = 0,
      covered = 0;
    let boot = 0,
      delta = 0;
    for (let rep = 0; rep < R; rep++) {
      const b = new Float64Array(N),
        a = new Float64Array(N);
      for (let i = 0; i < N; i++) {
        b[i] = 1 - Math.log(rng.uniformOpen());
        a[i] = b[i] + (0.3 + 0.5 * rng.normal()) * b[i];
      }
      const r = relativeChange(b, a);
      est.push(r.relativeChange.estimate);
      seSum += r.relativeChange.stderr;
      if (Math.abs(r.relativeChange.estimate - 0.3) < 2 * r.relativeChange.stderr) covered++;
      if (rep < 20) {
        boot += relativeChange(b, a, { stderr: 'bootstrap', replicates: 300, rng }).relativeChange.stderr;
        delta += r.relativeChange.stderr;
      }
    }
    const mean = est.reduce((s, v) => s + v, 0) / R;
    const sd = Math.sqrt(est.reduce((s, v) => s + (v - mean) ** 2, 0) / (R - 1));
    // SD of a sample SD from 400 replicates is ≈ 3.5 %; allow 15 %
    expect(seSum / R / sd).toBeGreaterThan(0.85);
    expect(seSum / R / sd).toBeLessThan(1.15);
    expect(covered / R).toBeGreaterThan(0.9); // nominal 95.4 %
    expect(boot / delta).toBeGreaterThan(0.85);
    expect(boot / delta).toBeLessThan(1.15);
  });

  it('rejects bad input with a RangeError', () => {
    expect(() => relativeChange([1, 2], [1])).toThrow(RangeError);
    expect(() => relativeChange([1], [1])).toThrow(RangeError);
    expect(() => relativeChange([1, NaN], [1, 2])).toThrow(RangeError);
    expect(() => relativeChange([1, 2], [1, Infinity])).toThrow(RangeError);
    expect(() => relativeChange([0, 0], [1, 2])).toThrow(RangeError);
    expect(() => relativeChange([1, -1], [1, 2])).toThrow(RangeError); // E[Θ] = 0
    expect(() => relativeChange([1, 2], [1, 2], { stderr: 'bootstrap' })).toThrow(RangeError); // no rng
  });
});

describe('relative change near float64 limits (a chaotic step, issue 16)', () => {
  it('a ratio of ≈ 1e294 gets a finite SE, equal to the one of the same data scaled down (1e-12 relative)', () => {
    const rng = new Rng(41);
    const n = 200;
    const before = Float64Array.from({ length: n }, () => Math.exp(rng.normal()));
    const growth = Float64Array.from({ length: n }, () => Math.exp(2 * rng.normal()));
    const small = relativeChange(
      before,
      Float64Array.from(before, (b, i) => b * (1 + 1e4 * growth[i])),
    );
    // the same networks with Θ before tiny: the ratio reaches ~1e294
    const k = 1e-290;
    const big = relativeChange(
      Float64Array.from(before, (b) => b * k),
      Float64Array.from(before, (b, i) => b * 1e4 * growth[i]),
    );
    for (const key of ['relativeChange', 'absRelativeChange'] as const) {
      expect(big[key].estimate).toBeGreaterThan(1e293);
      expect(Number.isFinite(big[key].stderr)).toBe(true);
      const ratio = big[key].estimate / small[key].estimate;
      expect(Math.abs(big[key].stderr / small[key].stderr / ratio - 1)).toBeLessThan(1e-9);
    }
    const boot = relativeChange(
      Float64Array.from(before, (b) => b * k),
      Float64Array.from(before, (b, i) => b * 1e4 * growth[i]),
      { stderr: 'bootstrap', replicates: 50, rng: new Rng(42) },
    );
    expect(Number.isFinite(boot.absRelativeChange.stderr) && boot.absRelativeChange.stderr > 0).toBe(true);
  });
});
