// The tasks the TensorFlow.js worker runs (tf-worker.ts), by name. A handler gets its params as its job kind checked
// and resolved them (src-main/jobs: the one place params are validated; the network math keeps its own RangeError
// preconditions) and a context to report progress and notice cancellation; it runs in
// batches and calls `await ctx.checkpoint()` between them (yields so a cancel message can arrive, then throws
// TaskCancelledError if the task was cancelled). Typed arrays in results and progress are transferred, not copied.
// To add a task: add an entry to TASKS and name it in the job kind's definition (src-main/jobs).
import * as tf from '@tensorflow/tfjs-core';
import type { TfActivationName } from '../../src-shared/network/activations';
import type { Parametrization } from '../../src-shared/network/parametrization';
import type { GdStepSamples, GdStepSpec } from '../engine/gd-step-exact';
import type { BackendInfo } from './backend';
import { defaultGdStepBatch, gdStepBatch, mergeGdStepSamples } from './gd-step';
import { disposeLayers, parameterCount, sampleLayers } from './layers';
import { empiricalNtk } from './ntk';
import { trainDynamicsTask } from './train/train-dynamics';
import { trainCellTask } from './sweep/train-cell-task';
import { dksTrainTask } from './train/dks-train';
import { collapseTrainTask } from './train/collapse-train';
import { ntkChangeTask } from './train/ntk-change';

export interface TaskContext {
  /** Send a progress value to the caller (onProgress). */
  emit(progress: unknown): void;
  /** True once the caller cancelled this task. */
  cancelled(): boolean;
  /** Yield to the event loop (lets a cancel message in), then throw TaskCancelledError if cancelled. */
  checkpoint(): Promise<void>;
  /** The backend this worker runs on. */
  backend: BackendInfo;
}

export type TaskHandler = (params: unknown, ctx: TaskContext) => Promise<unknown>;

export class TaskCancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'TaskCancelledError';
  }
}

/** Progress of the batched tasks. */
export interface BatchProgress {
  done: number;
  total: number;
}

// ---------------------------------------------------------------------------------------------------------------
// ntk: Θ(x, x) of N sampled dense networks (and Θ(x̃, x̃), Θ(x, x̃) with pairCos), in batches.

export interface NtkTaskParams {
  sigmaW2: number;
  sigmaB2?: number;
  /** [n₀, n₁, …, n_{L−1}]; output width 1. */
  widths: number[];
  activation?: TfActivationName;
  parametrization?: Parametrization;
  /** Number of networks N. */
  samples: number;
  seed: number;
  /** ⟨x, x̃⟩/‖x‖² of a second input x̃ = r(c e₁ + √(1−c²) e₂); x = r e₁. */
  pairCos?: number;
  /** r = ‖x‖ (default 1). */
  inputNorm?: number;
  /** Networks per batch (default: about 4M float32 weights per batch). */
  batchSize?: number;
}

export interface NtkTaskResult {
  /** Θ(x, x) per finite network (float32 values widened to float64). */
  theta: Float64Array;
  /** Θ(x̃, x̃) and Θ(x, x̃) (with pairCos). */
  thetaTilde?: Float64Array;
  thetaOff?: Float64Array;
  /** Networks with a non-finite Θ or f (float32 overflow), left out of the arrays. */
  diverged: number;
  backend: BackendInfo;
  seconds: number;
}

/** The defaults of the optional fields. Params come checked from their job kind (src-main/jobs): not re-validated. */
function resolveNtkTaskParams(p: NtkTaskParams): Required<Omit<NtkTaskParams, 'pairCos'>> & { pairCos?: number } {
  const auto = Math.max(1, Math.min(1024, Math.floor((1 << 22) / parameterCount(p.widths))));
  return {
    ...p,
    sigmaB2: p.sigmaB2 ?? 0,
    activation: p.activation ?? 'relu',
    parametrization: p.parametrization ?? 'standard',
    inputNorm: p.inputNorm ?? 1,
    batchSize: p.batchSize ?? auto,
  };
}

