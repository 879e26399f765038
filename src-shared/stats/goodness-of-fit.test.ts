import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { chiSquareCritical, chiSquareGof, ksCritical, ksTwoSample } from './goodness-of-fit';

describe('goodness-of-fit helpers', () => {
  it('chiSquareCritical is close to tabulated χ² quantiles', () => {
    // upper 0.1 % points: df 10 → 29.588, df 50 → 86.661; upper 5 %: df 5 → 11.070
    expect(Math.abs(chiSquareCritical(10, 3.090232306167813) / 29.588 - 1)).toBeLessThan(0.01);
    expect(Math.abs(chiSquareCritical(50, 3.090232306167813) / 86.661 - 1)).toBeLessThan(0.005);
    expect(Math.abs(chiSquareCritical(5, 1.6448536269514722) / 11.07 - 1)).toBeLessThan(0.01);
  });

  it('chiSquareGof merges cells below 5 expected counts and computes Pearson’s statistic', () => {
    const r = chiSquareGof([10, 20, 30, 1, 1], [0.2, 0.2, 0.56, 0.02, 0.02]);
    // cells: 10 vs 12.4, 20 vs 12.4, (30+1+1) vs 37.2 (the last two merge into the previous full cell)
    expect(r.cells).toBe(3);
    expect(r.df).toBe(2);
    expect(r.stat).toBeCloseTo(2.4 ** 2 / 12.4 + 7.6 ** 2 / 12.4 + 5.2 ** 2 / 37.2, 10);
  });

  it('KS: D is 0 for identical samples, 1 for disjoint ones, and separates N(0,1) from N(0.1,1) at N = 20 000', () => {
    expect(ksTwoSample([1, 2, 3], [3, 2, 1])).toBe(0);
    expect(ksTwoSample([1, 2], [3, 4])).toBe(1);
    const rng = new Rng(101);
    const a = Float64Array.from({ length: 20_000 }, () => rng.normal());
    const b = Float64Array.from({ length: 20_000 }, () => rng.normal());
    const c = Float64Array.from({ length: 20_000 }, () => rng.normal() + 0.1);
    const crit = ksCritical(20_000, 20_000, 0.001);
    expect(ksTwoSample(a, b)).toBeLessThan(crit);
    expect(ksTwoSample(a, c)).toBeGreaterThan(crit);
  });
});
