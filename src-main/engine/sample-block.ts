// What a sampling worker runs: one block of networks for a measurement, routed to the right sampler.
// Block b always uses new Rng(seed, b), so a measurement is the same whatever the number of workers or their order.
// Routes: method 'exact' with σ_b² = 0 and one input → the O(L) exact diagonal sampler (docs/exact-sampler.md);
// 'exact' with biases or a second input → the lazy-Gaussian sampler (exact in distribution, O(L·M) per network);
// 'dense' → the materialized reference. checkFeasible refuses work that would not finish or not fit in float64.
import type { MeasureParams } from '../../src-shared/contract/measure';
import {
  FEASIBILITY_LIMITS,
  denseSeconds,
  exactSamplingSeconds,
  lazySamplingSeconds,
} from '../../src-shared/network/cost-model';
import { LIMITS } from '../../src-shared/params';
import { Rng } from '../../src-shared/rng';
import { denseCost, sampleDense } from './dense';
import { sampleExactComponentsScaled } from './exact-components';
import { logMeanTheta, sampleExactDiagonal } from './exact-diagonal';
import { LAZY_MAX_STORED_VALUES, sampleLazyGaussian } from './lazy-gaussian';

/** Networks per block: small enough to stream progress, large enough to amortize per-block setup. */
export const BLOCK_SIZE = 500;

export type SamplerRoute = 'exact-diagonal' | 'lazy-gaussian' | 'dense';

export function routeOf(params: MeasureParams): SamplerRoute {
  if (params.method === 'dense') return 'dense';
  return (params.sigmaB2 ?? 0) === 0 && params.pairCos === undefined ? 'exact-diagonal' : 'lazy-gaussian';
}

/**
 * [n₀, M, …, M]: input dimension and L − 1 hidden layers of width M (any job's network: measure, gd-step, …), or the
 * measurement's own profile params.widths when it gives one.
 */
export function widthsOf(
  params: Pick<MeasureParams, 'depth' | 'width' | 'inputDim'> & { widths?: readonly number[] },
): number[] {
  if (params.widths) return [...params.widths];
  const widths = new Array<number>(params.depth);
  widths[0] = params.inputDim;
  for (let l = 1; l < params.depth; l++) widths[l] = params.width;
  return widths;
}

/**
 * Samples `count` networks of block `block`: θ(x, x), θ(x, x̃) when params.pairCos is set, and its parts Θ_W, Θ_b
 * when params.components is set (the exact route only; checkFeasible refuses the others).
 */
