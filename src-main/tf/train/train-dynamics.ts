// NTK structure during training (Seleznova & Kutyniok 2022, §4.2, Fig. 4): train a fully-connected net on MNIST and, at
// the requested
// steps, record train/test loss and accuracy, Θd, Θc, Θn (eq. 23) and the class-sorted 100×100 NTK heat map.
//
// The net has 10 outputs (one-hot targets). Its NTK is taken as the trace over outputs, Θ(x, x̃) = Σ_k Θ_kk(x, x̃)
// (what the authors' script computes, per the thesis digest; the text defines Θ for scalar output only). Θ_kk is
// the scalar NTK of f_k, computed by empiricalNtk (src-main/tf/ntk.ts) on the net whose last layer is row k of W_L:
// the hidden layers are shared, and f_k depends on W_L, b_L only through row k / entry k (Mlp.outputLayers).
//
// Runs on whatever tfjs backend is active (the caller selects it: src-main/tf/backend.ts). Deterministic for a
// seed on a given backend: init Rng(seed, 0), data split Rng(seed, 1), minibatch order Rng(seed, 2).
import { runGeneratorTask, type RunTaskContext } from './generator-task';
import * as tf from '@tensorflow/tfjs-core';
import {
  type TrainDynamicsParams,
  type TrainDynamicsRecord,
  type TrainDynamicsSummary,
} from '../../../src-shared/contract/train-dynamics';
import { Rng } from '../../../src-shared/rng';
import { classSortedOrder, ntkStructure, permuteKernel } from '../../../src-shared/theory/ntk-structure';
import { empiricalNtk } from '../ntk';
import { loadMnist, MNIST_CLASSES, MNIST_INPUT_DIM, type Split } from './mnist-data';
import { makeOptimizer, Mlp, readScalar, type Loss } from './mlp';

/** Samples per forward pass when evaluating a whole split. */
export const EVAL_CHUNK = 1000;

export interface TrainDynamicsOptions {
  /** Checked before every step and every record; the run stops (stoppedEarly) when it returns true. */
  cancelled?: () => boolean;
  /** Awaited between steps (the TF worker's ctx.checkpoint: yields, waits while paused, throws when cancelled). */
  checkpoint?: () => Promise<void>;
}

/** Batch-mean loss and accuracy over a whole split, in chunks (bounded memory). */
async function evaluate(net: Mlp, split: Split, kind: Loss): Promise<{ loss: number; accuracy: number }> {
  let lossSum = 0;
  let hits = 0;
  for (let start = 0; start < split.count; start += EVAL_CHUNK) {
    const n = Math.min(EVAL_CHUNK, split.count - start);
    const x = tf.tensor2d(split.x.subarray(start * MNIST_INPUT_DIM, (start + n) * MNIST_INPUT_DIM), [
      n,
      MNIST_INPUT_DIM,
    ]);
    const y = tf.tensor2d(split.y.subarray(start * MNIST_CLASSES, (start + n) * MNIST_CLASSES), [n, MNIST_CLASSES]);
    try {
      lossSum += (await readScalar(net.loss(x, y, kind))) * n;
      hits += (await net.accuracy(x, y)) * n;
    } finally {
      tf.dispose([x, y]);
    }
  }
  return { loss: lossSum / split.count, accuracy: hits / split.count };
}

/** Θ = Σ_k Θ_kk on the subset, as a float64 row-major k×k array. */
export async function traceNtk(net: Mlp, inputs: tf.Tensor2D): Promise<Float64Array> {
  const k = inputs.shape[0];
  const sum = new Float64Array(k * k);
  const { activation, parametrization, sigmaW2, sigmaB2 } = net.spec;
  for (let out = 0; out < net.outputs; out++) {
    const layers = net.outputLayers(out);
    try {
      const { ntk, outputs } = empiricalNtk(layers, inputs, { activation, parametrization, sigmaW2, sigmaB2 });
      const v = await ntk.data();
      ntk.dispose();
      outputs.dispose();
      for (let i = 0; i < k * k; i++) sum[i] += v[i];
    } finally {
      tf.dispose(layers.flatMap((l) => [l.W, l.b]));
    }
  }
  return sum;
}

const isFiniteNumber = (v: number): boolean => Number.isFinite(v);

/**
 * The run as an async generator of records (pause = stop pulling). `p` as parseTrainDynamicsParams resolved it (the
 * train-dynamics job kind's check, src-main/jobs). Ends after the last requested record, at a divergence (a record
 * with diverged = true), or on cancel.
 */