async function ntkTask(params: unknown, ctx: TaskContext): Promise<NtkTaskResult> {
  const p = resolveNtkTaskParams(params as NtkTaskParams);
  const t0 = performance.now();
  const pair = p.pairCos !== undefined;
  const k = pair ? 2 : 1;
  const n0 = p.widths[0];
  const x = new Float32Array(k * n0);
  x[0] = p.inputNorm;
  if (pair) {
    x[n0] = p.inputNorm * p.pairCos!;
    if (n0 >= 2) x[n0 + 1] = p.inputNorm * Math.sqrt(Math.max(0, 1 - p.pairCos! ** 2));
  }
  const theta = new Float64Array(p.samples);
  const thetaTilde = pair ? new Float64Array(p.samples) : undefined;
  const thetaOff = pair ? new Float64Array(p.samples) : undefined;
  let kept = 0;
  const inputs = tf.tensor2d(x, [k, n0]);
  try {
    for (let first = 0; first < p.samples; first += p.batchSize) {
      await ctx.checkpoint();
      const B = Math.min(p.batchSize, p.samples - first);
      const layers = sampleLayers(p, B, p.seed, first);
      const { ntk, outputs } = empiricalNtk(layers, inputs, p);
      // asynchronous reads: the webgpu backend cannot read GPU memory synchronously in Node
      const [K, f] = await Promise.all([ntk.data(), outputs.data()]);
      tf.dispose([ntk, outputs]);
      disposeLayers(layers);
      for (let t = 0; t < B; t++) {
        let ok = true;
        for (let i = 0; i < k * k && ok; i++) ok = Number.isFinite(K[t * k * k + i]);
        for (let i = 0; i < k && ok; i++) ok = Number.isFinite(f[t * k + i]);
        if (!ok) continue;
        theta[kept] = K[t * k * k];
        if (pair) {
          thetaOff![kept] = K[t * 4 + 1];
          thetaTilde![kept] = K[t * 4 + 3];
        }
        kept++;
      }
      ctx.emit({ done: first + B, total: p.samples } satisfies BatchProgress);
    }
  } finally {
    inputs.dispose();
  }
  const result: NtkTaskResult = {
    theta: theta.slice(0, kept),
    diverged: p.samples - kept,
    backend: ctx.backend,
    seconds: (performance.now() - t0) / 1000,
  };
  if (pair) {
    result.thetaTilde = thetaTilde!.slice(0, kept);
    result.thetaOff = thetaOff!.slice(0, kept);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// gd-step: one GD step on (x, y) for each of N dense networks (gd-step.ts), in batches.

export type GdStepTaskParams = GdStepSpec & { samples: number; seed: number; batchSize?: number };
export type GdStepTaskResult = GdStepSamples & { backend: BackendInfo; seconds: number };

async function gdStepTask(params: unknown, ctx: TaskContext): Promise<GdStepTaskResult> {
  const p = params as GdStepTaskParams; // checked by the gd-step job kind (src-main/jobs/gd-step.ts)
  const { samples, seed } = p;
  const batch = p.batchSize ?? defaultGdStepBatch(p);
  const t0 = performance.now();
  const parts: GdStepSamples[] = [];
  for (let first = 0; first < samples; first += batch) {
    await ctx.checkpoint();
    const count = Math.min(batch, samples - first);
    parts.push(await gdStepBatch(p, count, seed, first));
    ctx.emit({ done: first + count, total: samples } satisfies BatchProgress);
  }
  return { ...mergeGdStepSamples(parts), backend: ctx.backend, seconds: (performance.now() - t0) / 1000 };
}

/**
 * name → handler. Each job kind that runs here names its task in its definition (src-main/jobs, `runsOn`), typed as
 * TfTaskName, so a kind naming a task missing here does not compile. The worker also merges the `tasks` export of
 * workerData.taskModule (tests only).
 */
export const TASKS = {
  ntk: ntkTask,
  'train-dynamics': trainDynamicsTask,
  'gd-step': gdStepTask,
  'dks-train': dksTrainTask,
  'collapse-train': collapseTrainTask,
  /** One cell of a sweep (trainability, lr-sweep), many at once on the TF worker pool (sweep/parallel.ts). */
  'train-cell': trainCellTask,
  /** One cell of the NTK trust map: the NTK's relative change during GD (train/ntk-change.ts). */
  'ntk-change': ntkChangeTask,
} satisfies Record<string, TaskHandler>;

export type TfTaskName = keyof typeof TASKS;
