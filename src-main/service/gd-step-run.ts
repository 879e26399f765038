// One first-GD-step experiment on the pool: merge the blocks in block order and turn the paired samples
// (Θ before, Θ after) into GdStepResults — partial ones (delta-method SEs, throttled) while blocks arrive, and the
// final one (paired-bootstrap SEs up to BOOTSTRAP_MAX_N networks, as measurements do).
import type { GdStepParams, GdStepResult, LogEstimate } from '../../src-shared/contract/gd-step';
import { Rng } from '../../src-shared/rng';
import { logMeanWithRelStderr, logRelativeChange } from '../../src-shared/stats/log-space';
import { relativeChange, type RatioEstimate, type RelativeChange } from '../../src-shared/stats/relative-change';
import { BOOTSTRAP_MAX_N, BOOTSTRAP_REPLICATES, meanWithStderr } from '../../src-shared/stats/summary';
import { topShareOfSquares } from '../../src-shared/stats/tail';
import { PoolJobError, type BlockOutput, type WorkerPool } from '../engine/worker-pool';
import { LabServiceError } from './lab-error';
import { ProgressBudget } from './progress-budget';
import { SampleBuffer } from './sample-buffer';
import type { GdStepLogs, GdStepOffLogs } from '../engine/gd-step-exact';
import { gdStepReluKernel } from '../engine/gd-step-exact-fast';
import { kernelEngine, poolBackend } from './measure-run';

/** Stream of the bootstrap's Rng (apart from the samplers' block streams). */
const BOOTSTRAP_STREAM = 0x6d57_b007;

/** Where the step's networks run on the pool (measure-run.ts poolBackend): one input takes the closed form
 *  (sampleGdStepExact), whose loop is WebAssembly where gdStepReluKernel says so and the module loads. */
function gdStepBackend(params: GdStepParams): string {
  if (params.method === 'dense') return poolBackend('dense');
  if (params.pairCos !== undefined) return poolBackend('lazy-gaussian');
  return poolBackend(
    'gd-step-one-input',
    gdStepReluKernel(params.activation === 'relu', params.depth) ? kernelEngine() : 'JavaScript',
  );
}

const finiteChange = (c: RelativeChange): boolean =>
  [c.relativeChange, c.absRelativeChange].every((e) => Number.isFinite(e.estimate) && Number.isFinite(e.stderr));

/** Estimates or SEs that left float64 are refused with what is known, never sent as NaN/Infinity. */
function beyondFloat64(what: string, c: RelativeChange): void {
  for (const e of [c.relativeChange, c.absRelativeChange]) {
    if (Number.isFinite(e.estimate) && Number.isFinite(e.stderr)) continue;
    const est = Number.isFinite(e.estimate) ? `≈ ${e.estimate.toPrecision(3)}` : 'beyond float64';
    throw new LabServiceError(
      'failed',
      `${what} is ${est} and its standard error is beyond float64: a few networks dominate every mean; lower η, σ_w² or the depth`,
    );
  }
}

/** Share of Σ ΔΘ² carried by the top 1 % of the first `count` networks (0 when no network changed at all). */
export function deltaTailShare(before: Float64Array, after: Float64Array, count: number): number {
  const delta = new Float64Array(count);
  let any = false;
  for (let i = 0; i < count; i++) {
    delta[i] = after[i] - before[i];
    any ||= delta[i] !== 0;
  }
  return any ? topShareOfSquares(delta) : 0;
}

export interface GdStepRunOptions {
  onProgress?: (r: GdStepResult) => void;
  signal?: AbortSignal;
  /** Minimum time between partial results (ms). */
  progressIntervalMs?: number;
  /** Main-thread time for partial summaries, shared by all the service's jobs (default: this run's own). */
  budget?: ProgressBudget;
}

/**
 * Paired per-network kernels before/after the step; the first `count` entries are kept networks (finite, or ±∞ in
 * theta/thetaAfter with finite `logs` where Θ′ left float64).
 */
export interface GdStepData {
  theta: Float64Array;
  thetaAfter: Float64Array;
  /**
   * Per-network logarithms (GdStepSamples.logs), once some block held a Θ or Θ′ beyond float64: that block's from the
   * sampler, the others' from their plain values.
   */
  logs?: GdStepLogs;
  thetaOff?: Float64Array;
  thetaOffAfter?: Float64Array;
  count: number;
  diverged: number;
}

/** Paired-bootstrap SEs computed elsewhere (on the pool): [E[ΔΘ]/E[Θ], E[|ΔΘ|]/E[Θ]] per kernel entry. */
export interface GdStepStderrs {
  diag: [number, number];
  off?: [number, number];
}

