// For the sampler tests: the plain sample mean and its standard error s/√N (unbiased s²), written out here rather
// than taken from src-shared/stats/summary.ts so the engine's results are checked by an independent computation.
import { expect } from 'vitest';
import { ksCritical, ksTwoSample } from '../../src-shared/stats/goodness-of-fit';

export function meanAndStderr(a: ArrayLike<number>): { mean: number; se: number } {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  const mean = s / a.length;
  let ss = 0;
  for (let i = 0; i < a.length; i++) ss += (a[i] - mean) ** 2;
  return { mean, se: Math.sqrt(ss / (a.length - 1) / a.length) };
}

/** Two samples of one law: means within 4 combined SEs, and a two-sample KS test at α = 0.001. */
export function expectSameDistribution(a: ArrayLike<number>, b: ArrayLike<number>): void {
  const x = meanAndStderr(a),
    y = meanAndStderr(b);
  expect(Math.abs(x.mean - y.mean)).toBeLessThan(4 * Math.hypot(x.se, y.se));
  expect(ksTwoSample(a, b)).toBeLessThan(ksCritical(a.length, b.length, 0.001));
}
