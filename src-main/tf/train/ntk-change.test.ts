// The NTK change during training (Seleznova & Kutyniok 2022a, §4): exactly 0 at step 0, the loss decreases under GD,
// the change of a wide shallow net at small σ_w² is small and grows with L/M (fixed seeds), the kernel is the `ntk`
// task's empirical NTK and ‖∇f‖² of the training gradients, and the early-stopping rule.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ntkChangeParamsSchema,
  resolveNtkChangeParams,
  type NtkChangeParamsInput,
} from '../../../src-shared/contract/ntk-change';
import { ensureBackend, type BackendInfo } from '../backend';
import { sampleLayers } from '../layers';
import { TASKS, type NtkTaskResult, type TaskContext } from '../tasks';
import { Mlp } from './mlp';
import { frobenius, trainNtkChange } from './ntk-change';
import { traceNtk } from './train-dynamics';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await ensureBackend('wasm');
});

const params = (p: NtkChangeParamsInput) => resolveNtkChangeParams(ntkChangeParamsSchema.parse(p));
/** lr 1e−3 (not the paper's 1e−5) so that a few steps move the net measurably. */
const run = (p: NtkChangeParamsInput) => trainNtkChange(params({ lr: 1e-3, trainSize: 100, seed: 3, ...p }));

describe('ntk-change', () => {
  it('records step 0 with change exactly 0, the recorded steps and the end; the loss decreases', async () => {
    const r = await run({ sigmaW2: 2, depth: 3, width: 32, steps: [5, 20, 40] });
    expect(r.records.map((x) => x.step)).toEqual([0, 5, 20, 40]);
    expect(r.records[0].relativeChange).toBe(0);
    expect(r.records.map((x) => x.final === true)).toEqual([false, false, false, true]);
    const losses = r.records.map((x) => x.loss!);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1]);
    const changes = r.records.map((x) => x.relativeChange!);
    for (let i = 1; i < changes.length; i++) expect(changes[i]).toBeGreaterThan(changes[i - 1]);
    expect(r.summary).toMatchObject({ stop: 'max-steps', stoppedAt: 40, records: 4, minLossStep: 40 });
    expect(r.summary.minLoss).toBe(losses[3]);
    expect(r.summary.finalChange).toBe(changes[3]);
  });

  it('a wide shallow net at small σ_w² barely moves its NTK; the change grows with L/M', async () => {
    const change = async (depth: number, width: number) =>
      (await run({ sigmaW2: 1, depth, width, steps: [10] })).summary.finalChange!;
    const wide = await change(2, 256); // L/M = 1/128
    const mid = await change(4, 64); // 1/16
    const deep = await change(8, 16); // 1/2
    expect(wide).toBeLessThan(0.01);
    expect(wide).toBeLessThan(mid);
    expect(mid).toBeLessThan(deep);
  });

  it('stops early when the loss falls by less than earlyStopDelta over the window', async () => {
    // a huge delta: the first full window (steps 0…5) already counts as no progress
    const r = await run({ sigmaW2: 2, depth: 2, width: 16, steps: [50], earlyStopDelta: 10, earlyStopWindow: 5 });
    expect(r.summary).toMatchObject({ stop: 'early-stop', stoppedAt: 5 });
    expect(r.records.map((x) => [x.step, x.final === true])).toEqual([
      [0, false],
      [5, true],
    ]);
    // delta 0: never stops early, runs to maxSteps
    const full = await run({ sigmaW2: 2, depth: 2, width: 16, steps: [8], earlyStopDelta: 0, earlyStopWindow: 2 });
    expect(full.summary).toMatchObject({ stop: 'max-steps', stoppedAt: 8 });
  });

  it('a diverging run ends with null loss and change, stop diverged', async () => {
    const r = await run({ sigmaW2: 2, depth: 3, width: 32, steps: [200], lr: 10 });
    expect(r.summary.stop).toBe('diverged');
    const last = r.records[r.records.length - 1];
    expect(last).toMatchObject({ final: true, loss: null, relativeChange: null });
  });

  it('the kernel is the ntk task’s empirical NTK and ‖∇f‖² of the training gradients', async () => {
    const widths = [12, 20, 16];
    const spec = { sigmaW2: 1.7, sigmaB2: 0.3, parametrization: 'standard' as const };
    const ctx: TaskContext = { emit: () => undefined, cancelled: () => false, checkpoint: async () => {}, backend };
    const fromTask = (await TASKS.ntk({ ...spec, widths, samples: 1, seed: 11 }, ctx)) as NtkTaskResult;
    // the same network as a trainable Mlp (scalar output): copy the ntk task's weights into its variables
    const net = new Mlp({ widths: [...widths, 1], activation: 'relu', ...spec, seed: 0 });
    const layers = sampleLayers({ widths, ...spec }, 1, 11, 0);
    layers.forEach((l, i) => {
      net.W[i].assign(tf.reshape(l.W, net.W[i].shape) as tf.Tensor2D);
      net.b[i].assign(tf.reshape(l.b, net.b[i].shape) as tf.Tensor1D);
    });
    const x = tf.tensor2d([[1, ...new Array<number>(11).fill(0)]]); // x = e₁, as the ntk task
    const K = await traceNtk(net, x);
    expect(K[0]).toBeCloseTo(fromTask.theta[0], 2);
    expect(Math.abs(K[0] / fromTask.theta[0] - 1)).toBeLessThan(1e-5);
    // MSE on one digit with y = f − 1: ∂loss/∂θ = (f − y)·∇f = ∇f, so Σ‖grad‖² = ‖∇f‖² = Θ(x, x)
    const f = net.forward(x);
    const y = tf.sub(f, 1) as tf.Tensor2D;
    const { grads } = await net.gradients(x, y, 'mse');
    let sq = 0;
    for (const g of Object.values(grads)) sq += frobenius(Float64Array.from(await g.data())) ** 2;
    expect(Math.abs(sq / K[0] - 1)).toBeLessThan(1e-5);
    tf.dispose([x, f, y, ...Object.values(grads), ...layers.flatMap((l) => [l.W, l.b])]);
    net.dispose();
  });
});
