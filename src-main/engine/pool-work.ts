// What the sampling pool runs: a measurement (Θ at initialization, issue 3) or a first-GD-step experiment (issue 4).
// Either is split into blocks of networks; block b depends only on (work, b), so results do not depend on the
// number of workers. A block returns float64 arrays with one value per network that stayed finite.
import type { GdStepParams } from '../../src-shared/contract/gd-step';
import type { MeasureParams } from '../../src-shared/contract/measure';
import type { SamplerActivationName } from '../../src-shared/network/activations';
import type { NonlinearityMode } from '../../src-shared/theory/freeze-chaos/index';

/** One depth of an NTK-spectrum measurement (src-shared/contract/ntk-spectrum.ts). */
export interface SpectrumWork {
  activation: SamplerActivationName;
  sigmaW2: number;
  sigmaB2: number;
  width: number;
  depth: number;
  inputs: number;
  inputCos: number;
  samples: number;
  seed: number;
}

/**
 * The dispersion bootstrap of a finished measurement (src-shared/stats/summary.ts): block c is chunk c, `chunk`
 * replicates drawn from the chunk's own stream, so the replicate values do not depend on the worker count.
 */
export interface BootstrapWork {
  /** The samples divided by their maximum (normalizeForDispersion). */
  values: Float64Array;
  seed: number;
  /** Total replicates (BOOTSTRAP_REPLICATES) and replicates per block (BOOTSTRAP_CHUNK_REPLICATES). */
  replicates: number;
  chunk: number;
}

/** One depth of a measured freeze/chaos point (src-shared/contract/freeze-chaos.ts). */
export interface FreezeChaosWork {
  activation: string;
  nonlinearity: NonlinearityMode;
  beta: number;
  depth: number;
  width: number;
  cos: number;
  samples: number;
  seed: number;
}

/**
 * The paired bootstrap of a finished first-GD-step experiment (src-shared/stats/relative-change.ts): one block that
 * runs relativeChange's bootstrap on (before, after) with Rng(seed, stream), exactly as the main thread would, and
 * returns the two standard errors (theta: E[ΔΘ]/E[Θ], thetaAfter: E[|ΔΘ|]/E[Θ]).
 */
export interface PairedBootstrapWork {
  before: Float64Array;
  after: Float64Array;
  seed: number;
  stream: number;
  replicates: number;
}

/**
 * One (width, layer) of a measured-DKS-maps job (src-shared/contract/dks-measure.ts): `depth` is the layer l. With
 * `ntk`, Θ(x, x) of the chain of `depth` layers plus a linear readout instead (one value per network).
 */
export interface DksChainWork {
  ntk?: boolean;
  activation: string;
  /** φ̂ = γ(φ(αu + β) + δ), or null for φ itself. */
  transform: { alpha: number; beta: number; gamma: number; delta: number } | null;
  width: number;
  depth: number;
  cos: number;
  samples: number;
  seed: number;
}

export type PoolWork =
  | { kind: 'measure'; params: MeasureParams }
  | { kind: 'gd-step'; params: GdStepParams }
  | { kind: 'ntk-gram'; params: SpectrumWork }
  | { kind: 'freeze-chaos'; params: FreezeChaosWork }
  | { kind: 'bootstrap'; params: BootstrapWork }
  | { kind: 'paired-bootstrap'; params: PairedBootstrapWork }
  | { kind: 'dks-chain'; params: DksChainWork };

/** The per-network arrays a block may return, all of one length (count − diverged). */
export const BLOCK_ARRAYS = [
  'theta',
  'thetaOff',
  'thetaAfter',
  'thetaOffAfter',
  'lambdaMax',
  'bulk',
  'thetaW',
  'thetaB',
  'logTheta',
  'logThetaAfter',
  'logAbsDelta',
  'deltaSign',
  'logThetaOff',
  'thetaOffSign',
  'logAbsDeltaOff',
  'deltaOffSign',
] as const;

export interface BlockArrays {
  /** Θ(x, x) at initialization (bootstrap work: the chunk's replicate values of the statistic). */
  theta: Float64Array;
  /** Θ(x, x̃) at initialization, when a second input was asked for. */
  thetaOff?: Float64Array;
  /** Θ(x, x) after the GD step (gd-step work). */
  thetaAfter?: Float64Array;
  /** Θ(x, x̃) after the GD step (gd-step work with a second input). */
  thetaOffAfter?: Float64Array;
  /** Largest eigenvalue of the network's m×m NTK Gram matrix (ntk-gram work). */
  lambdaMax?: Float64Array;
  /** Mean of its other m − 1 eigenvalues (ntk-gram work). */
  bulk?: Float64Array;
  /** Θ_W(x, x) and Θ_b(x, x), the weight and bias parts of theta (measure work with params.components). */
  thetaW?: Float64Array;
  thetaB?: Float64Array;
  /**
   * gd-step work, exact sampler, only in a block where some kernel is ±∞ (beyond float64): ln Θ, ln Θ′, ln|Θ′ − Θ|
   * and sign(Θ′ − Θ) per network (GdStepSamples.logs).
   */
  logTheta?: Float64Array;
  logThetaAfter?: Float64Array;
  logAbsDelta?: Float64Array;
  deltaSign?: Float64Array;
  /** With a second input, alongside logTheta: ln|Θ(x, x̃)|, its sign, ln|ΔΘ(x, x̃)| and its sign. */
  logThetaOff?: Float64Array;
  thetaOffSign?: Float64Array;
  logAbsDeltaOff?: Float64Array;
  deltaOffSign?: Float64Array;
  /** Networks dropped from the arrays because their step left float64 (gd-step work). */
  diverged?: number;
}

/** Units of work the pool splits into blocks: networks, or bootstrap replicates. */
export function workSamples(work: PoolWork): number {
  if (work.kind === 'paired-bootstrap') return 1; // one block: its replicates share one stream
  return work.kind === 'bootstrap' ? work.params.replicates : work.params.samples;
}

/** The pool's own input check of a finished block: every array a Float64Array of the one expected length. */
export function blockShapeError(out: BlockArrays, count: number): string | null {
  const diverged = out.diverged ?? 0;
  if (!Number.isInteger(diverged) || diverged < 0 || diverged > count) return `diverged count ${String(out.diverged)}`;
  const expected = count - diverged;
  for (const key of BLOCK_ARRAYS) {
    const a = out[key];
    if (a === undefined && key !== 'theta') continue;
    if (!(a instanceof Float64Array) || a.length !== expected) return `${key} (expected ${expected} float64 values)`;
  }
  return null;
}