/**
 * The GdStepResult of the data so far: delta-method SEs while streaming, paired bootstrap for the final one (its SEs
 * from `stderrs` when the pool computed them, else here).
 */
function gdStepResult(
  params: GdStepParams,
  data: GdStepData,
  done: boolean,
  seconds: number,
  backend: string,
  stderrs?: GdStepStderrs,
): GdStepResult {
  const { count: finite, diverged } = data;
  const n = params.samples;
  if (finite < 3) {
    throw new LabServiceError(
      'failed',
      `only ${finite} of ${n} networks took a finite step (${diverged} overflowed): the relative change cannot be estimated; lower η or the depth`,
    );
  }
  const boot = done && finite <= BOOTSTRAP_MAX_N;
  const change = (before: Float64Array, after: Float64Array, stream: number, se?: [number, number]): RelativeChange => {
    if (boot && se) {
      // the estimates do not depend on the SE method; the SEs are the pool's run of the same bootstrap
      const c = relativeChange(before.subarray(0, finite), after.subarray(0, finite));
      [c.relativeChange.stderr, c.absRelativeChange.stderr] = se;
      return c;
    }
    return relativeChange(
      before.subarray(0, finite),
      after.subarray(0, finite),
      boot ? { stderr: 'bootstrap', replicates: BOOTSTRAP_REPLICATES, rng: new Rng(params.seed, stream) } : {},
    );
  };
  // the per-network logs where a kernel or ratio left float64: the sampler's, else taken once from the plain values
  const allLogs = needsLogs(data)
    ? (data.logs ?? logsOfPlain(data.theta, data.thetaAfter, finite, data.thetaOff, data.thetaOffAfter))
    : undefined;
  const logs = allLogs && logSummary(allLogs, finite);
  const diag = logs?.change ?? change(data.theta, data.thetaAfter, BOOTSTRAP_STREAM, stderrs?.diag);
  beyondFloat64('E[ΔΘ(x,x)]/E[Θ(x,x)]', diag);
  const r: GdStepResult = {
    sigmaW2: params.sigmaW2,
    depth: params.depth,
    width: params.width,
    inputDim: params.inputDim,
    sigmaB2: params.sigmaB2,
    activation: params.activation,
    lr: params.lr,
    target: params.target,
    scale: params.scale,
    inputNorm: params.inputNorm,
    samples: finite,
    samplesRequested: n,
    seed: params.seed,
    method: params.method,
    backend,
    relativeChange: diag.relativeChange,
    absRelativeChange: diag.absRelativeChange,
    meanTheta: logs?.meanTheta ?? meanWithStderr(data.theta.subarray(0, finite)),
    tailShare: logs?.tailShare ?? deltaTailShare(data.theta, data.thetaAfter, finite),
    diverged,
    seconds,
    done,
  };
  if (logs) Object.assign(r, logs.fields);
  if (params.pairCos !== undefined) {
    if (!data.thetaOff || !data.thetaOffAfter)
      throw new Error('the GD-step sampler returned no off-diagonal kernels although pairCos was given');
    r.pairCos = params.pairCos;
    if (allLogs) {
      if (!allLogs.off)
        throw new Error('the GD-step sampler returned no off-diagonal logarithms although pairCos was given');
      r.offDiagonal = offLogSummary(allLogs.off, finite);
    } else {
      const off = change(data.thetaOff, data.thetaOffAfter, BOOTSTRAP_STREAM + 1, stderrs?.off);
      beyondFloat64('E[ΔΘ(x,x̃)]/E[Θ(x,x̃)]', off);
      r.offDiagonal = { relativeChange: off.relativeChange, absRelativeChange: off.absRelativeChange };
    }
  }
  return r;
}

/**
 * Per-network ln Θ, ln Θ′, ln|Θ′ − Θ|, sign(Θ′ − Θ) of the first n plain (finite) values; with the off-diagonal
 * kernels, their logs too (GdStepOffLogs).
 */
