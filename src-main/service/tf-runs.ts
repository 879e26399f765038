// Dense measurements and GD steps on the TensorFlow.js engine (one dedicated worker; float32), summarized exactly as
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
import { trainDynamicsRecordSchema, trainDynamicsSummarySchema, type TrainDynamicsParamsRaw } from '../../src-shared/contract/train-dynamics';
import type { PauseControl } from '../tf/tf-host';

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

export async function measureOnTf(tf: TensorflowEngine, params: MeasureParams, signal?: AbortSignal): Promise<MeasureResult> {
  const start = performance.now();
  const r = await tf.run<NtkTaskResult>(
    'ntk',
    { sigmaW2: params.sigmaW2, sigmaB2: params.sigmaB2, widths: widthsOf(params), samples: params.samples, seed: params.seed, pairCos: params.pairCos },
    { signal },
  );
  if (r.theta.length < 3) {
    throw new LabServiceError('failed', `only ${r.theta.length} of ${params.samples} networks stayed within float32 on ${tf.label()}: use method 'exact' (float64)`);
  }
  const result = measureResult(params, r.theta, r.thetaOff, true, (performance.now() - start) / 1000, tf.label());
  if (r.diverged > 0) result.backend = `${tf.label()}; ${r.diverged} networks overflowed float32 and were left out`;
  return result;
}

export async function gdStepOnTf(tf: TensorflowEngine, params: GdStepParams, signal?: AbortSignal): Promise<GdStepResult> {
  const start = performance.now();
  const r = await tf.run<GdStepTaskResult>('gd-step', { ...gdStepSpec(params), samples: params.samples, seed: params.seed }, { signal });
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
      const record = trainDynamicsRecordSchema.parse(r.kernel instanceof Float32Array ? { ...r, kernel: Array.from(r.kernel) } : r);
      onProgress({ kind: 'train-dynamics', backend, record });
    },
  });
  return { kind: 'train-dynamics', backend, summary: trainDynamicsSummarySchema.parse(summary) };
}
