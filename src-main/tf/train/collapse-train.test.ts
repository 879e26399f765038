// collapse-train (thesis §3.3, small real-network mode): the per-output kernels against their closed forms for one
// hidden layer, symmetric PSD kernels for a deeper net, and a short fixed-seed run that fits and collapses (loss and
// NC1 go down), with every record in the contract; bad parameters are refused naming the field.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  collapseTrainRecordSchema,
  parseCollapseTrainParams,
  type CollapseTrainRecord,
} from '../../../src-shared/contract/collapse-train';
import { activationSpec } from '../../../src-shared/network/activations';
import { Rng } from '../../../src-shared/rng';
import { symmetricEigenvalues } from '../../../src-shared/theory/meanfield/spectrum';
import { ensureBackend } from '../backend';
import { collapseTrainTask, featureKernel, outputKernel } from './collapse-train';
import { Mlp } from './mlp';

beforeAll(async () => {
  await ensureBackend('wasm');
});

const K = 6;

function inputs(n0: number, seed: number): { x: Float64Array; t: tf.Tensor2D } {
  const x = new Float64Array(K * n0);
  new Rng(seed, 3).fillNormal(x);
  return { x, t: tf.tensor2d(Float32Array.from(x), [K, n0]) };
}

async function values(v: tf.Tensor): Promise<Float64Array> {
  return Float64Array.from(await v.data());
}

describe('per-output kernels (Seleznova et al. 2023, eqs. 2–3) against closed forms, one hidden layer', () => {
  it('Θʰ_kk(x, x̃) = φ′(z_k(x)) φ′(z_k(x̃)) (⟨x, x̃⟩ + 1) and Θ_kk = ⟨h, h̃⟩ + 1 + Σ_j W₂[k, j]² φ′φ′ (⟨x, x̃⟩ + 1)', async () => {
    const [n0, n1, C] = [5, 7, 3];
    const net = new Mlp({
      widths: [n0, n1, C],
      activation: 'tanh',
      sigmaW2: 1.5,
      sigmaB2: 0.1,
      parametrization: 'standard',
      seed: 11,
    });
    const { x, t } = inputs(n0, 1);
    const W1 = await values(net.W[0]);
    const b1 = await values(net.b[0]);
    const W2 = await values(net.W[1]);
    const { phi, dphi } = activationSpec('tanh');
    const z = (i: number, j: number) => {
      let s = b1[j];
      for (let p = 0; p < n0; p++) s += W1[j * n0 + p] * x[i * n0 + p];
      return s;
    };
    const xx = (i: number, j: number) => {
      let s = 1;
      for (let p = 0; p < n0; p++) s += x[i * n0 + p] * x[j * n0 + p];
      return s;
    };
    for (const k of [0, 4]) {
      const got = await featureKernel(net, t, k);
      for (let i = 0; i < K; i++)
        for (let j = 0; j < K; j++) {
          const want = dphi(z(i, k)) * dphi(z(j, k)) * xx(i, j);
          expect(Math.abs(got[i * K + j] - want)).toBeLessThan(2e-5 * (1 + Math.abs(want)));
        }
    }
    for (const k of [0, 2]) {
      const got = await outputKernel(net, t, k);
      for (let i = 0; i < K; i++)
        for (let j = 0; j < K; j++) {
          let want = 1;
          for (let u = 0; u < n1; u++) {
            want += phi(z(i, u)) * phi(z(j, u));
            want += W2[k * n1 + u] ** 2 * dphi(z(i, u)) * dphi(z(j, u)) * xx(i, j);
          }
          expect(Math.abs(got[i * K + j] - want)).toBeLessThan(2e-5 * (1 + Math.abs(want)));
        }
    }
    t.dispose();
    net.dispose();
  });

  it('deeper net: every Θʰ_kk and Θ_kk is symmetric positive semi-definite', async () => {
    const net = new Mlp({
      widths: [8, 12, 16, 4],
      activation: 'relu',
      sigmaW2: 2,
      sigmaB2: 0,
      parametrization: 'standard',
      seed: 3,
    });
    const { t } = inputs(8, 2);
    const kernels = [
      ...(await Promise.all([0, 5, 15].map((k) => featureKernel(net, t, k)))),
      ...(await Promise.all([0, 3].map((k) => outputKernel(net, t, k)))),
    ];
    for (const M of kernels) {
      const scale = Math.max(...Array.from(M, Math.abs));
      for (let i = 0; i < K; i++)
        for (let j = 0; j < i; j++) expect(Math.abs(M[i * K + j] - M[j * K + i])).toBeLessThan(1e-6 * scale);
      const sym = M.map((_, p) => (M[p] + M[(p % K) * K + Math.floor(p / K)]) / 2);
      expect(Math.min(...symmetricEigenvalues(sym, K))).toBeGreaterThan(-1e-5 * scale);
    }
    t.dispose();
    net.dispose();
  });
});

describe('collapse-train: a short fixed-seed run', () => {
  it('fits (loss down, train accuracy up) and collapses (NC1 down after the fit); records follow the contract', async () => {
    const p = parseCollapseTrainParams({
      hidden: [32, 16],
      trainPerClass: 10,
      batchPerClass: 2,
      kernelPerClass: 2,
      testSize: 50,
      epochs: 40,
      recordEvery: 10,
      seed: 4,
    });
    const records: CollapseTrainRecord[] = [];
    const summary = await collapseTrainTask(p, {
      emit: (r) => records.push(collapseTrainRecordSchema.parse(r)),
      cancelled: () => false,
    });
    expect(summary).toEqual({ records: 5, stoppedEarly: false });
    expect(records.map((r) => r.epoch)).toEqual([0, 10, 20, 30, 40]);
    expect(records.map((r) => r.step)).toEqual([0, 50, 100, 150, 200]); // 5 class-balanced batches per epoch
    expect(records.every((r) => !r.diverged)).toBe(true);
    const first = records[0],
      fitted = records[1],
      last = records[4];
    expect(last.trainLoss!).toBeLessThan(first.trainLoss! / 20); // measured 0.51 → 0.006
    expect(last.trainAccuracy).toBe(1);
    expect(last.nc1!).toBeLessThan(0.7 * fitted.nc1!); // measured 0.033 → 0.016
    // the kernels are PSD, so their block averages satisfy |κ_c|, |κ_n| ≤ κ_d
    for (const r of records)
      for (const s of [r.gamma, r.kappa]) {
        expect(s.d!).toBeGreaterThan(0);
        expect(Math.abs(s.c!)).toBeLessThanOrEqual(s.d!);
        expect(Math.abs(s.n!)).toBeLessThanOrEqual(s.d!);
      }
  }, 240_000);

  it('refuses bad parameters naming the field', () => {
    const cases: [unknown, RegExp][] = [
      [{ hidden: [64, 8] }, /hidden: .*n = 8.*n > C = 10/],
      [{ trainPerClass: 5, batchPerClass: 6 }, /batchPerClass \(6\) must be ≤ trainPerClass/],
      [{ kernelPerClass: 1 }, /kernelPerClass: .*≥ 2/],
      [{ lr: -1 }, /lr: lr must be > 0/],
      [{ lr: Number.NaN }, /lr/],
      [{ momentum: 1 }, /momentum/],
      [{ epochs: 10, recordEvery: 0 }, /recordEvery/],
      [{ hidden: [1024, 1024, 1024, 1024], trainPerClass: 500, epochs: 5000, recordEvery: 100 }, /estimated work/],
    ];
    for (const [input, pattern] of cases) expect(() => parseCollapseTrainParams(input)).toThrow(pattern);
  });
});
