// Issue 16: the First GD step slice in the ordered phase. At σ_w² = 1, M = 200, η = 10⁻³ a fixed N = 48 per point
// draws E[|ΔΘ|]/E[Θ] at float64 rounding (≤ 1e-12) deep in the network, while N = 2,000 gives ≈ 5–8·10⁻⁵ flat over
// L = 40–80: rare networks carry the mean. The sampling policy (src-shared/stats/adaptive-samples.ts) run on the
// real sampler with fixed seeds must reach those values and flag the heavy tail.
import { describe, expect, it } from 'vitest';
import { gdStepParamsSchema, type GdStepResult } from '../../src-shared/contract/gd-step';
import { nextSampleCount, pointTrust } from '../../src-shared/stats/adaptive-samples';
import { runGdStepBlock } from '../engine/gd-step-block';
import { finalGdStepResult } from './gd-step-run';

/** One point as the slice runs it: N = 48, then as many networks as the policy asks, each a fresh job. */
function adaptivePoint(depth: number, seed: number): { first: GdStepResult; last: GdStepResult; runs: number } {
  let samples = 48,
    first: GdStepResult | undefined,
    runs = 0;
  for (;;) {
    const params = gdStepParamsSchema.parse({
      sigmaW2: 1,
      depth,
      width: 200,
      inputDim: 200,
      lr: 1e-3,
      samples,
      seed,
    });
    const b = runGdStepBlock(params, 0, samples);
    const data = { theta: b.theta, thetaAfter: b.thetaAfter!, count: b.theta.length, diverged: b.diverged ?? 0 };
    const r = finalGdStepResult(params, data, 0, 'test');
    runs++;
    first ??= r;
    const next = nextSampleCount({ samples: r.samples, ...r.absRelativeChange, tailShare: r.tailShare });
    if (next === null) return { first, last: r, runs };
    expect(next).toBeGreaterThan(samples);
    samples = next;
  }
}

describe('adaptive GD-step points in the ordered phase (σ_w² = 1, M = 200, η = 1e-3)', () => {
  it('reach ≈ 5–8e-5 at L = 40 and 80 (not 1e-12) and carry the heavy-tail mark', { timeout: 180_000 }, () => {
    const values: number[] = [];
    for (const depth of [40, 80]) {
      const { first, last, runs } = adaptivePoint(depth, 8);
      // what N = 48 alone draws with this seed (its 48 networks hold no rare one at either depth; about half the
      // seeds do so at a given depth): a value at float64 rounding with a small SE, drawn as if precise
      expect(first.samples).toBe(48);
      expect(first.absRelativeChange.estimate).toBeLessThan(1e-12);
      expect(runs).toBeGreaterThan(1);
      expect(last.samples).toBe(2048);
      const v = last.absRelativeChange.estimate;
      values.push(v);
      // Seleznova & Kutyniok 2022's ordered regime at finite M, as `ntk-lab gd-step` with N = 2,000 measures it
      // (± 40 %): within a factor 3 of 6.5e-5
      expect(v).toBeGreaterThan(6.5e-5 / 3);
      expect(v).toBeLessThan(6.5e-5 * 3);
      expect(last.tailShare).toBeGreaterThan(0.5);
      expect(pointTrust({ samples: last.samples, ...last.absRelativeChange, tailShare: last.tailShare })).toBe(
        'heavy-tail',
      );
    }
    // flat-ish over depth: not falling by orders of magnitude as the N = 48 values do
    expect(Math.max(...values) / Math.min(...values)).toBeLessThan(4);
  });
});
