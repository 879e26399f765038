// Dense measurements and GD steps on the TensorFlow.js engine (its worker pool; float32), summarized exactly as
// the pool's runs are. The service sends method 'dense' here when a native libtensorflow backend runs (or when
// told to); on CPU-only machines the pool's float64 typed arrays on every core are faster (bench: dense NTK).
import type { GdStepParams, GdStepResult } from '../../src-shared/contract/gd-step';
import type { MeasureParams, MeasureResult } from '../../src-shared/contract/measure';
import { gdStepSpec } from '../engine/gd-step-block';
import { widthsOf } from '../engine/sample-block';
import { finalGdStepResult } from './gd-step-run';
import { LabServiceError } from './lab-error';
import { measureResult } from './measure-run';
import type { TensorflowEngine } from './tensorflow';
import type { JobOutput } from '../../src-shared/contract/messages';
import {
  trainDynamicsRecordSchema,
  trainDynamicsSummarySchema,
  type TrainDynamicsParamsRaw,
} from '../../src-shared/contract/train-dynamics';
import type { PauseControl } from '../tf/tf-host';
import { join } from 'node:path';
import {
  cellRecordSchema,
  trainabilitySummarySchema,
  type TrainabilityParams,
} from '../../src-shared/contract/trainability';
import { sweepGrid } from '../tf/sweep/grid';
import { SweepStore, sweepIdentity } from '../tf/sweep/store';
import { lrSweepPointSchema, type LrSweepParams } from '../../src-shared/contract/lr-sweep';
import { runLrSweepParallel, runSweepParallel, type CellRunner } from '../tf/sweep/parallel';

/** One sweep cell on the next free TF worker (the `train-cell` task). */
const cellRunner =
  (tf: TensorflowEngine): CellRunner =>
  (params, opts) =>
    tf.run('train-cell', params, opts);

interface NtkTaskResult {
  theta: Float64Array;
  thetaOff?: Float64Array;
  diverged: number;
}

interface GdStepTaskResult {
  theta: Float64Array;
  thetaAfter: Float64Array;
  thetaOff?: Float64Array;
  thetaOffAfter?: Float64Array;
  diverged: number;
}

export async function measureOnTf(
  tf: TensorflowEngine,
  params: MeasureParams,
  signal?: AbortSignal,
): Promise<MeasureResult> {
  const start = performance.now();
  const r = await tf.run<NtkTaskResult>(
    'ntk',
    {
      sigmaW2: params.sigmaW2,
      sigmaB2: params.sigmaB2,
      widths: widthsOf(params),
      samples: params.samples,
      seed: params.seed,
      pairCos: params.pairCos,
    },
    { signal },
  );
  if (r.theta.length < 3) {
    throw new LabServiceError(
      'failed',
      `only ${r.theta.length} of ${params.samples} networks stayed within float32 on ${tf.label()}: use method 'exact' (float64)`,
    );
  }
  const result = measureResult(params, r.theta, r.thetaOff, true, (performance.now() - start) / 1000, tf.label());
  if (r.diverged > 0) result.backend = `${tf.label()}; ${r.diverged} networks overflowed float32 and were left out`;
  return result;
}

export async function gdStepOnTf(
  tf: TensorflowEngine,
  params: GdStepParams,
  signal?: AbortSignal,
): Promise<GdStepResult> {
  const start = performance.now();
  const r = await tf.run<GdStepTaskResult>(
    'gd-step',
    { ...gdStepSpec(params), samples: params.samples, seed: params.seed },
    { signal },
  );
  return finalGdStepResult(params, { ...r, count: r.theta.length }, (performance.now() - start) / 1000, tf.label());
}

/**
 * Training dynamics (seed 004 Fig. 4) in the TF worker: one progress output per recorded step (the class-sorted
 * kernel as a plain array, so it survives JSON), the summary when done. Pause holds the worker at its next step.
 */
export async function trainDynamicsOnTf(
  tf: TensorflowEngine,
  params: TrainDynamicsParamsRaw,
  onProgress: (o: JobOutput) => void,
  signal?: AbortSignal,
  pause?: PauseControl,
): Promise<JobOutput> {
  await tf.start();
  const backend = tf.label();
  const summary = await tf.run<unknown>('train-dynamics', params, {
    signal,
    pause,
    onProgress: (raw) => {
      const r = raw as { kernel?: Float32Array | number[] };
      const record = trainDynamicsRecordSchema.parse(
        r.kernel instanceof Float32Array ? { ...r, kernel: Array.from(r.kernel) } : r,
      );
      onProgress({ kind: 'train-dynamics', backend, record });
    },
  });
  return { kind: 'train-dynamics', backend, summary: trainDynamicsSummarySchema.parse(summary) };
}

/** A sweep's store directory name: the first 16 hex digits of its params' sha256 (store.ts sweepIdentity). */
function sweepIdentityOf(params: TrainabilityParams): string {
  return sweepIdentity(params).slice(0, 16);
}

/**
 * A trainability sweep, its cells in parallel on the TF workers (sweep/parallel.ts; this process is the store's one
 * writer). First every cell already in the store for these params is emitted (a restarted sweep shows them at once
 * and skips them), then one progress output per newly finished cell. Pause is a cancel that keeps the finished
 * cells on disk; starting the same params again resumes.
 */
export async function trainabilityOnTf(
  tf: TensorflowEngine,
  params: TrainabilityParams,
  dataDir: string,
  onProgress: (o: JobOutput) => void,
  signal?: AbortSignal,
): Promise<JobOutput> {
  await tf.start();
  const backend = tf.label();
  const dir = join(dataDir, 'sweeps', sweepIdentityOf(params));
  // throws SweepStoreError on a damaged store: reported, nothing overwritten
  const store = SweepStore.open(dir, params);
  const total = sweepGrid(params).cells.length;
  let done = 0;
  for (const cell of store.cells())
    onProgress({ kind: 'trainability', backend, progress: { cell, done: ++done, total } });
  const summary = await runSweepParallel(
    params,
    dir,
    cellRunner(tf),
    (p) =>
      onProgress({
        kind: 'trainability',
        backend,
        progress: { cell: cellRecordSchema.parse(p.cell), done: p.done, total: p.total },
      }),
    { signal },
  );
  return { kind: 'trainability', backend, summary: trainabilitySummarySchema.parse(summary) };
}

/**
 * A learning-rate sweep (seed 001 Fig. 2), its points in parallel on the TF workers: one progress output per
 * finished (depth, ρ) point, then every point in sweep order. Short by design, so nothing is stored: cancel drops it
 * (job.error 'cancelled').
 */
export async function lrSweepOnTf(
  tf: TensorflowEngine,
  params: LrSweepParams,
  onProgress: (o: JobOutput) => void,
  signal?: AbortSignal,
  pause?: PauseControl,
): Promise<JobOutput> {
  await tf.start();
  const backend = tf.label();
  const result = await runLrSweepParallel(
    params,
    cellRunner(tf),
    (point) => onProgress({ kind: 'lr-sweep', backend, point: lrSweepPointSchema.parse(point) }),
    { signal, pause },
  );
  return { kind: 'lr-sweep', backend, points: result.points.map((p) => lrSweepPointSchema.parse(p)) };
}
