// Neural (tangent kernel) collapse in a small real network (Seleznova et al. 2023; Seleznova 2024 thesis §3.3 and
// App. C), the collapse-train task: an MLP 784 → hidden → 10 on MNIST, exactly class-balanced minibatches, MSE
// (batch mean of ½‖f − y‖², one-hot y) plus weight decay ½λΣ_l‖W_l‖² on the weights (not the biases, as the
// thesis code), SGD with Nesterov momentum. Every k epochs, on `kernelPerClass` training digits per class:
//   Θ_kk = the NTK of output k (per-output kernel, eq. 2), Θ^h_kk = the kernel of feature k of the last hidden layer
//   (eq. 3: parameters up to the penultimate layer), Θ^h_kk(x, x̃) = φ′(z_k(x)) φ′(z_k(x̃)) Θ^{z_k}(x, x̃) with z_k the
//   feature's pre-activation, whose NTK empiricalNtk computes on the net cut at that layer (Mlp.unitLayers);
// and on all training digits the NC metrics and the invariant (src-shared/theory/collapse/network-metrics.ts).
// Qualitative by design: the thesis reports VGG/ResNet/DenseNet numbers, none for an MLP.
// Deterministic for a seed on a given backend: init Rng(seed, 0), data split Rng(seed, 1), batches Rng(seed, 2).
import { runGeneratorTask, type RunHooks, type RunTaskContext } from './generator-task';
import * as tf from '@tensorflow/tfjs-core';
import {
  COLLAPSE_TRAIN_CLASSES,
  collapseRecordEpochs,
  type CollapseTrainParams,
  type CollapseTrainRecord,
  type CollapseTrainSummary,
} from '../../../src-shared/contract/collapse-train';
import { activationSpec } from '../../../src-shared/network/activations';
import { Rng } from '../../../src-shared/rng';
import { blockAverages, labelAlignment, networkCollapse } from '../../../src-shared/theory/collapse/network-metrics';
import { empiricalNtk } from '../ntk';
import { loadMnist, MNIST_INPUT_DIM, type Split } from './mnist-data';
import { makeOptimizer, Mlp } from './mlp';

const C = COLLAPSE_TRAIN_CLASSES;
const D = MNIST_INPUT_DIM;

/** A class-sorted set: digits of class 0 first, `perClass` of each. */
export interface ClassSortedSet {
  x: Float32Array;
  y: Float32Array;
  labels: Int32Array;
  perClass: number;
}

/** The first `perClass` digits of each class of a split, class-sorted; RangeError naming the field if too few. */
export function classBalanced(split: Split, perClass: number, field: string): ClassSortedSet {
  const byClass: number[][] = Array.from({ length: C }, () => []);
  for (let i = 0; i < split.count; i++)
    if (byClass[split.labels[i]].length < perClass) byClass[split.labels[i]].push(i);
  const short = byClass.findIndex((list) => list.length < perClass);
  if (short >= 0)
    throw new RangeError(`${field}: class ${short} has only ${byClass[short].length} digits here (asked ${perClass})`);
  const N = C * perClass;
  const x = new Float32Array(N * D);
  const y = new Float32Array(N * C);
  const labels = new Int32Array(N);
  byClass.forEach((list, c) =>
    list.forEach((src, j) => {
      const r = c * perClass + j;
      x.set(split.x.subarray(src * D, (src + 1) * D), r * D);
      y[r * C + c] = 1;
      labels[r] = c;
    }),
  );
  return { x, y, labels, perClass };
}

/** The first `perClass` of each class of a class-sorted set. */
function head(set: ClassSortedSet, perClass: number): ClassSortedSet {
  const x = new Float32Array(C * perClass * D);
  const y = new Float32Array(C * perClass * C);
  const labels = new Int32Array(C * perClass);
  for (let c = 0; c < C; c++)
    for (let j = 0; j < perClass; j++) {
      const src = c * set.perClass + j;
      const r = c * perClass + j;
      x.set(set.x.subarray(src * D, (src + 1) * D), r * D);
      y[r * C + c] = 1;
      labels[r] = c;
    }
  return { x, y, labels, perClass };
}

function netOptions(net: Mlp) {
  const { activation, sigmaW2, sigmaB2, parametrization } = net.spec;
  return { activation, sigmaW2, sigmaB2, parametrization };
}

/** Θ_kk on the inputs (row-major K×K, float64): the NTK of output k. */
export async function outputKernel(net: Mlp, inputs: tf.Tensor2D, k: number): Promise<Float64Array> {
  const layers = net.outputLayers(k);
  try {
    const { ntk, outputs } = empiricalNtk(layers, inputs, netOptions(net));
    const v = await ntk.data();
    tf.dispose([ntk, outputs]);
    return Float64Array.from(v);
  } finally {
    tf.dispose(layers.flatMap((l) => [l.W, l.b]));
  }
}

