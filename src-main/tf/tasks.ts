// The tasks the TensorFlow.js worker runs (tf-worker.ts), by name. A handler gets its params as sent (validate
// them: RangeError with a readable message) and a context to report progress and notice cancellation; it runs in
// batches and calls `await ctx.checkpoint()` between them (yields so a cancel message can arrive, then throws
// TaskCancelledError if the task was cancelled). Typed arrays in results and progress are transferred, not copied.
// To add a task: add an entry to TASKS.
import * as tf from '@tensorflow/tfjs-core';
import { isActivation, type Activation } from '../engine/activations';
import type { GdStepSamples, GdStepSpec } from '../engine/gd-step-exact';
import type { BackendInfo } from './backend';
import { defaultGdStepBatch, gdStepBatch, mergeGdStepSamples, sampleGdStepTf } from './gd-step';
import {
  checkParametrization,
  checkScales,
  checkWidths,
  disposeLayers,
  parameterCount,
  sampleLayers,
  type Parametrization,
} from './layers';
import { empiricalNtk } from './ntk';
import { trainDynamicsTask } from './train/train-dynamics';
import { trainabilityTask } from './sweep/trainability-task';
import { lrSweepTask } from './sweep/lr-sweep';
import { trainCellTask } from './sweep/train-cell-task';

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
  activation?: Activation;
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

const MAX_SAMPLES = 10_000_000;

function obj(params: unknown, task: string): Record<string, unknown> {
  if (!params || typeof params !== 'object') throw new RangeError(`${task}: params must be an object`);
  return params as Record<string, unknown>;
}

function checkCount(v: unknown, what: string, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max)
    throw new RangeError(`${what} must be an integer in [1, ${max}] (got ${String(v)})`);
  return v;
}

function checkSeed(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff)
    throw new RangeError(`seed must be an integer in [0, 2³²) (got ${String(v)})`);
  return v;
}

export function parseNtkTaskParams(raw: unknown): Required<Omit<NtkTaskParams, 'pairCos'>> & { pairCos?: number } {
  const p = obj(raw, 'ntk');
  const sigmaW2 = p.sigmaW2 as number;
  const sigmaB2 = (p.sigmaB2 ?? 0) as number;
  checkScales(sigmaW2, sigmaB2);
  if (!Array.isArray(p.widths)) throw new RangeError('widths must be an array [n₀, n₁, …, n_{L−1}]');
  const widths = p.widths as number[];
  checkWidths(widths);
  const activation = (p.activation ?? 'relu') as Activation;
  if (!isActivation(activation)) throw new RangeError(`unknown activation ${JSON.stringify(activation)}`);
  const parametrization = (p.parametrization ?? 'standard') as Parametrization;
  checkParametrization(parametrization);
  const samples = checkCount(p.samples, 'samples (N)', MAX_SAMPLES);
  const seed = checkSeed(p.seed);
  const pairCos = p.pairCos as number | undefined;
  if (pairCos !== undefined && !(typeof pairCos === 'number' && pairCos >= -1 && pairCos <= 1))
    throw new RangeError(`pairCos must lie in [−1, 1] (got ${String(pairCos)})`);
  if (pairCos !== undefined && Math.abs(pairCos) < 1 && widths[0] < 2)
    throw new RangeError('pairCos strictly inside (−1, 1) needs an input dimension n₀ ≥ 2');
  const inputNorm = (p.inputNorm ?? 1) as number;
  if (typeof inputNorm !== 'number' || !Number.isFinite(inputNorm) || !(inputNorm > 0))
    throw new RangeError(`inputNorm must be a finite number > 0 (got ${String(inputNorm)})`);
  const auto = Math.max(1, Math.min(1024, Math.floor((1 << 22) / parameterCount(widths))));
  const batchSize = p.batchSize === undefined ? auto : checkCount(p.batchSize, 'batchSize', 1 << 20);
  return { sigmaW2, sigmaB2, widths, activation, parametrization, samples, seed, pairCos, inputNorm, batchSize };
}

async function ntkTask(raw: unknown, ctx: TaskContext): Promise<NtkTaskResult> {
  const p = parseNtkTaskParams(raw);
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

async function gdStepTask(raw: unknown, ctx: TaskContext): Promise<GdStepTaskResult> {
  const p = obj(raw, 'gd-step') as unknown as GdStepTaskParams;
  const samples = checkCount(p.samples, 'samples (N)', MAX_SAMPLES);
  const seed = checkSeed(p.seed);
  await sampleGdStepTf(p, 0, seed); // validates the spec (RangeError) before any work
  const batch = p.batchSize === undefined ? defaultGdStepBatch(p) : checkCount(p.batchSize, 'batchSize', 1 << 20);
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

/** name → handler. The worker also merges the `tasks` export of workerData.taskModule (tests only). */
export const TASKS: Record<string, TaskHandler> = {
  ntk: ntkTask,
  'train-dynamics': trainDynamicsTask,
  trainability: trainabilityTask,
  'lr-sweep': (params, ctx) => lrSweepTask(params, ctx),
  'gd-step': gdStepTask,
  /** One cell of a sweep run in parallel by the parent (sweep/parallel.ts). */
  'train-cell': trainCellTask,
};
