// TfHost + tf-worker: tasks run in the worker on the wasm backend and return the same numbers as in-process runs;
// progress streams; cancellation (cooperative and of a stuck worker); a crash fails only its task.
import { constants, getPriority } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend';
import { gdStepBatch } from './gd-step';
import { disposeLayers, sampleLayers } from './layers';
import { empiricalNtk } from './ntk';
import type { GdStepTaskResult, NtkTaskResult } from './tasks';
import { TfHost, TfTaskError } from './tf-host';

const taskModule = new URL('./tf-host.fixture.ts', import.meta.url);
// a cooperative cancel must never reach the grace period (a stall of the machine would then look like a kill)
const host = new TfHost({ backend: 'wasm', taskModule, cancelGraceMs: 60_000 });

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' }); // in-process reference on the same backend
});
afterAll(() => host.close());

const whoami = () => host.run<{ threadId: number; nice: number; values: Float64Array }>('whoami', { n: 3 });

describe('TfHost', () => {
  it('reports the worker backend and runs the ntk task with the in-process numbers', async () => {
    const info = await host.backend();
    expect(info.name).toBe('wasm');
    const progress: unknown[] = [];
    const params = { sigmaW2: 2, sigmaB2: 0.1, widths: [5, 6, 4], samples: 10, seed: 3, pairCos: 0.5, batchSize: 4 };
    const r = await host.run<NtkTaskResult>('ntk', params, { onProgress: (p) => progress.push(p) });
    expect(progress).toEqual([
      { done: 4, total: 10 },
      { done: 8, total: 10 },
      { done: 10, total: 10 },
    ]);
    expect(r.theta).toBeInstanceOf(Float64Array);
    expect(r.theta).toHaveLength(10);
    expect(r.diverged).toBe(0);
    expect(r.backend.name).toBe('wasm');
    // same weights (network t from (seed, t)) and backend in-process: identical values
    const layers = sampleLayers({ widths: [5, 6, 4], sigmaW2: 2, sigmaB2: 0.1, parametrization: 'standard' }, 10, 3);
    const x = tf.tensor2d([
      [1, 0, 0, 0, 0],
      [0.5, Math.sqrt(0.75), 0, 0, 0],
    ]);
    const { ntk, outputs } = empiricalNtk(layers, x, {
      activation: 'relu',
      parametrization: 'standard',
      sigmaW2: 2,
      sigmaB2: 0.1,
    });
    const K = ntk.dataSync();
    for (let t = 0; t < 10; t++) {
      expect(r.theta[t]).toBe(K[4 * t]);
      expect(r.thetaOff![t]).toBe(K[4 * t + 1]);
      expect(r.thetaTilde![t]).toBe(K[4 * t + 3]);
    }
    tf.dispose([ntk, outputs, x]);
    disposeLayers(layers);
  });

  it('runs the gd-step task', async () => {
    const spec = { sigmaW2: 2, sigmaB2: 0, widths: [4, 5, 5], lr: 0.1, target: 0.2 };
    const r = await host.run<GdStepTaskResult>('gd-step', { ...spec, samples: 6, seed: 8, batchSize: 4 });
    const local = await gdStepBatch(spec, 6, 8);
    expect(Array.from(r.thetaAfter)).toEqual(Array.from(local.thetaAfter));
    expect(r.diverged).toBe(0);
  });

  it('refuses bad task params with the task’s message', async () => {
    await expect(host.run('ntk', { sigmaW2: -1, widths: [3], samples: 5, seed: 1 })).rejects.toThrow(/sigmaW2/);
    await expect(
      host.run('gd-step', { sigmaW2: 2, sigmaB2: 0, widths: [3], lr: 0, target: 0, samples: 5, seed: 1 }),
    ).rejects.toThrow(/learning rate/);
    await expect(host.run('no-such-task', {})).rejects.toThrow(/unknown task "no-such-task"/);
  });

  it('cancels a cooperative task between batches, keeping the worker', async () => {
    const before = await whoami();
    expect(Array.from(before.values)).toEqual([0, 0.5, 1]);
    const ac = new AbortController();
    let seen = 0;
    // the task never finishes by itself: only the cancel, seen at a checkpoint, ends it
    const run = host.run('untilCancelled', {}, { signal: ac.signal, onProgress: () => ++seen === 2 && ac.abort() });
    await expect(run).rejects.toMatchObject({ code: 'cancelled', message: 'cancelled' }); // not killed and restarted
    expect(seen).toBeGreaterThanOrEqual(2);
    expect((await whoami()).threadId).toBe(before.threadId);
  });

  it('terminates and restarts a worker stuck in a batch after a cancel', async () => {
    // the stuck batch outlasts the test's timeout, so the run can only settle through the host's kill
    const stuckHost = new TfHost({ backend: 'wasm', taskModule, cancelGraceMs: 300 });
    try {
      const who = () => stuckHost.run<{ threadId: number }>('whoami', {});
      const before = await who();
      const ac = new AbortController();
      const run = stuckHost.run('stuck', {}, { signal: ac.signal, onProgress: () => ac.abort() });
      const err = await run.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TfTaskError);
      expect(err).toMatchObject({
        code: 'cancelled',
        message: 'cancelled (the worker did not stop within 300 ms and was restarted)',
      });
      const after = await who();
      expect(after.threadId).not.toBe(before.threadId);
    } finally {
      await stuckHost.close();
    }
  });

  it('a crashing task fails with a message and the next task succeeds on a new worker', async () => {
    const before = await whoami();
    await expect(host.run('crash', {})).rejects.toMatchObject({
      code: 'failed',
      message: expect.stringMatching(/crashed while running task "crash": simulated native abort in libtensorflow/),
    });
    await expect(host.run('throws', {})).rejects.toMatchObject({
      code: 'failed',
      message: 'bad parameter for the fixture',
    });
    const after = await whoami();
    expect(after.threadId).not.toBe(before.threadId);
    expect((await host.backend()).name).toBe('wasm');
  });

  it('a queued task can be cancelled before it starts; a closed host refuses work', async () => {
    const ac = new AbortController();
    const first = host.run('batches', { batches: 3 });
    const second = host.run('batches', { batches: 3 }, { signal: ac.signal });
    ac.abort();
    await expect(second).rejects.toMatchObject({ code: 'cancelled' });
    await expect(first).resolves.toEqual({ batches: 3 });
    const other = new TfHost({ backend: 'cpu' });
    await other.close();
    await expect(other.run('ntk', {})).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('runs its worker below the interface on request (Linux: nice 10), else at the host thread’s priority', async () => {
    expect(() => new TfHost({ backend: 'cpu', priority: 'low' as never })).toThrow(/priority must be one of/);
    const low = new TfHost({ backend: 'cpu', taskModule, priority: 'below-normal' });
    try {
      const who = await low.run<{ nice: number }>('whoami', {});
      expect(who.nice).toBe(process.platform === 'linux' ? constants.priority.PRIORITY_BELOW_NORMAL : getPriority());
      expect((await whoami()).nice).toBe(getPriority());
    } finally {
      await low.close();
    }
  });

  it('a backend that cannot load fails tasks with the reason', async () => {
    const broken = new TfHost({ backend: 'tensorflow' }); // tfjs-node is not installed here
    await expect(broken.backend()).rejects.toThrow(/backend tensorflow is unavailable: .*not installed/);
    await expect(broken.run('ntk', {})).rejects.toMatchObject({
      code: 'failed',
      message: expect.stringMatching(/no TensorFlow.js backend/),
    });
    await broken.close();
  });
});