export function runBlock(
  params: MeasureParams,
  block: number,
  count: number,
): { theta: Float64Array; thetaOff?: Float64Array; thetaW?: Float64Array; thetaB?: Float64Array } {
  if (!Number.isInteger(block) || block < 0) throw new RangeError(`block must be an integer ≥ 0 (got ${block})`);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be an integer ≥ 0 (got ${count})`);
  const rng = new Rng(params.seed, block);
  const widths = widthsOf(params);
  const sigmaB2 = params.sigmaB2 ?? 0;
  switch (routeOf(params)) {
    case 'exact-diagonal': {
      if (!params.components) return { theta: sampleExactDiagonal(params.sigmaW2, widths, count, rng) };
      const r = sampleExactComponentsScaled(params.sigmaW2, widths, count, rng);
      const s = Math.exp(r.logScale); // finite: checkFeasible bounds E[Θ]
      const theta = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        theta[i] = (r.thetaW[i] + r.thetaB[i]) * s;
        r.thetaW[i] *= s;
        r.thetaB[i] *= s;
      }
      return { theta, thetaW: r.thetaW, thetaB: r.thetaB };
    }
    case 'lazy-gaussian': {
      const r = sampleLazyGaussian({ sigmaW2: params.sigmaW2, sigmaB2, widths, pairCos: params.pairCos }, count, rng);
      return r.thetaOff ? { theta: r.theta, thetaOff: r.thetaOff } : { theta: r.theta };
    }
    case 'dense': {
      const r = sampleDense({ sigmaW2: params.sigmaW2, sigmaB2, widths, pairCos: params.pairCos }, count, rng);
      return r.thetaOff ? { theta: r.theta, thetaOff: r.thetaOff } : { theta: r.theta };
    }
  }
}

const LOG_MAX_VALUE = Math.log(Number.MAX_VALUE);

function fmtSeconds(s: number): string {
  if (s < 120) return `${s.toPrecision(2)} s`;
  if (s < 7200) return `${(s / 60).toPrecision(2)} min`;
  if (s < 2 * 86400) return `${(s / 3600).toPrecision(2)} h`;
  return `${(s / 86400).toPrecision(2)} days`;
}

export function fmtBytes(b: number): string {
  if (b < 1024 ** 2) return `${(b / 1024).toPrecision(2)} KiB`;
  if (b < 1024 ** 3) return `${(b / 1024 ** 2).toPrecision(2)} MiB`;
  return `${(b / 1024 ** 3).toPrecision(2)} GiB`;
}

export function tooSlow(seconds: number, what: string): { ok: false; reason: string } | null {
  if (seconds <= FEASIBILITY_LIMITS.maxSeconds) return null;
  return {
    ok: false,
    reason: `${what} would take about ${fmtSeconds(seconds)} on one core (limit ${fmtSeconds(FEASIBILITY_LIMITS.maxSeconds)}); use fewer samples, a smaller network, or method 'exact'`,
  };
}

/** Why params.widths is not a profile of this network (null when absent or fine). */
function checkProfile(params: MeasureParams): string | null {
  const w = params.widths;
  if (w === undefined) return null;
  if (w.length !== params.depth)
    return `widths must list depth = ${params.depth} values [n₀, n₁, …, n_{L−1}] (got ${w.length})`;
  if (w[0] !== params.inputDim) return `widths[0] (n₀) must equal inputDim = ${params.inputDim} (got ${w[0]})`;
  for (let l = 1; l < w.length; l++)
    if (w[l] > LIMITS.widthMax) return `widths[${l}] must be ≤ ${LIMITS.widthMax} (got ${w[l]})`;
  if (params.method !== 'exact') return "widths (a width profile) needs method 'exact'";
  return null;
}

/**
 * Refuses measurements that cannot finish in reasonable time or memory (with the estimate in the message), and
 * exact runs whose Θ values would leave float64: by Markov's inequality P(max of N samples > t·E[Θ]) ≤ N/t, so
 * E[Θ]·N·1e6 < 1.8e308 keeps every sample finite with probability ≥ 1 − 1e-6.
 */
export function checkFeasible(params: MeasureParams): { ok: true } | { ok: false; reason: string } {
  const route = routeOf(params);
  const widths = widthsOf(params);
  const N = params.samples;
  const profile = checkProfile(params);
  if (profile) return { ok: false, reason: profile };
  if (params.components && route !== 'exact-diagonal')
    return {
      ok: false,
      reason: "components (Θ_W, Θ_b) are measured by the exact sampler only: σ_b² = 0, no pairCos, method 'exact'",
    };
  if (N < 3) return { ok: false, reason: `at least 3 samples are needed to estimate the dispersion (got ${N})` };
  const L = params.depth;
  if (route === 'exact-diagonal') {
    const logMean = logMeanTheta(params.sigmaW2, widths);
    const logBound = logMean + Math.log(N) + Math.log(1e6);
    if (logBound > LOG_MAX_VALUE) {
      const decades = Math.floor(logMean / Math.LN10);
      return {
        ok: false,
        reason:
          `Θ leaves float64: E[Θ] ≈ 1e${decades} at σ_w² = ${params.sigmaW2}, L = ${L} (it grows like (σ_w²/2)^L), and keeping the largest of ` +
          `${N} samples finite (Markov bound, probability 1 − 10⁻⁶) needs E[Θ]·N·10⁶ < 1.8e308. Lower the depth or σ_w².`,
      };
    }
    if (params.components && 2 * logMean + Math.log(1e6) > LOG_MAX_VALUE)
      return {
        ok: false,
        reason: `components: E[Θ_W²] ≈ E[Θ]² ≈ 1e${Math.floor((2 * logMean) / Math.LN10)} leaves float64 at σ_w² = ${params.sigmaW2}, L = ${L}. Lower the depth or σ_w².`,
      };
    return tooSlow(exactSamplingSeconds(N, L), `sampling ${N} networks of depth ${L}`) ?? { ok: true };
  }
  const inputs = params.pairCos === undefined ? 1 : 2;
  if (route === 'lazy-gaussian') {
    let units = 0,
      stored = 0;
    for (let l = 1; l <= L; l++) {
      const nOut = l < L ? widths[l] : 1;
      units += nOut;
      stored += inputs * (2 * (l === 1 ? inputs : widths[l - 1]) + 4 * nOut);
    }
    if (stored > LAZY_MAX_STORED_VALUES)
      return {
        ok: false,
        reason: `network too large for the lazy sampler: about ${fmtBytes(8 * stored)} of state (limit ${fmtBytes(8 * LAZY_MAX_STORED_VALUES)})`,
      };
    return (
      tooSlow(
        lazySamplingSeconds(N, inputs, units),
        `sampling ${N} networks (lazy Gaussian, ${inputs} input${inputs > 1 ? 's' : ''})`,
      ) ?? { ok: true }
    );
  }
  const cost = denseCost(widths, inputs);
  if (cost.bytes > FEASIBILITY_LIMITS.maxBytes)
    return {
      ok: false,
      reason: `a dense network of this size needs about ${fmtBytes(cost.bytes)} per worker (limit ${fmtBytes(FEASIBILITY_LIMITS.maxBytes)}); use method 'exact'`,
    };
  return (
    tooSlow(
      denseSeconds(N * cost.flopsPerNetwork),
      `materializing ${N} dense networks (${cost.flopsPerNetwork.toExponential(1)} flops each)`,
    ) ?? { ok: true }
  );
}
