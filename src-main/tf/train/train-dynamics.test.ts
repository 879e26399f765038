import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  defaultRecordSteps,
  parseTrainDynamicsParams,
  type TrainDynamicsRecord,
} from '../../../src-shared/contract/train-dynamics';
import { reluExactMoments } from '../../../src-shared/theory/relu-exact-moments';
import { ensureBackend } from '../backend';
import { loadMnist, MNIST_INPUT_DIM } from './mnist-data';
import { Mlp } from './mlp';
import { traceNtk, trainDynamics, trainDynamicsTask } from './train-dynamics';

beforeAll(async () => {
  await ensureBackend('wasm');
});

const TINY = {
  depth: 3,
  width: 32,
  steps: 20,
  trainSize: 200,
  testSize: 100,
  batchSize: 50,
  recordAt: [0, 5, 20],
  lr: 1e-3,
  seed: 5,
};

async function collect(
  params: unknown,
  cancelled?: () => boolean,
): Promise<{ records: TrainDynamicsRecord[]; summary: { records: number; stoppedEarly: boolean } }> {
  const records: TrainDynamicsRecord[] = [];
  const summary = await trainDynamicsTask(parseTrainDynamicsParams(params), {
    emit: (r) => records.push(r as TrainDynamicsRecord),
    cancelled: cancelled ?? (() => false),
  });
  return { records, summary };
}

/** Cholesky of K + jitter·I succeeds iff the matrix is positive definite: PSD up to the jitter. */
function choleskyOk(K: ArrayLike<number>, k: number, jitter: number): boolean {
  const A = Float64Array.from(K);
  for (let i = 0; i < k; i++) A[i * k + i] += jitter;
  for (let j = 0; j < k; j++) {
    let d = A[j * k + j];
    for (let m = 0; m < j; m++) d -= A[j * k + m] ** 2;
    if (!(d > 0)) return false;
    const r = Math.sqrt(d);
    A[j * k + j] = r;
    for (let i = j + 1; i < k; i++) {
      let s = A[i * k + j];
      for (let m = 0; m < j; m++) s -= A[i * k + m] * A[j * k + m];
      A[i * k + j] = s / r;
    }
  }
  return true;
}

