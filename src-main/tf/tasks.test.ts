// The worker's task handlers called in-process: float32 overflow is counted as divergence (not NaN in the arrays),
// the diagonal mean matches the exact finite-width E[Θ] within SE, cancellation at a checkpoint, bad params.
import { beforeAll, describe, expect, it } from 'vitest';
import { reluExactMoments } from '../../src-shared/theory/relu-exact-moments';
import { meanAndStderr } from '../engine/mean-stderr.test-util';
import { ensureBackend, type BackendInfo } from './backend';
import { TASKS, TaskCancelledError, type NtkTaskResult, type TaskContext } from './tasks';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await ensureBackend('wasm');
  expect(await ensureBackend('wasm')).toBe(backend); // initialized once per thread
});

function ctx(cancelAfter = Infinity): TaskContext & { progress: unknown[] } {
  const progress: unknown[] = [];
  return {
    progress,
    backend,
    emit: (p) => progress.push(p),
    cancelled: () => progress.length >= cancelAfter,
    async checkpoint() {
      if (progress.length >= cancelAfter) throw new TaskCancelledError();
    },
  };
}

describe('tasks', () => {
  it('ntk: mean Θ(x, x) with ‖x‖ = 1 matches the exact E[Θ] (σ_w² = 1.5, widths 8 → 16 → 10 → 12)', async () => {
    const widths = [8, 16, 10, 12];
    const r = (await TASKS.ntk(
      { sigmaW2: 1.5, widths, samples: 3000, seed: 99, batchSize: 1000 },
      ctx(),
    )) as NtkTaskResult;
    expect(r.diverged).toBe(0);
    const { mean, se } = meanAndStderr(r.theta);
    const exact = reluExactMoments(1.5, widths).meanTheta;
    expect(Math.abs(mean - exact)).toBeLessThan(4 * se);
    expect(se / exact).toBeLessThan(0.02);
  });

  it('ntk: networks whose Θ overflows float32 are counted as diverged', async () => {
    // σ_w² = 200, L = 25: Θ ~ a^{L−1} = 100^{24} = 1e48 > 3.4e38
    const c = ctx();
    const r = (await TASKS.ntk(
      { sigmaW2: 200, widths: new Array(25).fill(6), samples: 12, seed: 1, pairCos: 0.2 },
      c,
    )) as NtkTaskResult;
    expect(r.diverged).toBeGreaterThan(0);
    expect(r.theta.length + r.diverged).toBe(12);
    for (const arr of [r.theta, r.thetaOff!, r.thetaTilde!]) for (const v of arr) expect(Number.isFinite(v)).toBe(true);
  });

  it('stops at a checkpoint once cancelled', async () => {
    const c = ctx(2);
    await expect(
      TASKS.ntk({ sigmaW2: 2, widths: [4, 4], samples: 100, seed: 1, batchSize: 10 }, c),
    ).rejects.toBeInstanceOf(TaskCancelledError);
    expect(c.progress).toEqual([
      { done: 10, total: 100 },
      { done: 20, total: 100 },
    ]);
    await expect(
      TASKS['gd-step'](
        { sigmaW2: 2, sigmaB2: 0, widths: [4, 4], lr: 0.1, target: 0, samples: 100, seed: 1, batchSize: 10 },
        ctx(1),
      ),
    ).rejects.toBeInstanceOf(TaskCancelledError);
  });

  it('params are checked by their job kind, not here; the network math keeps its RangeError preconditions', async () => {
    const base = { sigmaW2: 2, widths: [4, 4], samples: 10, seed: 1 };
    await expect(TASKS.ntk({ ...base, seed: -3 }, ctx())).rejects.toThrow(/seed/);
    await expect(TASKS.ntk({ ...base, sigmaW2: -1 }, ctx())).rejects.toThrow(/sigmaW2/);
    await expect(TASKS['gd-step']({ ...base, sigmaB2: 0, lr: Infinity, target: 0 }, ctx())).rejects.toThrow(RangeError);
  });
});
