// One measurement on the pool: merge the blocks in block order into one sample array and turn the samples so far
// into MeasureResults — partial ones (throttled) while blocks arrive, and the final one, whose bootstrap SE runs on
// the pool too (its chunks are independent streams, so the numbers equal the single-threaded summary's).
import type { MeasureParams, MeasureResult } from '../../src-shared/contract/measure';
import {
  BOOTSTRAP_CHUNK_REPLICATES,
  BOOTSTRAP_REPLICATES,
  normalizeForDispersion,
  stderrMethodFor,
  summarizePairSamples,
  summarizeSamples,
} from '../../src-shared/stats/summary';
import { summarizeComponents } from '../../src-shared/stats/components';
import { PoolJobError, type BlockOutput, type WorkerPool } from '../engine/worker-pool';
import { routeOf, type SamplerRoute } from '../engine/sample-block';
import { pairClosedForm } from '../engine/lazy-gaussian';
import { wasmAvailable } from '../engine/wasm/kernels';
import { LabServiceError } from './lab-error';
import { ProgressBudget } from './progress-budget';
import { SampleBuffer } from './sample-buffer';

/** What the pool's hot kernels run as: their WebAssembly copies when the module compiles here (then it does in the
 *  workers too: same runtime, same embedded binary), else the JavaScript they mirror. */
export function kernelEngine(): 'WebAssembly' | 'JavaScript' {
  return wasmAvailable() ? 'WebAssembly' : 'JavaScript';
}

/** The pool's samplers: the measurement routes, and the closed forms the lazy-Gaussian route takes for two inputs
 *  (lazy-pair-fast.ts) and the GD step takes for one (gd-step-exact-fast.ts). */
export type PoolSampler = SamplerRoute | 'lazy-pair' | 'gd-step-one-input';

/** Where a pool sampler runs, as results report it; `engine` is what its hot loop runs as (default kernelEngine()). */
export function poolBackend(sampler: PoolSampler, engine: string = kernelEngine()): string {
  switch (sampler) {
    case 'exact-diagonal':
      return `exact O(L) diagonal sampler (float64 ${engine}, worker_threads)`;
    case 'lazy-pair':
      return `exact lazy-Gaussian sampler, two-input closed form (float64 ${engine}, worker_threads)`;
    case 'gd-step-one-input':
      return `exact lazy-Gaussian sampler, one-input closed form (float64 ${engine}, worker_threads)`;
    case 'lazy-gaussian':
      return 'exact lazy-Gaussian sampler (float64, worker_threads)';
    case 'dense':
      return 'materialized weights, typed arrays (float64, worker_threads)';
  }
}

/** summarizeSamples needs at least 3 samples; smaller prefixes are not reported. */
const MIN_SUMMARY_SAMPLES = 3;

export interface MeasureRunOptions {
  onProgress?: (r: MeasureResult) => void;
  signal?: AbortSignal;
  /** Minimum time between partial results (ms). */
  progressIntervalMs?: number;
  /**
   * Main-thread time for partial summaries, shared by all the service's jobs (default: one for this run alone,
   * keeping its summaries under 20% of the wall time).
   */
  budget?: ProgressBudget;
}

/**
 * The MeasureResult of the samples so far: partial results take the O(N) delta-method SE, the final one the
 * bootstrap (Seleznova & Kutyniok 2022, App. C.3 reports bootstrap SEs). `backend` says where the networks ran when not
 * the pool.
 */
export function measureResult(
  params: MeasureParams,
  theta: Float64Array,
  thetaOff: Float64Array | undefined,
  done: boolean,
  seconds: number,
  backend?: string,
  replicates?: BootstrapReplicates,
  parts?: { thetaW: Float64Array; thetaB: Float64Array },
): MeasureResult {
  const speed = done ? 'final' : 'fast';
  const diag = summarizeSamples(theta, params.seed, { speed, replicates: replicates?.theta });
  const r: MeasureResult = {
    sigmaW2: params.sigmaW2,
    depth: params.depth,
    width: params.width,
    inputDim: params.inputDim,
    sigmaB2: params.sigmaB2,
    samples: theta.length,
    samplesRequested: params.samples,
    seed: params.seed,
    method: params.method,
    meanTheta: diag.meanTheta,
    dispersion: diag.dispersion,
    tailShare: diag.tailShare,
    stderrMethod: diag.stderrMethod,
    seconds,
    done,
  };
  if (backend !== undefined) r.backend = backend;
  if (params.widths) r.widths = [...params.widths];
  if (parts && theta.length >= 2) {
    // summarized in units of E[Θ] (the sample mean) so that the squares stay in float64
    const c = diag.meanTheta.estimate > 0 ? diag.meanTheta.estimate : 1;
    const w = parts.thetaW.map((v) => v / c),
      b = parts.thetaB.map((v) => v / c);
    r.components = summarizeComponents(w, b, c);
  }
  if (thetaOff)
    r.offDiagonal = summarizePairSamples(theta, thetaOff, params.seed, { speed, replicates: replicates?.thetaOff });
  return r;
}

/** Precomputed dispersion bootstrap replicates (summary.ts SummaryOptions.replicates) of θ(x, x) and θ(x, x̃). */
export interface BootstrapReplicates {
  theta?: Float64Array;
  thetaOff?: Float64Array;
}

