// One summary of a batch of sampled NTK values, as the measurement contract reports it
// (src-shared/contract/measure.ts):
// mean with its plain standard error, the App. C.3 dispersion with a bootstrap standard error (Seleznova & Kutyniok
// 2022 reports
// bootstrap errors too), and the heavy-tail share. Deterministic for a given (samples, seed).
// The bootstrap costs 200·N draws; above BOOTSTRAP_MAX_N samples the dispersion's SE comes from the delta method
// instead (same first-order SE, O(N)), so a 10⁷-sample summary still takes well under a second; partial results of a
// streaming job ask for the delta method too (`speed: 'fast'`), keeping the service's main thread free.
// The bootstrap is chunked: chunk c of BOOTSTRAP_CHUNKS draws its BOOTSTRAP_CHUNK_REPLICATES resamples from its own
// stream Rng(seed, BOOTSTRAP_STREAM + c), so the service can run the chunks on its worker pool and pass the replicate
// values in (`replicates`), and the SE is the same wherever, and on however many threads, the chunks ran.
import type { Estimate } from '../contract/measure';
import { Rng } from '../rng';
import { bootstrapReplicates, stderrOfReplicates } from './bootstrap';
import { dispersionOfNormalized } from './ratio-estimator';
import { ratioOfPairedMeans } from './relative-change';
import { topShareOfSquares } from './tail';

/** Bootstrap replicates for the dispersion SE (the SE itself is then known to ≈ 1/√(2·200) = 5 %). */
export const BOOTSTRAP_REPLICATES = 200;
/** Largest N whose dispersion SE is bootstrapped (≈ 2·10⁷ resampled values); above, the delta method. */
export const BOOTSTRAP_MAX_N = 100_000;
/** Replicates per bootstrap chunk (one pool block); BOOTSTRAP_REPLICATES is a multiple of it. */
export const BOOTSTRAP_CHUNK_REPLICATES = 25;
/** Number of bootstrap chunks. */
export const BOOTSTRAP_CHUNKS = BOOTSTRAP_REPLICATES / BOOTSTRAP_CHUNK_REPLICATES;
/** Stream index of bootstrap chunk 0's Rng (chunk c uses + c), apart from the sampler's streams (block indices). */
export const BOOTSTRAP_STREAM = 0x5eed_b007;

export type StderrMethod = 'bootstrap' | 'delta-method';

export interface SampleSummary {
  meanTheta: Estimate;
  dispersion: Estimate;
  tailShare: number;
  stderrMethod: StderrMethod;
}

export interface SummaryOptions {
  /** 'fast': delta-method SE for the dispersion (O(N)), for partial results while a job streams. Default: bootstrap. */
  speed?: 'fast' | 'final';
  /**
   * The dispersion's bootstrap replicates computed elsewhere (the worker pool): BOOTSTRAP_REPLICATES values, chunk c
   * at [25c, 25c + 25) = dispersionBootstrapChunk(normalizeForDispersion(samples), seed, c). Used only when the SE
   * method is the bootstrap; the result is then identical to computing them here. For summarizePairSamples they
   * belong to the off-diagonal samples.
   */
  replicates?: Float64Array;
}

export interface PairSummary {
  /** mean(θ(x, x̃)) / mean(θ(x, x)) over the same networks. */
  meanRatio: number;
  /** Its delta-method SE: Var ≈ (s²_off − 2R·cov + R²·s²_diag)/(N·mean_diag²). */
  meanRatioStderr: number;
  /** E[θ(x, x̃)²]/E[θ(x, x̃)]² (App. C.3 estimator) with its bootstrap SE. */
  dispersion: Estimate;
}

/** Mean and its standard error s/√N, computed on values divided by max|θ| so squares cannot overflow. */
export function meanWithStderr(samples: ArrayLike<number>): Estimate {
  const n = samples.length;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(samples[i]);
    if (!Number.isFinite(a)) throw new RangeError(`summary: sample ${i} is not a finite number (${samples[i]})`);
    if (a > scale) scale = a;
  }
  if (scale === 0) return { estimate: 0, stderr: 0 };
  let s = 0;
  for (let i = 0; i < n; i++) s += samples[i] / scale;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = samples[i] / scale - mean;
    ss += d * d;
  }
  return { estimate: mean * scale, stderr: Math.sqrt(ss / (n - 1) / n) * scale };
}

/**
 * θ/max|θ|: the values the dispersion and its bootstrap are computed on (the ratio is scale-free; squares stay finite).
 */
export function normalizeForDispersion(samples: ArrayLike<number>): Float64Array {
  const n = samples.length;
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(samples[i]));
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError('dispersion: samples must be finite and not all 0');
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = samples[i] / scale;
  return t;
}

/** The generator of bootstrap chunk `chunk` (its resamples are drawn from it in order). */
export function bootstrapChunkRng(seed: number, chunk: number): Rng {
  if (!Number.isInteger(chunk) || chunk < 0 || chunk >= BOOTSTRAP_CHUNKS)
    throw new RangeError(`bootstrap chunk must be an integer in [0, ${BOOTSTRAP_CHUNKS}) (got ${chunk})`);
  return new Rng(seed, BOOTSTRAP_STREAM + chunk);
}

