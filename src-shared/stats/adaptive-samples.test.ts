import { describe, expect, it } from 'vitest';
import { FLOAT64_RESOLUTION, GD_SLICE_POLICY, HEAVY_TAIL_SHARE, nextSampleCount, pointTrust } from './adaptive-samples';

const policy = { targetRelStderr: 0.1, maxSamples: 2048 };

describe('pointTrust', () => {
  it('names the first reason a point is not precise: heavy tail, below float64 resolution, SE above target', () => {
    expect(pointTrust({ samples: 400, estimate: 1e-4, stderr: 1e-6, tailShare: 0.9 }, policy)).toBe('heavy-tail');
    expect(pointTrust({ samples: 400, estimate: 6e-17, stderr: 5e-18, tailShare: 0.2 }, policy)).toBe(
      'below-resolution',
    );
    expect(pointTrust({ samples: 400, estimate: 1e-4, stderr: 2e-5, tailShare: 0.2 }, policy)).toBe('imprecise');
    expect(pointTrust({ samples: 400, estimate: -1e-4, stderr: Infinity }, policy)).toBe('imprecise');
    expect(pointTrust({ samples: 400, estimate: 1e-4, stderr: 1e-5, tailShare: HEAVY_TAIL_SHARE }, policy)).toBeNull();
    expect(pointTrust({ samples: 400, estimate: FLOAT64_RESOLUTION, stderr: 0 }, policy)).toBeNull();
    expect(pointTrust({ samples: 400, estimate: NaN, stderr: 0 }, policy)).toBe('below-resolution');
  });
});

describe('nextSampleCount', () => {
  it('stops at a precise point and at the cap', () => {
    expect(nextSampleCount({ samples: 48, estimate: 1e-4, stderr: 5e-6, tailShare: 0.1 }, policy)).toBeNull();
    expect(nextSampleCount({ samples: 2048, estimate: 1e-4, stderr: 1e-4, tailShare: 1 }, policy)).toBeNull();
  });

  it('grows an imprecise light-tailed point by the 1/√N law, between 2× and 8×', () => {
    // rel SE 0.2 → (0.2/0.1)² = 4×
    expect(nextSampleCount({ samples: 48, estimate: 1e-4, stderr: 2e-5, tailShare: 0.1 }, policy)).toBe(192);
    // rel SE 0.11 → 1.21×, at least 2×
    expect(nextSampleCount({ samples: 48, estimate: 1e-4, stderr: 1.1e-5 }, policy)).toBe(96);
    // rel SE 1 → 100×, at most 8×
    expect(nextSampleCount({ samples: 48, estimate: 1e-4, stderr: 1e-4 }, policy)).toBe(384);
    expect(nextSampleCount({ samples: 1000, estimate: 1e-4, stderr: 1e-4 }, policy)).toBe(2048);
  });

  it('grows 4× while the value is below float64 resolution or heavy-tailed, whatever its SE says', () => {
    // N = 48 in the ordered phase: a value at float64 rounding with a small SE is not a measurement
    expect(nextSampleCount({ samples: 48, estimate: 6e-17, stderr: 1e-17, tailShare: 0.2 }, policy)).toBe(192);
    expect(nextSampleCount({ samples: 192, estimate: 1e-4, stderr: 1e-6, tailShare: 0.99 }, policy)).toBe(768);
  });

  it('refuses a bad policy or sample count with a message naming it', () => {
    const p = { samples: 48, estimate: 1, stderr: 1 };
    expect(() => nextSampleCount(p, { targetRelStderr: 0, maxSamples: 10 })).toThrow(/targetRelStderr/);
    expect(() => nextSampleCount(p, { targetRelStderr: 0.1, maxSamples: 2.5 })).toThrow(/maxSamples/);
    expect(() => nextSampleCount({ ...p, samples: 0 }, GD_SLICE_POLICY)).toThrow(/samples/);
  });
});
