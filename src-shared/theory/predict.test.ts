import { describe, expect, it } from 'vitest';
import { predictPoint } from './predict';
import { reluFiniteMomentsConstant } from './relu-finite';
import { limitDispersion } from './relu-limit';

describe('predictPoint', () => {
  it('combines Thm 3.2 at (L, M, n₀) with Thm 3.1 at λ = L/M, α₀ = n₀/M', () => {
    const p = predictPoint({ sigmaW2: 2, depth: 100, width: 200, inputDim: 50 });
    expect(p.phase).toBe('edge-of-chaos');
    expect(p.depthToWidth).toBe(0.5);
    expect(p.alpha0).toBe(0.25);
    // EOC: E[Θ] = 1 + (L − 1)M/n₀ + L (eqs. 31, 33)
    expect(p.meanTheta).toBeCloseTo(1 + 99 * 4 + 100, 9);
    expect(p.logMeanTheta).toBeCloseTo(Math.log(497), 12);
    expect(p.dispersion.finite).toBe(reluFiniteMomentsConstant(2, 100, 200, 50).dispersion);
    expect(p.dispersion.limit).toBe(limitDispersion(2, 0.5, 0.25));
    // finite width sits below the limit at the EOC (1/M gap)
    expect(p.dispersion.finite).toBeLessThan(p.dispersion.limit);
  });

  it('labels phases with phaseOf and gives a JSON-safe record', () => {
    expect(predictPoint({ sigmaW2: 1, depth: 10, width: 10, inputDim: 10 }).phase).toBe('ordered');
    const chaotic = predictPoint({ sigmaW2: 4, depth: 15_000, width: 10_000, inputDim: 1_000 });
    expect(chaotic.phase).toBe('chaotic');
    expect(chaotic.meanTheta).toBe(Infinity); // 2^14999·…: only its log is representable
    expect(Number.isFinite(chaotic.logMeanTheta)).toBe(true);
    expect(Number.isFinite(chaotic.dispersion.finite) && Number.isFinite(chaotic.dispersion.limit)).toBe(true);
    const ordered = predictPoint({ sigmaW2: 0.5, depth: 3, width: 4, inputDim: 1 });
    expect(JSON.parse(JSON.stringify(ordered))).toEqual(ordered);
  });

  it('rejects bad parameters with a readable RangeError', () => {
    expect(() => predictPoint({ sigmaW2: Number.NaN, depth: 10, width: 10, inputDim: 10 })).toThrow(/sigmaW2/);
    expect(() => predictPoint({ sigmaW2: 2, depth: 0, width: 10, inputDim: 10 })).toThrow(RangeError);
    expect(() => predictPoint({ sigmaW2: 2, depth: 10, width: 1.5, inputDim: 10 })).toThrow(/width/);
    expect(() => predictPoint({ sigmaW2: 2, depth: 10, width: 10, inputDim: -1 })).toThrow(/inputDim/);
    expect(() => predictPoint({ sigmaW2: 99, depth: 10, width: 10, inputDim: 10 })).toThrow(RangeError);
  });
});

describe('predictPoint: exact dispersion', () => {
  it('equals Thm 3.2 where Thm 3.2 is exact (L = 2) and lies above it at the EOC for deeper nets', () => {
    const two = predictPoint({ sigmaW2: 2, depth: 2, width: 50, inputDim: 30 });
    expect(two.dispersion.exact).toBeCloseTo(two.dispersion.finite, 12);
    const deep = predictPoint({ sigmaW2: 2, depth: 100, width: 200, inputDim: 200 });
    expect(deep.dispersion.exact).toBeGreaterThan(deep.dispersion.finite * 1.05);
  });
});
