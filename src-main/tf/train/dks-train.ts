// "Does it train?" (issue 14, item 4; src-shared/contract/dks-train.ts): the configurations the dks-train job
// resolved (EOC φ, SELU, φ with Layer Norm, DKS φ̂ at several ζ), each trained in turn as a deep plain MLP on MNIST
// with softmax cross-entropy; train/test accuracy recorded every `recordEvery` steps. Deterministic per seed on a
// backend: the same data split, initialization Rng(seed, 0) and minibatch order Rng(seed, 2) for every
// configuration, so they differ only in φ, (σ_w², σ_b²) and Layer Norm.
import { runGeneratorTask, type RunTaskContext } from './generator-task';
import * as tf from '@tensorflow/tfjs-core';
import type { DksTrainConfig, DksTrainParams, DksTrainRecord } from '../../../src-shared/contract/dks-train';
import { Rng } from '../../../src-shared/rng';
import { dksTfActivation } from './dks-activations';
import { loadMnist, MNIST_CLASSES, MNIST_INPUT_DIM, type Split } from './mnist-data';
import { makeOptimizer, Mlp, readScalar } from './mlp';

export interface DksTrainTaskParams extends DksTrainParams {
  configs: DksTrainConfig[];
}

const EVAL_CHUNK = 1000;

/** Mean loss and accuracy over a split; reads are asynchronous (the webgpu backend cannot read synchronously). */
async function evaluate(net: Mlp, split: Split): Promise<{ loss: number; accuracy: number }> {
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
      lossSum += (await readScalar(net.loss(x, y, 'cross-entropy'))) * n;
      hits += (await net.accuracy(x, y)) * n;
    } finally {
      tf.dispose([x, y]);
    }
  }
  return { loss: lossSum / split.count, accuracy: hits / split.count };
}

/** ‖x‖ = 1 digits scaled to ‖x‖² = n₀ = 784: q = 1, the input convention of DKS (Sec. 22.4's PLN). */
function scaled(split: Split): Split {
  return { ...split, x: split.x.map((v) => v * Math.sqrt(MNIST_INPUT_DIM)) };
}

/** Trains every configuration in turn; yields records; returns whether a cancel stopped it early. */
async function* dksTrain(
  p: DksTrainTaskParams,
  opts: { cancelled?: () => boolean; checkpoint?: () => Promise<void> } = {},
): AsyncGenerator<DksTrainRecord, { stoppedEarly: boolean }> {
  const cancelled = opts.cancelled ?? (() => false);
  const data = loadMnist({ trainSize: p.trainSize, testSize: p.testSize, seed: p.seed, normalization: 'unit' });
  const train = scaled(data.train);
  const test = scaled(data.test);
  const t0 = performance.now();
  const xb = new Float32Array(p.batchSize * MNIST_INPUT_DIM);
  const yb = new Float32Array(p.batchSize * MNIST_CLASSES);
  for (const [index, cfg] of p.configs.entries()) {
    const net = new Mlp({
      widths: [MNIST_INPUT_DIM, ...new Array<number>(p.depth).fill(p.width), MNIST_CLASSES],
      activation: 'linear', // the name is not used: `ops` sets φ
      ops: dksTfActivation(cfg.activation, cfg.transform),
      sigmaW2: cfg.sigmaW2,
      sigmaB2: cfg.sigmaB2,
      parametrization: 'standard',
      seed: p.seed,
      layerNorm: cfg.kind === 'layernorm',
    });
    const optimizer = makeOptimizer(p.optimizer, p.lr);
    const batchRng = new Rng(p.seed, 2);
    const perm = Int32Array.from({ length: p.trainSize }, (_, i) => i);
    let cursor = p.trainSize;
    const record = async (step: number, diverged: boolean): Promise<DksTrainRecord> => {
      const tr = await evaluate(net, train);
      const te = await evaluate(net, test);
      const bad = diverged || !Number.isFinite(tr.loss);
      return {
        config: index,
        label: cfg.label,
        step,
        trainLoss: bad ? null : tr.loss,
        trainAccuracy: bad ? null : tr.accuracy,
        testAccuracy: bad ? null : te.accuracy,
        diverged: bad,
        seconds: (performance.now() - t0) / 1000,
      };
    };
    try {
      for (let step = 0; step <= p.steps; step++) {
        if (cancelled()) return { stoppedEarly: true };
        if (step % p.recordEvery === 0 || step === p.steps) {
          const r = await record(step, false);
          yield r;
          if (r.diverged) break;
        }
        if (step === p.steps) break;
        for (let j = 0; j < p.batchSize; j++) {
          if (cursor >= p.trainSize) {
            for (let i = p.trainSize - 1; i > 0; i--) {
              const r = Math.floor(batchRng.uniform() * (i + 1));
              [perm[i], perm[r]] = [perm[r], perm[i]];
            }
            cursor = 0;
          }
          const src = perm[cursor++];
          xb.set(train.x.subarray(src * MNIST_INPUT_DIM, (src + 1) * MNIST_INPUT_DIM), j * MNIST_INPUT_DIM);
          yb.set(train.y.subarray(src * MNIST_CLASSES, (src + 1) * MNIST_CLASSES), j * MNIST_CLASSES);
        }
        const x = tf.tensor2d(xb, [p.batchSize, MNIST_INPUT_DIM]);
        const y = tf.tensor2d(yb, [p.batchSize, MNIST_CLASSES]);
        let loss: number;
        try {
          loss = await net.trainStep(optimizer, x, y, 'cross-entropy');
        } finally {
          x.dispose();
          y.dispose();
        }
        if (!Number.isFinite(loss)) {
          yield await record(step + 1, true);
          break;
        }
        if (opts.checkpoint) await opts.checkpoint();
        else await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      optimizer.dispose();
      net.dispose();
    }
  }
  return { stoppedEarly: false };
}

/** Task handler for the TF worker: params checked and resolved by the dks-train job kind; one record per emit. */
export async function dksTrainTask(params: unknown, ctx: RunTaskContext): Promise<{ stoppedEarly: boolean }> {
  return runGeneratorTask(ctx, (hooks) => dksTrain(params as DksTrainTaskParams, hooks));
}
