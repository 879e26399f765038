// Summary of the measured NTK components Θ_W, Θ_b over N networks (Seleznova & Kutyniok 2022, eq. 19; Seleznova
// 2024 (thesis), §3.2): the five moments with SE = sd/√N and the shares as ratios of means over the same networks
// with delta-method SEs. Samples may come scaled by a common factor c (the exact sampler's Θ/E[Θ]): moments are
// returned for the unscaled values (× c, c²), computed in the scaled space so that squares stay in float64.
import type { ComponentsResult, Estimate } from '../contract/measure';

/** Mean and SE = sd/√N of f(i) over i < N (two passes). */
function meanSe(N: number, f: (i: number) => number): { mean: number; se: number } {
  let s = 0;
  for (let i = 0; i < N; i++) s += f(i);
  const mean = s / N;
  let v = 0;
  for (let i = 0; i < N; i++) v += (f(i) - mean) ** 2;
  return { mean, se: Math.sqrt(v / (N - 1) / N) };
}

/** Ā/B̄ with the delta-method SE √(Var(A − R B)/N)/B̄ (same networks in numerator and denominator). */
function ratioOfMeans(N: number, a: (i: number) => number, b: (i: number) => number): Estimate {
  let sa = 0,
    sb = 0;
  for (let i = 0; i < N; i++) {
    sa += a(i);
    sb += b(i);
  }
  const R = sa / sb,
    mb = sb / N;
  const d = meanSe(N, (i) => a(i) - R * b(i));
  return { estimate: R, stderr: d.se / mb };
}

/** thetaW, thetaB: per-network values divided by `scale` (> 0); N ≥ 2. */
export function summarizeComponents(thetaW: Float64Array, thetaB: Float64Array, scale = 1): ComponentsResult {
  const N = thetaW.length;
  if (thetaB.length !== N) throw new RangeError(`thetaW and thetaB differ in length (${N} vs ${thetaB.length})`);
  if (N < 2) throw new RangeError(`components need at least 2 networks (got ${N})`);
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`scale must be finite and > 0 (got ${scale})`);
  const W = (i: number) => thetaW[i],
    B = (i: number) => thetaB[i];
  const est = (m: { mean: number; se: number }, c: number): Estimate => ({ estimate: m.mean * c, stderr: m.se * c });
  const c2 = scale * scale;
  const T = (i: number) => thetaW[i] + thetaB[i];
  const T2 = (i: number) => T(i) * T(i);
  return {
    meanW: est(meanSe(N, W), scale),
    meanB: est(meanSe(N, B), scale),
    meanW2: est(
      meanSe(N, (i) => W(i) * W(i)),
      c2,
    ),
    meanB2: est(
      meanSe(N, (i) => B(i) * B(i)),
      c2,
    ),
    meanWB: est(
      meanSe(N, (i) => W(i) * B(i)),
      c2,
    ),
    shares: {
      meanW: ratioOfMeans(N, W, T),
      secondW: ratioOfMeans(N, (i) => W(i) * W(i), T2),
      secondB: ratioOfMeans(N, (i) => B(i) * B(i), T2),
      secondWB: ratioOfMeans(N, (i) => 2 * W(i) * B(i), T2),
    },
  };
}
