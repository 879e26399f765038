// Worker task of bench/training.ts (added to the TF workers through TfHostOptions.taskModule): train one MLP for a
// number of SGD / Adam steps on MNIST minibatches and report the seconds the steps took inside the worker (data
// loading and warm-up excluded). The step is the lab's own (Mlp.trainStep, the explicit backprop of mlp.ts).
import * as tf from '@tensorflow/tfjs-core';
import { CLASSES } from '../src-shared/contract/trainability';
import { loadSweepData, type SweepData } from '../src-main/tf/sweep/datasets';
import type { TaskHandler } from '../src-main/tf/tasks';
import { makeOptimizer, Mlp, type OptimizerKind } from '../src-main/tf/train/mlp';
import type { Parametrization } from '../src-shared/network/parametrization';

export interface BenchTrainParams {
  depth: number;
  width: number;
  sigmaW2: number;
  sigmaB2: number;
  parametrization: Parametrization;
  optimizer: OptimizerKind;
  lr: number;
  batch: number;
  steps: number;
}

let data: SweepData | undefined;

export const tasks: Record<string, TaskHandler> = {
  async 'bench-train'(raw) {
    const p = raw as BenchTrainParams;
    data ??= loadSweepData('mnist', 2000, 100, 0);
    const n0 = data.inputDim;
    const widths = [n0, ...new Array<number>(p.depth - 1).fill(p.width), CLASSES];
    const net = new Mlp({
      widths,
      activation: 'relu',
      sigmaW2: p.sigmaW2,
      sigmaB2: p.sigmaB2,
      parametrization: p.parametrization,
      seed: 1,
    });
    const opt = makeOptimizer(p.optimizer, p.lr);
    const batches = Math.floor(data.train.count / p.batch);
    const x = (i: number) =>
      tf.tensor2d(data!.train.x.subarray(i * p.batch * n0, (i + 1) * p.batch * n0), [p.batch, n0]);
    const y = (i: number) =>
      tf.tensor2d(data!.train.y.subarray(i * p.batch * CLASSES, (i + 1) * p.batch * CLASSES), [p.batch, CLASSES]);
    const step = async (t: number) => {
      const xb = x(t % batches),
        yb = y(t % batches);
      try {
        await net.trainStep(opt, xb, yb, 'mse');
      } finally {
        tf.dispose([xb, yb]);
      }
    };
    try {
      await step(0); // warm-up: kernel set-up, JIT
      const t0 = performance.now();
      for (let t = 1; t <= p.steps; t++) await step(t);
      // rss: the whole process (worker threads share it); numBytes: this worker's live tensors after the steps
      return {
        seconds: (performance.now() - t0) / 1000,
        rss: process.memoryUsage().rss,
        tensorBytes: tf.memory().numBytes,
      };
    } finally {
      opt.dispose();
      net.dispose();
    }
  },
};
