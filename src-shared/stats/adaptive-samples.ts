// How many networks a first-GD-step point needs (issue 16). In the ordered phase at depth the mean change
// E[|ΔΘ|]/E[Θ] is carried by rare networks whose ReLU units cross zero in the step (Seleznova & Kutyniok 2022,
// Thm 4.1's ordered regime at finite M): 48 networks usually contain none of them and report a value at float64
// rounding (~1e-16) with a small, meaningless SE. So a point is grown (×2–8, up to a cap) until its relative SE is
// below a target AND its value is above float64 resolution AND no few networks carry its variance; what is still
// not so at the cap is flagged, never drawn as precise.

/** The top-1 % share of Σ ΔΘ² (tail.ts) above which a handful of networks carry the variance: the SE is not trusted. */
export const HEAVY_TAIL_SHARE = 0.5;

/**
 * Relative changes below this are within a few hundred ulps of Θ (float64 ε ≈ 2.2e-16): the rounding of Θ′ − Θ, not
 * a resolved change.
 */
export const FLOAT64_RESOLUTION = 1e-13;

export interface SamplingPolicy {
  /** Stop once SE/|estimate| is at most this (and the other conditions hold). */
  targetRelStderr: number;
  /** Never ask for more networks than this. */
  maxSamples: number;
}

export const GD_SLICE_POLICY: SamplingPolicy = { targetRelStderr: 0.1, maxSamples: 2048 };

export interface PointStatistics {
  /** Networks that entered the estimate. */
  samples: number;
  estimate: number;
  stderr: number;
  /** Share of Σ ΔΘ² carried by the largest 1 % of networks (undefined: not reported). */
  tailShare?: number;
}

/** Why a point cannot be read as precise (null: it can). */
export type PointTrust = 'heavy-tail' | 'below-resolution' | 'imprecise' | null;

/** The first reason, in that order, that the point's value or SE cannot be trusted. */
export function pointTrust(p: PointStatistics, policy: SamplingPolicy = GD_SLICE_POLICY): PointTrust {
  if (p.tailShare !== undefined && p.tailShare > HEAVY_TAIL_SHARE) return 'heavy-tail';
  const abs = Math.abs(p.estimate);
  if (!(abs >= FLOAT64_RESOLUTION)) return 'below-resolution';
  if (!(Number.isFinite(p.stderr) && p.stderr / abs <= policy.targetRelStderr)) return 'imprecise';
  return null;
}

/**
 * The next number of networks to run for this point, or null: it is precise (pointTrust null) or at the cap.
 * Light tails: the N the SE's 1/√N law asks for, at least 2× and at most 8× the current N; otherwise 4×.
 */
export function nextSampleCount(p: PointStatistics, policy: SamplingPolicy = GD_SLICE_POLICY): number | null {
  checkPolicy(policy);
  if (!(Number.isInteger(p.samples) && p.samples >= 1))
    throw new RangeError(`samples must be an integer ≥ 1 (got ${p.samples})`);
  const trust = pointTrust(p, policy);
  if (trust === null || p.samples >= policy.maxSamples) return null;
  let grow = 4;
  if (trust === 'imprecise' && Number.isFinite(p.stderr)) {
    const rel = p.stderr / Math.abs(p.estimate);
    grow = Math.min(8, Math.max(2, (rel / policy.targetRelStderr) ** 2));
  }
  return Math.min(policy.maxSamples, Math.ceil(p.samples * grow));
}

function checkPolicy(policy: SamplingPolicy): void {
  if (!(policy.targetRelStderr > 0 && Number.isFinite(policy.targetRelStderr)))
    throw new RangeError(`targetRelStderr must be a finite number > 0 (got ${policy.targetRelStderr})`);
  if (!(Number.isInteger(policy.maxSamples) && policy.maxSamples >= 3))
    throw new RangeError(`maxSamples must be an integer ≥ 3 (got ${policy.maxSamples})`);
}