export async function* trainDynamics(
  p: TrainDynamicsParams,
  opts: TrainDynamicsOptions = {},
): AsyncGenerator<TrainDynamicsRecord, TrainDynamicsSummary> {
  const cancelled = opts.cancelled ?? (() => false);
  const t0 = performance.now();
  const data = loadMnist({
    trainSize: p.trainSize,
    testSize: p.testSize,
    seed: p.seed,
    normalization: p.normalization,
  });
  const widths = [MNIST_INPUT_DIM, ...Array<number>(p.depth - 1).fill(p.width), MNIST_CLASSES];
  const net = new Mlp({
    widths,
    activation: p.activation,
    sigmaW2: p.sigmaW2,
    sigmaB2: p.sigmaB2,
    parametrization: p.parametrization,
    seed: p.seed,
  });
  const optimizer = makeOptimizer(p.optimizer, p.lr);
  const order = classSortedOrder(data.ntkSubset.labels);
  const sortedLabels = order.map((i) => data.ntkSubset.labels[i]);
  const subset = tf.tensor2d(data.ntkSubset.x, [data.ntkSubset.count, MNIST_INPUT_DIM]);
  const batchRng = new Rng(p.seed, 2);
  const perm = Array.from({ length: p.trainSize }, (_, i) => i);
  let cursor = p.trainSize; // reshuffle at the first step
  const xb = new Float32Array(p.batchSize * MNIST_INPUT_DIM);
  const yb = new Float32Array(p.batchSize * MNIST_CLASSES);
  const recordSet = new Set(p.recordAt);
  const lastRecord = p.recordAt[p.recordAt.length - 1];
  let records = 0;

  const record = async (step: number, diverged: boolean): Promise<TrainDynamicsRecord> => {
    const train = await evaluate(net, data.train, p.loss);
    const test = await evaluate(net, data.test, p.loss);
    const K = await traceNtk(net, subset);
    const kernelFinite = K.every(isFiniteNumber);
    const s = kernelFinite ? ntkStructure(permuteKernel(K, order), sortedLabels) : undefined;
    const num = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);
    const bad = diverged || !kernelFinite || ![train.loss, test.loss].every(isFiniteNumber);
    const r: TrainDynamicsRecord = {
      step,
      epoch: (step * p.batchSize) / p.trainSize,
      trainLoss: num(train.loss),
      testLoss: num(test.loss),
      trainAccuracy: bad ? null : train.accuracy,
      testAccuracy: bad ? null : test.accuracy,
      thetaD: num(s?.thetaD),
      thetaC: num(s?.thetaC),
      thetaN: num(s?.thetaN),
      diverged: bad,
      seconds: (performance.now() - t0) / 1000,
    };
    if (p.kernel && kernelFinite) r.kernel = permuteKernel(K, order);
    records++;
    return r;
  };

  try {
    for (let step = 0; step <= lastRecord; step++) {
      if (cancelled()) return { records, stoppedEarly: true };
      if (recordSet.has(step)) {
        const r = await record(step, false);
        yield r;
        if (r.diverged) return { records, stoppedEarly: step < lastRecord };
        if (cancelled()) return { records, stoppedEarly: step < lastRecord };
      }
      if (step === lastRecord) break;
      // minibatch: the next batchSize indices of a per-epoch shuffle (batchSize = trainSize: full batch)
      for (let j = 0; j < p.batchSize; j++) {
        if (cursor >= p.trainSize) {
          for (let i = p.trainSize - 1; i > 0; i--) {
            const r = Math.floor(batchRng.uniform() * (i + 1));
            [perm[i], perm[r]] = [perm[r], perm[i]];
          }
          cursor = 0;
        }
        const src = perm[cursor++];
        xb.set(data.train.x.subarray(src * MNIST_INPUT_DIM, (src + 1) * MNIST_INPUT_DIM), j * MNIST_INPUT_DIM);
        yb.set(data.train.y.subarray(src * MNIST_CLASSES, (src + 1) * MNIST_CLASSES), j * MNIST_CLASSES);
      }
      const x = tf.tensor2d(xb, [p.batchSize, MNIST_INPUT_DIM]);
      const y = tf.tensor2d(yb, [p.batchSize, MNIST_CLASSES]);
      let batchLoss: number;
      try {
        batchLoss = await net.trainStep(optimizer, x, y, p.loss);
      } finally {
        x.dispose();
        y.dispose();
      }
      if (!Number.isFinite(batchLoss)) {
        // the loss before this update was already non-finite: report at the step reached, then stop
        const r = await record(step + 1, true);
        yield r;
        return { records, stoppedEarly: true };
      }
      // let the host process a cancel or pause message between steps (a paused run waits inside checkpoint)
      if (opts.checkpoint) await opts.checkpoint();
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { records, stoppedEarly: false };
  } finally {
    subset.dispose();
    optimizer.dispose();
    net.dispose();
  }
}

/**
 * Task handler for the tf worker: params checked and resolved by the job kind (not re-validated here); emits one
 * record per recorded step, and stops promptly when `cancelled()` turns true.
 */
export async function trainDynamicsTask(
  params: unknown,
  ctx: RunTaskContext,
): Promise<{ records: number; stoppedEarly: boolean }> {
  return runGeneratorTask(ctx, (hooks) => trainDynamics(params as TrainDynamicsParams, hooks));
}