/**
 * The dispersion bootstrap replicates (all BOOTSTRAP_REPLICATES) of samples already normalized by
 * normalizeForDispersion, chunk by chunk on the pool's workers.
 */
export async function poolBootstrap(
  pool: WorkerPool,
  values: Float64Array,
  seed: number,
  signal?: AbortSignal,
): Promise<Float64Array> {
  const out = new Float64Array(BOOTSTRAP_REPLICATES);
  await pool.run(
    {
      kind: 'bootstrap',
      params: { values, seed, replicates: BOOTSTRAP_REPLICATES, chunk: BOOTSTRAP_CHUNK_REPLICATES },
    },
    {
      signal,
      onBlocks: (blocks, first) => {
        for (let i = 0; i < blocks.length; i++) out.set(blocks[i].theta, (first + i) * BOOTSTRAP_CHUNK_REPLICATES);
      },
    },
  );
  return out;
}

export async function runMeasurement(
  pool: WorkerPool,
  params: MeasureParams,
  opts: MeasureRunOptions = {},
): Promise<MeasureResult> {
  const start = performance.now();
  const { onProgress, signal } = opts;
  const interval = opts.progressIntervalMs ?? 50;
  const budget = opts.budget ?? new ProgressBudget();
  const n = params.samples;
  const theta = new SampleBuffer(n);
  const thetaOff = params.pairCos === undefined ? undefined : new SampleBuffer(n);
  const parts = params.components ? { thetaW: new SampleBuffer(n), thetaB: new SampleBuffer(n) } : undefined;
  let merged = 0;
  let finished = false;
  let lastEmit = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let progressError: unknown;

  const result = (done: boolean): MeasureResult => {
    try {
      return summarize(done);
    } catch (err) {
      // e.g. a sample that is not finite: the measurement is unusable, say why
      throw new LabServiceError(
        'failed',
        `summarizing ${merged} samples failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };

  const route = routeOf(params);
  // measurements are ReLU networks, so the two-input closed form runs its WebAssembly loop when it loads
  const backend = poolBackend(
    route === 'lazy-gaussian' && pairClosedForm(params.pairCos, params.depth) ? 'lazy-pair' : route,
  );
  let replicates: BootstrapReplicates | undefined;
  const summarize = (done: boolean): MeasureResult =>
    measureResult(
      params,
      theta.view(),
      thetaOff?.view(),
      done,
      (performance.now() - start) / 1000,
      backend,
      replicates,
      parts && { thetaW: parts.thetaW.view(), thetaB: parts.thetaB.view() },
    );

  const emit = (): void => {
    timer = undefined;
    if (finished || signal?.aborted || !onProgress) return;
    const busy = budget.wait();
    if (busy > 0) {
      timer = setTimeout(emit, busy); // other jobs' summaries used the main thread's share: the latest prefix then
      return;
    }
    try {
      const r = budget.charge(() => result(false));
      lastEmit = performance.now();
      onProgress(r);
    } catch (err) {
      progressError ??= err; // fails the job at its next block (or at the end)
    }
  };

  // After each newly complete prefix: emit now if the interval has passed, else once it has (the latest prefix).
  const scheduleEmit = (): void => {
    if (!onProgress || merged === n || merged < MIN_SUMMARY_SAMPLES) return;
    const wait = Math.max(interval - (performance.now() - lastEmit), budget.wait());
    if (wait <= 0) {
      clearTimeout(timer);
      emit();
    } else {
      timer ??= setTimeout(emit, wait);
    }
  };

  const onBlocks = (blocks: BlockOutput[]): void => {
    if (progressError) throw progressError;
    for (const b of blocks) {
      if (thetaOff && !b.thetaOff)
        throw new Error('the sampler returned no off-diagonal samples although pairCos was given');
      theta.append(b.theta);
      if (thetaOff) thetaOff.append(b.thetaOff!);
      if (parts) {
        if (!b.thetaW || !b.thetaB) throw new Error('the sampler returned no components although components was set');
        parts.thetaW.append(b.thetaW);
        parts.thetaB.append(b.thetaB);
      }
      merged += b.theta.length;
    }
    scheduleEmit();
  };

  try {
    await pool.run(params, { onBlocks, signal });
  } finally {
    finished = true;
    clearTimeout(timer);
  }
  if (progressError) throw progressError;
  if (stderrMethodFor(merged, { speed: 'final' }) === 'bootstrap') replicates = await bootstrapOnPool();
  return result(true);

  // The final summary's bootstrap (200 resamples of N values, the bulk of its cost) on the pool's workers.
  async function bootstrapOnPool(): Promise<BootstrapReplicates> {
    let values: Float64Array, valuesOff: Float64Array | undefined;
    try {
      values = normalizeForDispersion(theta.view());
      valuesOff = thetaOff && normalizeForDispersion(thetaOff.view());
    } catch {
      return {}; // samples not finite or all 0: the summary itself (result(true)) says why
    }
    try {
      const [t, tOff] = await Promise.all([
        poolBootstrap(pool, values, params.seed, signal),
        valuesOff && poolBootstrap(pool, valuesOff, params.seed, signal),
      ]);
      return { theta: t, thetaOff: tOff };
    } catch (err) {
      if (err instanceof PoolJobError && err.code === 'failed')
        throw new LabServiceError('failed', `summarizing ${merged} samples failed: bootstrap ${err.message}`);
      throw err;
    }
  }
}
