// Dense measurements and GD steps on the TensorFlow.js engine (one dedicated worker; float32), summarized exactly as
// the pool's runs are. The service sends method 'dense' here when a native libtensorflow backend runs (or when
// told to); on CPU-only machines the pool's float64 typed arrays on every core are faster (bench: dense NTK).
import type { GdStepParams, GdStepResult } from '../../src-shared/contract/gd-step';
import type { MeasureParams, MeasureResult } from '../../src-shared/contract/measure';
import { gdStepSpec } from '../engine/gd-step-block';
import { widthsOf } from '../engine/sample-block';
import type { GdStepTaskParams, GdStepTaskResult, NtkTaskParams, NtkTaskResult } from '../tf/tasks';
import { finalGdStepResult } from './gd-step-run';
import { LabServiceError } from './lab-error';
import { measureResult } from './measure-run';
import type { TensorflowEngine } from './tensorflow';

export async function measureOnTf(
  tf: TensorflowEngine,
  params: MeasureParams,
  signal?: AbortSignal,
): Promise<MeasureResult> {
  const start = performance.now();
  const task: NtkTaskParams = {
    sigmaW2: params.sigmaW2,
    sigmaB2: params.sigmaB2,
    widths: widthsOf(params),
    samples: params.samples,
    seed: params.seed,
    pairCos: params.pairCos,
  };
  const r = await tf.run<NtkTaskResult>('ntk', task, { signal });
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
  const task: GdStepTaskParams = { ...gdStepSpec(params), samples: params.samples, seed: params.seed };
  const r = await tf.run<GdStepTaskResult>('gd-step', task, { signal });
  return finalGdStepResult(params, { ...r, count: r.theta.length }, (performance.now() - start) / 1000, tf.label());
}