function logsOfPlain(
  theta: ArrayLike<number>,
  thetaAfter: ArrayLike<number>,
  n: number,
  thetaOff?: ArrayLike<number>,
  thetaOffAfter?: ArrayLike<number>,
): GdStepLogs {
  const vec = () => new Float64Array(n);
  const logs: GdStepLogs = { theta: vec(), thetaAfter: vec(), absDelta: vec(), deltaSign: vec() };
  for (let i = 0; i < n; i++) {
    const d = thetaAfter[i] - theta[i];
    logs.theta[i] = Math.log(theta[i]);
    logs.thetaAfter[i] = Math.log(thetaAfter[i]);
    logs.absDelta[i] = Math.log(Math.abs(d));
    logs.deltaSign[i] = Math.sign(d);
  }
  if (thetaOff && thetaOffAfter) {
    const off: GdStepOffLogs = { theta: vec(), thetaSign: vec(), absDelta: vec(), deltaSign: vec() };
    for (let i = 0; i < n; i++) {
      const d = thetaOffAfter[i] - thetaOff[i];
      off.theta[i] = Math.log(Math.abs(thetaOff[i]));
      off.thetaSign[i] = Math.sign(thetaOff[i]);
      off.absDelta[i] = Math.log(Math.abs(d));
      off.deltaSign[i] = Math.sign(d);
    }
    logs.off = off;
  }
  return logs;
}

/**
 * Whether the plain summary cannot serve: a kernel beyond float64 (then the sampler sent logs), or a ratio or SE
 * that would overflow.
 */
function needsLogs(data: GdStepData): boolean {
  if (data.logs) return true;
  const n = data.count;
  const pairs: Array<[Float64Array, Float64Array]> = [[data.theta, data.thetaAfter]];
  if (data.thetaOff && data.thetaOffAfter) pairs.push([data.thetaOff, data.thetaOffAfter]);
  for (const [before, after] of pairs)
    for (let i = 0; i < n; i++) if (!(Number.isFinite(before[i]) && Number.isFinite(after[i]))) return true;
  if (n < 2) return false;
  try {
    return pairs.some(([before, after]) => !finiteChange(relativeChange(before.subarray(0, n), after.subarray(0, n))));
  } catch {
    return false; // the plain summary says why
  }
}

/** ±e^ℓ with its SE where float64 holds them, else saturated at ±Number.MAX_VALUE (the log field has the value). */
function fromLog(logAbs: number, sign: number, relStderr: number): RatioEstimate {
  const sat = (v: number) => (Number.isFinite(v) ? v : Number.MAX_VALUE);
  return { estimate: sign * sat(Math.exp(logAbs)), stderr: sat(Math.exp(logAbs + Math.log(relStderr))) };
}

/**
 * The summary of steps whose Θ′ left float64, from the sampler's logarithms: ratios of log-sum-exp means with
 * delta-method SEs (src-shared/stats/log-space.ts; no bootstrap: its squares are what overflow), the tail share on
 * ΔΘ scaled by its largest |ΔΘ| (scale-free).
 */
function logSummary(logs: GdStepLogs, n: number) {
  const cut = (a: Float64Array) => a.subarray(0, n);
  const { relativeChange: rel, absRelativeChange: abs } = logRelativeChange(
    cut(logs.theta),
    cut(logs.absDelta),
    cut(logs.deltaSign),
  );
  const mean = logMeanWithRelStderr(cut(logs.theta));
  for (const v of [rel.logAbs, rel.relStderr, abs.logAbs, abs.relStderr, mean.logMean, mean.relStderr])
    if (!Number.isFinite(v))
      throw new LabServiceError(
        'failed',
        `Θ′ left float64 and its log-space summary is not finite (ln|E[ΔΘ]/E[Θ]| = ${rel.logAbs}, relative SE ${rel.relStderr}): the step changed no kernel on average`,
      );
  let top = -Infinity;
  for (let i = 0; i < n; i++) top = Math.max(top, logs.absDelta[i]);
  const scaled = Float64Array.from(cut(logs.absDelta), (l) => Math.exp(l - top));
  return {
    change: {
      relativeChange: fromLog(rel.logAbs, rel.sign, rel.relStderr),
      absRelativeChange: fromLog(abs.logAbs, abs.sign, abs.relStderr),
      n,
    } satisfies RelativeChange,
    meanTheta: fromLog(mean.logMean, 1, mean.relStderr),
    tailShare: top === -Infinity ? 0 : topShareOfSquares(scaled),
    fields: {
      logRelativeChange: rel satisfies LogEstimate,
      logAbsRelativeChange: abs satisfies LogEstimate,
      logMeanTheta: mean,
    },
  };
}