/** Θ^h_kk on the inputs (row-major K×K, float64): the kernel of feature k = φ(z_k) of the last hidden layer. */
export async function featureKernel(net: Mlp, inputs: tf.Tensor2D, k: number): Promise<Float64Array> {
  const layers = net.unitLayers(net.depth - 1, k);
  const dphi = activationSpec(net.spec.activation).dphi;
  try {
    const { ntk, outputs } = empiricalNtk(layers, inputs, netOptions(net));
    const [v, z] = await Promise.all([ntk.data(), outputs.data()]);
    tf.dispose([ntk, outputs]);
    const K = inputs.shape[0];
    const d = Array.from(z, dphi);
    const out = new Float64Array(K * K);
    for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) out[i * K + j] = d[i] * d[j] * v[i * K + j];
    return out;
  } finally {
    tf.dispose(layers.flatMap((l) => [l.W, l.b]));
  }
}

/** Σ_k of a per-unit kernel over `count` units. */
async function traced(count: number, one: (k: number) => Promise<Float64Array>): Promise<Float64Array> {
  let sum: Float64Array | undefined;
  for (let k = 0; k < count; k++) {
    const K = await one(k);
    if (!sum) sum = K;
    else for (let i = 0; i < K.length; i++) sum[i] += K[i];
  }
  return sum!;
}

export type CollapseTrainOptions = RunHooks;

const finiteOr = (v: number | null | undefined): number | null => (v != null && Number.isFinite(v) ? v : null);

