// Train one network of a trainability sweep (Xiao et al. 2020, §5, Fig. 3 top) and measure it.
//   Net: Mlp (src-main/tf/train/mlp.ts), widths [n₀, M × (L − 1), 10], NTK parametrization (Xiao et al. 2020, eq. 1),
// MSE.
//   η = ρ·η_theory, η_theory from the first minibatch (learning-rate.ts). Plain SGD, T steps of batch B; minibatches
//   are epochs of a Rng(seed, 2) permutation of the training set. Init Rng(seed, 0) inside Mlp: all cells of a sweep
//   share the seed, so cells of equal depth share the same N(0, 1) weight draws (common random numbers along σ_w²).
//   A non-finite batch loss ends the cell as diverged (accuracies = chance, trainLoss = null), never NaN. A cell with
//   no finite positive η = ρ·η_theory in float64 is not trained: it is recorded as failed, with the reason.
//   Records train / test accuracy and the MSE over the whole train split at the end.
// Runs on whatever tfjs backend is active. Awaits between SGD steps (so a worker's cancel message can arrive) and
// returns null when `cancelled()` turns true: the unfinished cell is dropped.
import * as tf from '@tensorflow/tfjs-core';
import { CHANCE_ACCURACY, CLASSES, type CellRecord } from '../../../src-shared/contract/trainability';
import { Rng } from '../../../src-shared/rng';
import type { TfActivationName as Activation } from '../../../src-shared/network/activations';
import { makeOptimizer, Mlp, readScalar } from '../train/mlp';
import type { Split, SweepData } from './datasets';
import { cellEtaTheory, meanCosine } from './learning-rate';

export interface CellSpec {
  activation: Activation;
  sigmaW2: number;
  sigmaB2: number;
  depth: number;
  width: number;
  steps: number;
  batchSize: number;
  rho: number;
  seed: number;
}

export interface TrainCellOptions {
  /** Checked between SGD steps; true stops the cell (the call resolves null). */
  cancelled?: () => boolean;
  /** Called between SGD steps (default: yield to the event loop via setImmediate); may wait while a run is paused.
   *  Time spent in it is left out of the cell's `seconds`. */
  yieldNow?: () => Promise<void>;
}

/** Samples per forward pass when evaluating a split. */
export const EVAL_CHUNK = 1000;

const defaultYield = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Mean MSE and accuracy over a split (non-finite loss → null). */
async function evaluate(net: Mlp, split: Split, n0: number): Promise<{ loss: number | null; accuracy: number }> {
  let lossSum = 0;
  let hits = 0;
  for (let start = 0; start < split.count; start += EVAL_CHUNK) {
    const n = Math.min(EVAL_CHUNK, split.count - start);
    const x = tf.tensor2d(split.x.subarray(start * n0, (start + n) * n0), [n, n0]);
    const y = tf.tensor2d(split.y.subarray(start * CLASSES, (start + n) * CLASSES), [n, CLASSES]);
    try {
      lossSum += (await readScalar(net.loss(x, y, 'mse'))) * n;
      hits += (await net.accuracy(x, y)) * n;
    } finally {
      tf.dispose([x, y]);
    }
  }
  const loss = lossSum / split.count;
  return { loss: Number.isFinite(loss) ? loss : null, accuracy: hits / split.count };
}

function gather(
  split: Split,
  n0: number,
  idx: Uint32Array,
  from: number,
  B: number,
  x: Float32Array,
  y: Float32Array,
): void {
  for (let r = 0; r < B; r++) {
    const s = idx[from + r];
    x.set(split.x.subarray(s * n0, (s + 1) * n0), r * n0);
    y.set(split.y.subarray(s * CLASSES, (s + 1) * CLASSES), r * CLASSES);
  }
}

function permute(idx: Uint32Array, rng: Rng): void {
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
}