/** The off-diagonal summary in log form (signed: Θ(x, x̃) may be negative or 0), alongside logSummary. */
function offLogSummary(off: GdStepOffLogs, n: number): NonNullable<GdStepResult['offDiagonal']> {
  const cut = (a: Float64Array) => a.subarray(0, n);
  let est: ReturnType<typeof logRelativeChange>;
  try {
    est = logRelativeChange(cut(off.theta), cut(off.absDelta), cut(off.deltaSign), cut(off.thetaSign));
  } catch (err) {
    throw new LabServiceError(
      'failed',
      `E[ΔΘ(x,x̃)]/E[Θ(x,x̃)] in log space failed: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const { relativeChange: rel, absRelativeChange: abs } = est;
  for (const v of [rel.logAbs, rel.relStderr, abs.logAbs, abs.relStderr])
    if (!Number.isFinite(v))
      throw new LabServiceError(
        'failed',
        `Θ′ left float64 and the log-space summary of Θ(x,x̃) is not finite (ln|E[ΔΘ(x,x̃)]/E[Θ(x,x̃)]| = ${rel.logAbs}, relative SE ${rel.relStderr}): the step changed no kernel on average`,
      );
  return {
    relativeChange: fromLog(rel.logAbs, rel.sign, rel.relStderr),
    absRelativeChange: fromLog(abs.logAbs, abs.sign, abs.relStderr),
    logRelativeChange: rel,
    logAbsRelativeChange: abs,
  };
}

/** The per-network log arrays of GdStepLogs and GdStepOffLogs, as runGdStep buffers them. */
const LOG_KEYS = ['theta', 'thetaAfter', 'absDelta', 'deltaSign'] as const satisfies readonly (keyof GdStepLogs)[];
const OFF_LOG_KEYS = [
  'theta',
  'thetaSign',
  'absDelta',
  'deltaSign',
] as const satisfies readonly (keyof GdStepOffLogs)[];

/** One growing buffer per key. */
function buffers<K extends string>(keys: readonly K[], n: number): Record<K, SampleBuffer> {
  return Object.fromEntries(keys.map((k) => [k, new SampleBuffer(n)])) as Record<K, SampleBuffer>;
}

/** The filled part of each buffer. */
function views<K extends string>(bufs: Record<K, SampleBuffer>): Record<K, Float64Array> {
  return Object.fromEntries(Object.entries<SampleBuffer>(bufs).map(([k, b]) => [k, b.view()])) as Record<
    K,
    Float64Array
  >;
}

/** Summaries can fail (too few finite networks, values beyond float64): say why as a LabServiceError. */
export function finalGdStepResult(
  params: GdStepParams,
  data: GdStepData,
  seconds: number,
  backend: string,
  stderrs?: GdStepStderrs,
): GdStepResult {
  try {
    return gdStepResult(params, data, true, seconds, backend, stderrs);
  } catch (err) {
    if (err instanceof LabServiceError) throw err;
    throw new LabServiceError(
      'failed',
      `summarizing ${data.count} GD steps failed: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** The experiment on the sampling pool (exact sampler, or dense float64 typed arrays). */
export async function runGdStep(
  pool: WorkerPool,
  params: GdStepParams,
  opts: GdStepRunOptions = {},
): Promise<GdStepResult> {
  const start = performance.now();
  const { onProgress, signal } = opts;
  const interval = opts.progressIntervalMs ?? 50;
  const budget = opts.budget ?? new ProgressBudget();
  const n = params.samples;
  const pair = params.pairCos !== undefined;
  // grown as blocks arrive (finite networks only), not 4 × 8 B × samples up front
  const buf = {
    theta: new SampleBuffer(n),
    thetaAfter: new SampleBuffer(n),
    thetaOff: pair ? new SampleBuffer(n) : undefined,
    thetaOffAfter: pair ? new SampleBuffer(n) : undefined,
  };
  // per-network logarithms, kept from the first block whose Θ or Θ′ left float64 on (that block's sampler logs;
  // every other network's from its plain values), so ordinary cells hold and receive no more than before
  let logBuf: Record<(typeof LOG_KEYS)[number], SampleBuffer> | undefined;
  let offLogBuf: Record<(typeof OFF_LOG_KEYS)[number], SampleBuffer> | undefined;
  const appendLogs = (logs: GdStepLogs) => {
    if (!logBuf) {
      logBuf = buffers(LOG_KEYS, n);
      if (pair) offLogBuf = buffers(OFF_LOG_KEYS, n);
      // the networks so far (finite: no earlier block had logs)
      const m = buf.theta.length - logs.theta.length;
      appendLogs(
        logsOfPlain(buf.theta.view(), buf.thetaAfter.view(), m, buf.thetaOff?.view(), buf.thetaOffAfter?.view()),
      );
    }
    for (const k of LOG_KEYS) logBuf[k].append(logs[k]);
    if (offLogBuf) {
      if (!logs.off)
        throw new Error('the GD-step sampler returned no off-diagonal logarithms although pairCos was given');
      for (const k of OFF_LOG_KEYS) offLogBuf[k].append(logs.off[k]);
    }
  };
  let diverged = 0;
  const data = (): GdStepData => ({
    theta: buf.theta.view(),
    thetaAfter: buf.thetaAfter.view(),
    thetaOff: buf.thetaOff?.view(),
    thetaOffAfter: buf.thetaOffAfter?.view(),
    logs: logBuf && { ...views(logBuf), off: offLogBuf && views(offLogBuf) },
    count: buf.theta.length,
    diverged,
  });
  const backend = gdStepBackend(params);
  let lastEmit = -Infinity;
  let progressError: unknown;

  const onBlocks = (blocks: BlockOutput[]): void => {
    if (progressError) throw progressError;
    for (const b of blocks) {
      if (!b.thetaAfter || (pair && (!b.thetaOff || !b.thetaOffAfter)))
        throw new Error('the GD-step sampler returned incomplete arrays');
      buf.theta.append(b.theta);
      buf.thetaAfter.append(b.thetaAfter);
      if (pair) {
        buf.thetaOff!.append(b.thetaOff!);
        buf.thetaOffAfter!.append(b.thetaOffAfter!);
      }
      if (b.logTheta && b.logThetaAfter && b.logAbsDelta && b.deltaSign) {
        const off =
          b.logThetaOff && b.thetaOffSign && b.logAbsDeltaOff && b.deltaOffSign
            ? { theta: b.logThetaOff, thetaSign: b.thetaOffSign, absDelta: b.logAbsDeltaOff, deltaSign: b.deltaOffSign }
            : undefined;
        appendLogs({
          theta: b.logTheta,
          thetaAfter: b.logThetaAfter,
          absDelta: b.logAbsDelta,
          deltaSign: b.deltaSign,
          off,
        });
      } else if (logBuf) appendLogs(logsOfPlain(b.theta, b.thetaAfter, b.theta.length, b.thetaOff, b.thetaOffAfter));
      diverged += b.diverged ?? 0;
    }
    const count = buf.theta.length;
    if (!onProgress || count + diverged === n || count < 3 || performance.now() - lastEmit < interval) return;
    if (budget.wait() > 0) return; // other jobs' summaries used the main thread's share; a later block retries
    try {
      const r = budget.charge(() => gdStepResult(params, data(), false, (performance.now() - start) / 1000, backend));
      onProgress(r);
      lastEmit = performance.now();
    } catch (err) {
      progressError ??= err;
    }
  };

  await pool.run({ kind: 'gd-step', params }, { onBlocks, signal });
  if (progressError) throw progressError;
  const final = data();
  const stderrs = await pooledStderrs(pool, params, final, signal);
  return finalGdStepResult(params, final, (performance.now() - start) / 1000, backend, stderrs);
}

/**
 * The final summary's paired bootstraps (200 resamples of N ≤ BOOTSTRAP_MAX_N networks: about a second of CPU at
 * N = 10⁵) on the pool's workers, the diagonal and off-diagonal ones in parallel, so the service's main thread stays
 * free. Undefined when there is no bootstrap, or when it failed there (non-finite values): the summary on this
 * thread then says why.
 */
async function pooledStderrs(
  pool: WorkerPool,
  params: GdStepParams,
  data: GdStepData,
  signal?: AbortSignal,
): Promise<GdStepStderrs | undefined> {
  if (data.count < 3 || data.count > BOOTSTRAP_MAX_N) return undefined;
  if (needsLogs(data)) return undefined; // the log summary's SEs are delta-method ones
  const one = async (before: Float64Array, after: Float64Array, stream: number): Promise<[number, number]> => {
    let se: [number, number] = [NaN, NaN];
    const work = { before, after, seed: params.seed, stream, replicates: BOOTSTRAP_REPLICATES };
    await pool.run(
      { kind: 'paired-bootstrap', params: work },
      { signal, onBlocks: ([b]) => void (se = [b.theta[0], b.thetaAfter![0]]) },
    );
    return se;
  };
  try {
    const [diag, off] = await Promise.all([
      one(data.theta, data.thetaAfter, BOOTSTRAP_STREAM),
      data.thetaOff && data.thetaOffAfter
        ? one(data.thetaOff, data.thetaOffAfter, BOOTSTRAP_STREAM + 1)
        : Promise.resolve(undefined),
    ]);
    return off ? { diag, off } : { diag };
  } catch (err) {
    if (err instanceof PoolJobError && err.code === 'failed') return undefined;
    throw err;
  }
}
