// Test fixture, run as a child process by webgpu-backend.test.ts (the SwiftShader Vulkan driver needs its
// environment at process start): computes the same small training run, dense NTK and GD step on each backend named
// on the command line, in turn, and prints one JSON object { [backend]: Computed } on stdout.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src-shared/rng';
import { initBackend, isBackendChoice, type BackendInfo } from './backend';
import { TASKS, type GdStepTaskResult, type NtkTaskResult, type TaskContext } from './tasks';
import { makeOptimizer, Mlp, readScalar } from './train/mlp';

export interface Computed {
  backend: BackendInfo;
  /** Batch loss before each SGD step, then the loss and accuracy after the last step. */
  losses: number[];
  finalLoss: number;
  finalAccuracy: number;
  /** Θ(x, x), Θ(x̃, x̃), Θ(x, x̃) of 6 networks (ntk task). */
  theta: number[];
  thetaTilde: number[];
  thetaOff: number[];
  /** Θ before / after one GD step and f before / after, 6 networks (gd-step task). */
  gdTheta: number[];
  gdThetaAfter: number[];
  gdOutput: number[];
  gdOutputAfter: number[];
}

const STEPS = 4;

async function compute(info: BackendInfo): Promise<Computed> {
  const ctx: TaskContext = { backend: info, emit: () => undefined, cancelled: () => false, checkpoint: async () => {} };
  // a few SGD steps of a small NTK-parametrized MLP on fixed synthetic data (inputs N(0, 1), random labels)
  const n0 = 12,
    classes = 3,
    batch = 24;
  const rng = new Rng(11, 7);
  const xs = new Float32Array(batch * n0);
  rng.fillNormal(xs, 1);
  const ys = new Float32Array(batch * classes);
  for (let r = 0; r < batch; r++) ys[r * classes + Math.floor(rng.uniform() * classes)] = 1;
  const x = tf.tensor2d(xs, [batch, n0]);
  const y = tf.tensor2d(ys, [batch, classes]);
  const net = new Mlp({
    widths: [n0, 16, 16, classes],
    activation: 'relu',
    sigmaW2: 2,
    sigmaB2: 0.1,
    parametrization: 'ntk',
    seed: 5,
  });
  const opt = makeOptimizer('sgd', 0.5);
  const losses: number[] = [];
  for (let t = 0; t < STEPS; t++) losses.push(await net.trainStep(opt, x, y, 'mse'));
  const finalLoss = await readScalar(net.loss(x, y, 'mse'));
  const finalAccuracy = await net.accuracy(x, y);
  opt.dispose();
  net.dispose();
  tf.dispose([x, y]);

  const ntk = (await TASKS.ntk(
    { sigmaW2: 1.8, sigmaB2: 0.2, widths: [6, 16, 16], samples: 6, seed: 3, pairCos: 0.3, batchSize: 3 },
    ctx,
  )) as NtkTaskResult;
  const gd = (await TASKS['gd-step'](
    { sigmaW2: 2, sigmaB2: 0.1, widths: [4, 16, 16], lr: 0.3, target: 0.5, pairCos: 0.6, samples: 6, seed: 9 },
    ctx,
  )) as GdStepTaskResult;
  return {
    backend: info,
    losses,
    finalLoss,
    finalAccuracy,
    theta: [...ntk.theta],
    thetaTilde: [...ntk.thetaTilde!],
    thetaOff: [...ntk.thetaOff!],
    gdTheta: [...gd.theta],
    gdThetaAfter: [...gd.thetaAfter],
    gdOutput: [...gd.output],
    gdOutputAfter: [...gd.outputAfter],
  };
}

const out: Record<string, Computed> = {};
for (const name of process.argv.slice(2)) {
  if (!isBackendChoice(name)) throw new Error(`unknown backend ${name}`);
  const info = await initBackend({ prefer: name });
  out[name] = await compute(info);
}
process.stdout.write(JSON.stringify(out) + '\n');