describe('trainDynamics (Seleznova & Kutyniok 2022, Fig. 4) on a tiny net', () => {
  it('records at the requested steps; the loss falls; the kernel is a symmetric PSD Gram matrix; eq. (23) is consistent', async () => {
    const { records, summary } = await collect(TINY);
    expect(summary).toEqual({ records: 3, stoppedEarly: false });
    expect(records.map((r) => r.step)).toEqual([0, 5, 20]);
    expect(records.map((r) => r.epoch)).toEqual([0, 1.25, 5]);
    for (const r of records) {
      expect(r.diverged).toBe(false);
      for (const v of [r.trainLoss, r.testLoss, r.trainAccuracy, r.testAccuracy, r.thetaD, r.thetaC, r.thetaN])
        expect(Number.isFinite(v)).toBe(true);
      const K = r.kernel as Float32Array;
      expect(K).toBeInstanceOf(Float32Array);
      expect(K.length).toBe(100 * 100);
      let maxAbs = 0;
      let asym = 0;
      let diag = 0;
      for (let i = 0; i < 100; i++) {
        diag += K[i * 100 + i];
        for (let j = 0; j < 100; j++) {
          maxAbs = Math.max(maxAbs, Math.abs(K[i * 100 + j]));
          asym = Math.max(asym, Math.abs(K[i * 100 + j] - K[j * 100 + i]));
        }
      }
      expect(asym).toBeLessThan(1e-5 * maxAbs); // float32 rounding of the same inner products
      expect(choleskyOk(K, 100, 1e-4 * maxAbs)).toBe(true);
      expect(diag / 100).toBeCloseTo(r.thetaD!, 2);
      // PSD + 10 per class ⇒ |Θc|, |Θn| ≤ Θd (see ntk-structure.ts)
      expect(Math.abs(r.thetaC!)).toBeLessThanOrEqual(r.thetaD!);
      expect(Math.abs(r.thetaN!)).toBeLessThanOrEqual(r.thetaD!);
    }
    // 20 Adam steps at lr 1e−3 from the ½‖f − y‖² ≈ 0.5 of a random init: the training loss falls clearly
    expect(records[2].trainLoss!).toBeLessThan(0.9 * records[0].trainLoss!);
    expect(records[2].trainAccuracy!).toBeGreaterThan(records[0].trainAccuracy!);
    expect(tf.memory().numTensors).toBe(0);
  });

  it('Θd at initialization matches the exact E[Θ(x,x)] of Seleznova & Kutyniok 2022 (10 outputs: trace = 10 × scalar NTK)', async () => {
    // ReLU, σ_b = 0, ‖x⁰‖ = 1: E[Θ_kk(x, x)] does not depend on the direction of x (rotation invariance of the
    // Gaussian weights), so each network's Θd/10 is an unbiased sample of E[Θ] for widths [784, 32, 32].
    const sigmaW2 = 1.6;
    const widths = [MNIST_INPUT_DIM, 32, 32, 10];
    const exact = reluExactMoments(sigmaW2, [MNIST_INPUT_DIM, 32, 32]).meanTheta;
    const data = loadMnist({ trainSize: 100, testSize: 1, seed: 2, normalization: 'unit' });
    const k = 20; // digits 0 and 1 of the subset suffice for the diagonal
    const x = tf.tensor2d(data.ntkSubset.x.subarray(0, k * MNIST_INPUT_DIM), [k, MNIST_INPUT_DIM]);
    const samples: number[] = [];
    for (let seed = 1; seed <= 12; seed++) {
      const net = new Mlp({ widths, activation: 'relu', sigmaW2, sigmaB2: 0, parametrization: 'standard', seed });
      const K = await traceNtk(net, x);
      let d = 0;
      for (let i = 0; i < k; i++) d += K[i * (k + 1)];
      samples.push(d / k / 10);
      net.dispose();
    }
    x.dispose();
    const mean = samples.reduce((s, v) => s + v, 0) / samples.length;
    const sd = Math.sqrt(samples.reduce((s, v) => s + (v - mean) ** 2, 0) / (samples.length - 1));
    const se = sd / Math.sqrt(samples.length);
    // measured: 3.12 ± 0.07 vs exact 3.13 (16 seeds, 100 inputs)
    expect(Math.abs(mean - exact)).toBeLessThan(4 * se);
    expect(se / exact).toBeLessThan(0.1); // the check has teeth: a factor-2 error would be > 10 SE away
  });

  it('stops promptly when cancelled: at the next step, counted by the checkpoints between steps', async () => {
    const long = parseTrainDynamicsParams({ ...TINY, steps: 100_000, recordAt: [0, 100_000], kernel: false });
    // cancelled right after the first record: not one training step
    let emitted = 0;
    let steps = 0;
    const records: unknown[] = [];
    const summary = await trainDynamicsTask(long, {
      emit: (r) => (records.push(r), emitted++),
      cancelled: () => emitted >= 1,
      checkpoint: async () => void steps++,
    });
    expect(summary).toEqual({ records: 1, stoppedEarly: true });
    expect(records).toHaveLength(1);
    expect(steps).toBe(0);
    // cancelled mid-run, after the third step: no fourth step
    steps = 0;
    const mid = await trainDynamicsTask(long, {
      emit: () => undefined,
      cancelled: () => steps >= 3,
      checkpoint: async () => void steps++,
    });
    expect(mid).toEqual({ records: 1, stoppedEarly: true });
    expect(steps).toBe(3);
    expect(tf.memory().numTensors).toBe(0);
  });

  it('reports divergence as a flagged record with nulls, never NaN, and stops', async () => {
    const { records, summary } = await collect({
      ...TINY,
      optimizer: 'sgd',
      lr: 10,
      sigmaW2: 2.2,
      normalization: 'pixel',
      kernel: false,
    });
    expect(summary.stoppedEarly).toBe(true);
    const last = records[records.length - 1];
    expect(last.diverged).toBe(true);
    expect(last.trainLoss).toBeNull();
    expect(records.slice(0, -1).every((r) => !r.diverged)).toBe(true);
    const text = JSON.stringify(records);
    expect(text).not.toMatch(/NaN/);
    for (const r of records)
      for (const v of Object.values(r)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
  });

  it('is deterministic for a seed', async () => {
    const p = { ...TINY, steps: 3, recordAt: [3], kernel: false };
    const a = (await collect(p)).records[0];
    const b = (await collect(p)).records[0];
    expect({ ...a, seconds: 0 }).toEqual({ ...b, seconds: 0 });
  });
});

describe('train-dynamics parameters', () => {
  it('fills the CPU defaults (L = 20) and the default record steps', () => {
    const p = parseTrainDynamicsParams({});
    expect(p).toMatchObject({
      depth: 20,
      width: 100,
      sigmaW2: 2,
      optimizer: 'adam',
      activation: 'relu',
      loss: 'mse',
      normalization: 'unit',
    });
    expect(p.recordAt).toEqual(defaultRecordSteps(p.steps));
    expect(defaultRecordSteps(300)).toEqual([0, 1, 2, 5, 10, 20, 50, 100, 200, 300]);
    expect(defaultRecordSteps(0)).toEqual([0]);
  });

  it('rejects bad input with readable messages', async () => {
    const bad: [unknown, RegExp][] = [
      [{ width: -1 }, /width \(M\) must be ≥ 1/],
      [{ lr: Number.NaN }, /lr must be a number/],
      [{ lr: Number.POSITIVE_INFINITY }, /lr must be a number/],
      [{ lr: 0 }, /lr must be > 0/],
      [{ sigmaW2: 0 }, /sigmaW2/],
      [{ trainSize: 9000, testSize: 2000 }, /exceeds the 10000 digits/],
      [{ batchSize: 500, trainSize: 200 }, /batchSize \(500\) must be ≤ trainSize \(200\)/],
      [{ steps: 10, recordAt: [0, 50] }, /beyond steps = 10/],
      [{ optimizer: 'rmsprop' }, /optimizer must be one of adam, sgd/],
      [{ activation: 'softplus' }, /activation must be one of/],
      [{ width: 4096, depth: 200, batchSize: 9000, trainSize: 9000, steps: 1_000_000 }, /estimated (memory|work)/],
      [{ trainSize: 50 }, /trainSize must be ≥ 100/],
    ];
    for (const [params, message] of bad) {
      expect(() => parseTrainDynamicsParams(params)).toThrow(message);
    }
  });
});

describe('trainDynamics generator', () => {
  it('pauses when the consumer stops pulling and cleans up on return()', async () => {
    const gen = trainDynamics(parseTrainDynamicsParams({ ...TINY, kernel: false }));
    const first = await gen.next();
    expect(first.done).toBe(false);
    await gen.return({ records: 1, stoppedEarly: true });
    expect(tf.memory().numTensors).toBe(0);
  });
});