/** The run as an async generator of records; `p` as parseCollapseTrainParams resolved it (the kind's check). */
export async function* collapseTrain(
  p: CollapseTrainParams,
  opts: CollapseTrainOptions = {},
): AsyncGenerator<CollapseTrainRecord, CollapseTrainSummary> {
  const cancelled = opts.cancelled ?? (() => false);
  const t0 = performance.now();
  const data = loadMnist({ trainSize: 10_000 - p.testSize, testSize: p.testSize, seed: p.seed, normalization: 'unit' });
  const train = classBalanced(data.train, p.trainPerClass, 'trainPerClass');
  const probe = head(train, p.kernelPerClass);
  const n = p.hidden[p.hidden.length - 1];
  const N = C * p.trainPerClass;
  const net = new Mlp({
    widths: [D, ...p.hidden, C],
    activation: p.activation,
    sigmaW2: p.sigmaW2,
    sigmaB2: p.sigmaB2,
    parametrization: 'standard',
    seed: p.seed,
  });
  const optimizer = p.momentum > 0 ? tf.train.momentum(p.lr, p.momentum, true) : makeOptimizer('sgd', p.lr);
  const xTrain = tf.tensor2d(train.x, [N, D]);
  const xProbe = tf.tensor2d(probe.x, [C * p.kernelPerClass, D]);
  const xTest = tf.tensor2d(data.test.x, [data.test.count, D]);
  const yTest = tf.tensor2d(data.test.y, [data.test.count, C]);
  const stepsPerEpoch = Math.floor(p.trainPerClass / p.batchPerClass);
  const batch = C * p.batchPerClass;
  const xb = new Float32Array(batch * D);
  const yb = new Float32Array(batch * C);
  const perms = Array.from({ length: C }, () => Array.from({ length: p.trainPerClass }, (_, i) => i));
  const batchRng = new Rng(p.seed, 2);
  const recordAt = collapseRecordEpochs(p.epochs, p.recordEvery);
  let records = 0;

  const nullRecord = (epoch: number, step: number): CollapseTrainRecord => {
    const blocks = { d: null, c: null, n: null };
    return {
      epoch,
      step,
      trainLoss: null,
      trainAccuracy: null,
      testAccuracy: null,
      gamma: blocks,
      kappa: blocks,
      thetaAlignment: null,
      thetaHAlignment: null,
      nc1: null,
      nc2: null,
      nc3: null,
      h2Norm: null,
      meanFeatureNorm: null,
      invariantAlignment: null,
      invariantRelative: null,
      residual: { global: null, class: null, single: null },
      diverged: true,
      seconds: (performance.now() - t0) / 1000,
    };
  };

  const record = async (epoch: number, step: number): Promise<CollapseTrainRecord> => {
    records++;
    const featT = net.features(xTrain);
    const F = await featT.data();
    featT.dispose();
    const out = net.forward(xTrain);
    const f = await out.data();
    out.dispose();
    const [W, b] = await Promise.all([net.W[net.depth - 1].data(), net.b[net.depth - 1].data()]);
    const testAccuracy = await net.accuracy(xTest, yTest);
    let loss = 0,
      hits = 0;
    for (let i = 0; i < N; i++) {
      let best = 0;
      for (let o = 0; o < C; o++) {
        loss += 0.5 * (f[i * C + o] - train.y[i * C + o]) ** 2;
        if (f[i * C + o] > f[i * C + best]) best = o;
      }
      if (best === train.labels[i]) hits++;
    }
    const theta = await traced(C, (k) => outputKernel(net, xProbe, k));
    const thetaH = await traced(n, (k) => featureKernel(net, xProbe, k));
    const finite = (a: ArrayLike<number>) => Array.prototype.every.call(a, Number.isFinite) as boolean;
    if (!Number.isFinite(loss) || !finite(theta) || !finite(thetaH) || !finite(F) || !finite(W))
      return nullRecord(epoch, step);
    const gamma = blockAverages(theta, probe.labels, C);
    const kappa = blockAverages(thetaH, probe.labels, n);
    const H = new Float64Array(n * N);
    for (let i = 0; i < N; i++) for (let k = 0; k < n; k++) H[k * N + i] = F[i * n + k];
    const nc = networkCollapse(
      H,
      W,
      b,
      { classes: C, perClass: p.trainPerClass, features: n },
      { kappaD: kappa.d, kappaC: kappa.c, kappaN: kappa.n },
    );
    return {
      epoch,
      step,
      trainLoss: finiteOr(loss / N),
      trainAccuracy: hits / N,
      testAccuracy: finiteOr(testAccuracy),
      gamma,
      kappa,
      thetaAlignment: finiteOr(labelAlignment(theta, probe.labels)),
      thetaHAlignment: finiteOr(labelAlignment(thetaH, probe.labels)),
      nc1: finiteOr(nc.nc1),
      nc2: finiteOr(nc.nc2),
      nc3: finiteOr(nc.nc3),
      h2Norm: finiteOr(nc.h2Norm),
      meanFeatureNorm: finiteOr(nc.meanFeatureNorm),
      invariantAlignment: finiteOr(nc.invariantAlignment),
      invariantRelative: finiteOr(nc.invariantRelative),
      residual: {
        global: finiteOr(nc.residual.global),
        class: finiteOr(nc.residual.class),
        single: finiteOr(nc.residual.single),
      },
      diverged: false,
      seconds: (performance.now() - t0) / 1000,
    };
  };

  /** One optimizer step on the next class-balanced batch; the batch loss before the step. */
  const trainStep = async (j: number): Promise<number> => {
    for (let c = 0; c < C; c++)
      for (let s = 0; s < p.batchPerClass; s++) {
        const src = c * p.trainPerClass + perms[c][j * p.batchPerClass + s];
        const r = c * p.batchPerClass + s;
        xb.set(train.x.subarray(src * D, (src + 1) * D), r * D);
        yb.set(train.y.subarray(src * C, (src + 1) * C), r * C);
      }
    const x = tf.tensor2d(xb, [batch, D]);
    const y = tf.tensor2d(yb, [batch, C]);
    try {
      const { value, grads } = await net.gradients(x, y, 'mse');
      if (p.weightDecay > 0)
        for (const w of net.W) {
          const g = grads[w.name];
          grads[w.name] = tf.tidy(() => tf.add(g, tf.mul(w, p.weightDecay)));
          g.dispose();
        }
      optimizer.applyGradients(grads);
      tf.dispose(grads);
      return value;
    } finally {
      tf.dispose([x, y]);
    }
  };

  try {
    let step = 0;
    for (let epoch = 0; epoch <= p.epochs; epoch++) {
      if (cancelled()) return { records, stoppedEarly: true };
      if (recordAt.includes(epoch)) {
        const r = await record(epoch, step);
        yield r;
        if (r.diverged) return { records, stoppedEarly: epoch < p.epochs };
      }
      if (epoch === p.epochs) break;
      for (const perm of perms)
        for (let i = perm.length - 1; i > 0; i--) {
          const r = Math.floor(batchRng.uniform() * (i + 1));
          [perm[i], perm[r]] = [perm[r], perm[i]];
        }
      for (let j = 0; j < stepsPerEpoch; j++) {
        if (cancelled()) return { records, stoppedEarly: true };
        const loss = await trainStep(j);
        step++;
        if (!Number.isFinite(loss)) {
          records++;
          yield nullRecord(epoch + 1, step);
          return { records, stoppedEarly: true };
        }
        if (opts.checkpoint) await opts.checkpoint();
        else await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    return { records, stoppedEarly: false };
  } finally {
    tf.dispose([xTrain, xProbe, xTest, yTest]);
    optimizer.dispose();
    net.dispose();
  }
}

/** Task handler for the tf worker: params checked by the collapse-train kind; one progress record per checkpoint. */
export async function collapseTrainTask(params: unknown, ctx: RunTaskContext): Promise<CollapseTrainSummary> {
  return runGeneratorTask(ctx, (hooks) => collapseTrain(params as CollapseTrainParams, hooks));
}