export async function trainCell(
  spec: CellSpec,
  data: SweepData,
  opts: TrainCellOptions = {},
): Promise<CellRecord | null> {
  const { depth, width, steps, batchSize: B } = spec;
  const n0 = data.inputDim;
  if (B > data.train.count) throw new RangeError(`batchSize ${B} exceeds the ${data.train.count} training samples`);
  const cancelled = opts.cancelled ?? (() => false);
  const yielder = opts.yieldNow ?? defaultYield;
  let waited = 0; // ms spent yielding (a paused run waits there)
  const yieldNow = async (): Promise<void> => {
    const t = performance.now();
    await yielder();
    waited += performance.now() - t;
  };
  const t0 = performance.now();
  // the waits are summed separately, so rounding could take a cell that only waited a hair below 0
  const elapsed = () => Math.max(0, (performance.now() - t0 - waited) / 1000);
  const rng = new Rng(spec.seed, 2);
  const order = new Uint32Array(data.train.count).map((_, i) => i);
  permute(order, rng);
  let cursor = 0;
  const bx = new Float32Array(B * n0);
  const by = new Float32Array(B * CLASSES);
  gather(data.train, n0, order, 0, B, bx, by);

  const eta = cellEtaTheory({
    activation: spec.activation,
    sigmaW2: spec.sigmaW2,
    sigmaB2: spec.sigmaB2,
    depth,
    batchSize: B,
    meanCos: meanCosine(bx, B, n0),
  });
  const base = { sigmaW2: spec.sigmaW2, depth, depthToWidth: depth / width, width };
  const divergedRecord = (lr: number, etaTheory: number, done: number): CellRecord => ({
    ...base,
    lr,
    etaTheory,
    trainAccuracy: CHANCE_ACCURACY,
    testAccuracy: CHANCE_ACCURACY,
    trainLoss: null,
    steps: done,
    diverged: true,
    seconds: elapsed(),
  });
  // no usable η in float64 (Θ over- or underflows at this depth): a finished, failed cell with the reason, so a sweep
  // records it and goes on (accuracies = chance, as nothing can be learned at η = ρ·η_theory)
  const failedRecord = (reason: string): CellRecord => ({
    ...divergedRecord(0, 0, 0),
    diverged: false,
    failed: reason,
  });
  if (eta.etaTheory === null) return failedRecord(eta.failed ?? 'η_theory is not a positive float64');
  const lr = spec.rho * eta.etaTheory;
  if (!(lr > 0 && Number.isFinite(lr)))
    return failedRecord(`η = ρ·η_theory = ${spec.rho}·${eta.etaTheory} is not a positive float64`);

  const widths = [n0, ...new Array<number>(depth - 1).fill(width), CLASSES];
  const net = new Mlp({
    widths,
    activation: spec.activation,
    sigmaW2: spec.sigmaW2,
    sigmaB2: spec.sigmaB2,
    parametrization: 'ntk',
    seed: spec.seed,
  });
  const optimizer = makeOptimizer('sgd', lr);
  try {
    for (let t = 0; t < steps; t++) {
      await yieldNow();
      if (cancelled()) return null;
      if (t > 0) {
        if (cursor + 2 * B > order.length) {
          permute(order, rng);
          cursor = 0;
        } else {
          cursor += B;
        }
        gather(data.train, n0, order, cursor, B, bx, by);
      }
      const x = tf.tensor2d(bx, [B, n0]);
      const y = tf.tensor2d(by, [B, CLASSES]);
      let loss: number;
      try {
        loss = await net.trainStep(optimizer, x, y, 'mse');
      } finally {
        x.dispose();
        y.dispose();
      }
      if (!Number.isFinite(loss)) return divergedRecord(lr, eta.etaTheory, t);
    }
    await yieldNow();
    if (cancelled()) return null;
    const train = await evaluate(net, data.train, n0);
    if (train.loss === null) return divergedRecord(lr, eta.etaTheory, steps);
    const test = await evaluate(net, data.test, n0);
    return {
      ...base,
      lr,
      etaTheory: eta.etaTheory,
      trainAccuracy: train.accuracy,
      testAccuracy: test.accuracy,
      trainLoss: train.loss,
      steps,
      diverged: false,
      seconds: elapsed(),
    };
  } finally {
    optimizer.dispose();
    net.dispose();
  }
}
