import { describe, expect, it } from 'vitest';
import { summarizeComponents } from './components';

describe('summarizeComponents', () => {
  it('means, SEs and shares against a direct computation; scale multiplies the moments', () => {
    const W = Float64Array.from([1, 2, 3, 4]),
      B = Float64Array.from([2, 0, 1, 1]);
    const s = summarizeComponents(W, B, 10);
    expect(s.meanW.estimate).toBeCloseTo(25, 12);
    // sd of W = √(5/3), SE = sd/2
    expect(s.meanW.stderr).toBeCloseTo((10 * Math.sqrt(5 / 3)) / 2, 12);
    expect(s.meanW2.estimate).toBeCloseTo(100 * 7.5, 10);
    expect(s.meanWB.estimate).toBeCloseTo(100 * ((2 + 0 + 3 + 4) / 4), 10);
    expect(s.shares.meanW.estimate).toBeCloseTo(10 / 14, 12);
    const T2 = [9, 4, 16, 25].reduce((a, b) => a + b);
    expect(s.shares.secondW.estimate).toBeCloseTo(30 / T2, 12);
    expect(s.shares.secondB.estimate + s.shares.secondW.estimate + s.shares.secondWB.estimate).toBeCloseTo(1, 12);
  });

  it('rejects mismatched input', () => {
    expect(() => summarizeComponents(new Float64Array(3), new Float64Array(2))).toThrow(/length/);
    expect(() => summarizeComponents(new Float64Array(1), new Float64Array(1))).toThrow(/2 networks/);
  });
});