/**
 * The App. C.3 dispersion on BOOTSTRAP_CHUNK_REPLICATES resamples of t (normalized values), chunk `chunk` of the
 * bootstrap.
 */
export function dispersionBootstrapChunk(t: Float64Array, seed: number, chunk: number): Float64Array {
  return bootstrapReplicates(t, dispersionOfNormalized, BOOTSTRAP_CHUNK_REPLICATES, bootstrapChunkRng(seed, chunk));
}

/**
 * All BOOTSTRAP_REPLICATES replicate values of the dispersion bootstrap, the chunks computed here one after another.
 */
export function dispersionBootstrapReplicates(t: Float64Array, seed: number): Float64Array {
  const values = new Float64Array(BOOTSTRAP_REPLICATES);
  for (let c = 0; c < BOOTSTRAP_CHUNKS; c++)
    values.set(dispersionBootstrapChunk(t, seed, c), c * BOOTSTRAP_CHUNK_REPLICATES);
  return values;
}

/** App. C.3 estimate and its SE (bootstrap: from `replicates` when given, else computed here; or delta method). */
function dispersionWithStderr(
  samples: ArrayLike<number>,
  seed: number,
  method: StderrMethod,
  replicates?: Float64Array,
): Estimate {
  const t = normalizeForDispersion(samples);
  const estimate = dispersionOfNormalized(t);
  if (method === 'delta-method') return { estimate, stderr: deltaMethodStderr(t) };
  if (replicates && replicates.length !== BOOTSTRAP_REPLICATES)
    throw new RangeError(`summary: expected ${BOOTSTRAP_REPLICATES} bootstrap replicates (got ${replicates.length})`);
  return { estimate, stderr: stderrOfReplicates(replicates ?? dispersionBootstrapReplicates(t, seed)) };
}

/**
 * First-order SE of μ̂₂/μ̂₁² (the estimators differ by O(1/N)): with g = μ₂/μ₁², ∇g = (−2μ₂/μ₁³, 1/μ₁²) and the
 * covariance of (θ, θ²) per sample, Var ≈ ∇gᵀ Σ ∇g / N. Values already scaled to |t| ≤ 1.
 */
export function deltaMethodStderr(t: Float64Array): number {
  const n = t.length;
  let m1 = 0,
    m2 = 0,
    m3 = 0,
    m4 = 0;
  for (let i = 0; i < n; i++) {
    const v = t[i],
      v2 = v * v;
    m1 += v;
    m2 += v2;
    m3 += v2 * v;
    m4 += v2 * v2;
  }
  m1 /= n;
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const g1 = (-2 * m2) / (m1 * m1 * m1),
    g2 = 1 / (m1 * m1);
  const var1 = m2 - m1 * m1,
    cov = m3 - m1 * m2,
    var2 = m4 - m2 * m2;
  const v = g1 * g1 * var1 + 2 * g1 * g2 * cov + g2 * g2 * var2;
  return Math.sqrt(Math.max(0, v) / n);
}

/** Summary of N ≥ 3 samples of Θ(x, x). */
export function summarizeSamples(samples: ArrayLike<number>, seed: number, opts: SummaryOptions = {}): SampleSummary {
  if (samples.length < 3) throw new RangeError(`summary needs at least 3 samples (got ${samples.length})`);
  const stderrMethod = stderrMethodFor(samples.length, opts);
  return {
    meanTheta: meanWithStderr(samples),
    dispersion: dispersionWithStderr(samples, seed, stderrMethod, opts.replicates),
    tailShare: topShareOfSquares(samples, 0.01),
    stderrMethod,
  };
}

/** The dispersion SE method a summary of n samples takes with these options. */
export function stderrMethodFor(n: number, opts: SummaryOptions = {}): StderrMethod {
  return opts.speed === 'fast' || n > BOOTSTRAP_MAX_N ? 'delta-method' : 'bootstrap';
}

/** Off-diagonal summary from paired samples θ(x, x) and θ(x, x̃) of the same N ≥ 3 networks. */
export function summarizePairSamples(
  theta: ArrayLike<number>,
  thetaOff: ArrayLike<number>,
  seed: number,
  opts: SummaryOptions = {},
): PairSummary {
  if (theta.length !== thetaOff.length)
    throw new RangeError(`paired summary: ${theta.length} diagonal vs ${thetaOff.length} off-diagonal samples`);
  if (theta.length < 3) throw new RangeError(`summary needs at least 3 samples (got ${theta.length})`);
  const diag = meanWithStderr(theta).estimate;
  if (!(diag > 0)) throw new RangeError('paired summary: mean of θ(x, x) is not positive');
  return {
    meanRatio: meanWithStderr(thetaOff).estimate / diag,
    meanRatioStderr: ratioOfPairedMeans(thetaOff, theta).stderr,
    dispersion: dispersionWithStderr(thetaOff, seed, stderrMethodFor(theta.length, opts), opts.replicates),
  };
}
