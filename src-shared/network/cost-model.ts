// The lab's calibrated cost model: every measured throughput the lab plans, estimates or refuses work with, in one
// place. The numbers are measurements, not tunables: re-measure with the bench named at each and change them here.
//
//   SAMPLER_COST      feasibility checks (refusals) of the float64 samplers, single core, deliberately conservative:
//                     bench/samplers.ts (exact diagonal, lazy Gaussian, dense) and bench/gd-step.ts (the GD step),
//                     JavaScript on a 2.8 GHz Xeon. Work above FEASIBILITY_LIMITS is refused with the estimate.
//   MEASURE_COST      ETA of measurement jobs (presets, the runner's progress): bench/presets.ts on the 2-core CI box,
//                     both workers busy, WebAssembly where it runs. Fig. 1: 8.6 s predicted, 7.9–9.0 s measured;
//                     Fig. 7: 27 s measured (54 s in JavaScript, about 2 min with the generic lazy sampler). The
//                     presets panel shows the estimate before a run; the ETA during a run rescales it by the
//                     measured throughput.
//   TRAIN_CPU_FLOPS_PER_SECOND  effective TensorFlow.js training rate on the CPU (tfjs-wasm, one thread): the
//                     training-dynamics contract's default run, 8.9e10 flop by estimateTrainDynamicsCost, took 16.5 s
//                     wall on the idle 2-core VM (75 s when the VM ran other jobs at load ≈ 8); 20 s is used, a little
//                     under the idle rate. A finished run's own rate replaces it in the panel.
import type { MeasureParams } from '../contract/measure';

/** What the samplers' feasibility checks accept: single-core time of the whole job and memory of one worker. */
export const FEASIBILITY_LIMITS = { maxSeconds: 3600, maxBytes: 1024 ** 3 } as const;

/** Single-core sampler throughput for the feasibility checks (conservative; see the file comment). */
export const SAMPLER_COST = {
  /** Exact O(L) diagonal sampler: seconds per layer per network. */
  exactSecondsPerLayer: 2e-7,
  /** Lazy-Gaussian sampler: seconds per input per hidden unit (k·Σ n_l) per network. */
  lazySecondsPerUnit: 4e-7,
  /** Lazy-Gaussian GD step: per input per hidden unit, both passes before and after the step. */
  lazyStepSecondsPerUnit: 1.5e-6,
  /** Dense materialized networks (denseCost's flops). */
  denseFlopsPerSecond: 3e8,
  /** One Gaussian draw (Marsaglia polar, two 53-bit uniforms per attempt) in multiply-add units, for denseCost. */
  denseGaussianFlops: 12,
} as const;

/** Sampler seconds of N networks of depth L with the exact diagonal sampler. */
export function exactSamplingSeconds(N: number, L: number): number {
  return N * L * SAMPLER_COST.exactSecondsPerLayer;
}

/** Sampler seconds of N networks on `inputs` inputs with `units` hidden units in all (lazy Gaussian). */
export function lazySamplingSeconds(N: number, inputs: number, units: number): number {
  return N * inputs * units * SAMPLER_COST.lazySecondsPerUnit;
}

/** Seconds of one GD step on N networks (lazy-Gaussian step sampler). */
export function lazyGdStepSeconds(N: number, inputs: number, units: number): number {
  return N * inputs * units * SAMPLER_COST.lazyStepSecondsPerUnit;
}

/** Seconds of an NTK-spectrum sample at one depth: N networks on m inputs (m² Gram entries), L layers of width M. */
export function spectrumSamplingSeconds(N: number, m: number, L: number, width: number): number {
  return N * m * m * L * width * SAMPLER_COST.lazySecondsPerUnit;
}

/** Seconds of `flops` of dense float64 work. */
export function denseSeconds(flops: number): number {
  return flops / SAMPLER_COST.denseFlopsPerSecond;
}

/** Single-core seconds of measurement jobs, for ETAs (see the file comment). */
const MEASURE_COST = {
  /** Exact diagonal sampler (WebAssembly), both workers busy: per layer per network. */
  exactSecondsPerLayer: 7e-8,
  /**
   * Its components mode (exact-components.ts, JavaScript per-layer passes): ≈ 0.3–0.55 µs per layer per network
   * measured once on the 2-core dev machine under load (20 000 networks, L = 50); not yet in bench/.
   */
  exactComponentsSecondsPerLayer: 5e-7,
  /** Two-input sampler (lazy-pair-fast.ts, WebAssembly for ReLU): per (L·M) per network. */
  lazyPairSecondsPerUnit: 7e-8,
  /** Summary of a finished job (bootstrap SE, 200 resamples on the workers, the rest on the main thread). */
  summarySecondsPerSample: 5e-7, // per sample
  /** Round trip of one job (start, events, done) through a transport. */
  secondsPerJob: 4e-3,
} as const;

type CostParams = Pick<MeasureParams, 'depth' | 'width' | 'samples' | 'pairCos' | 'components'>;

/** Worker seconds of sampling one job: N·L (exact sampler) or N·L·M (pair sampler). */
function jobSamplingSeconds(params: CostParams): number {
  const { depth, width, samples } = params;
  return (
    samples *
    (params.pairCos !== undefined
      ? MEASURE_COST.lazyPairSecondsPerUnit * depth * width
      : params.components
        ? MEASURE_COST.exactComponentsSecondsPerLayer * depth
        : MEASURE_COST.exactSecondsPerLayer * depth)
  );
}

/**
 * Single-core seconds one job is expected to take, sampling plus summary (the unit the runner measures throughput in).
 */
export function jobCostSeconds(params: CostParams): number {
  return (
    jobSamplingSeconds(params) + params.samples * MEASURE_COST.summarySecondsPerSample + MEASURE_COST.secondsPerJob
  );
}

/** Expected wall time of the job list: sampling spread over `workers`; summaries and round trips one after another. */
export function estimatePresetSeconds(jobs: readonly { params: CostParams }[], workers: number): number {
  if (!Number.isInteger(workers) || workers < 1)
    throw new RangeError(`workers must be an integer ≥ 1, got ${String(workers)}`);
  let sampling = 0;
  let summaries = 0;
  for (const j of jobs) {
    sampling += jobSamplingSeconds(j.params);
    summaries += j.params.samples * MEASURE_COST.summarySecondsPerSample + MEASURE_COST.secondsPerJob;
  }
  return sampling / workers + summaries;
}

/** Effective training rate of TensorFlow.js on the CPU, flop/s (see the file comment). */
export const TRAIN_CPU_FLOPS_PER_SECOND = 8.9e10 / 20;
