import { constants, getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { measureParamsSchema, type MeasureParams } from '../../src-shared/contract/measure';
import {
  FIXTURE_EXIT_SEED,
  FIXTURE_REORDER_DEPTH,
  FIXTURE_THROW_SEED,
  FIXTURE_UNCAUGHT_SEED,
  runBlock as fixtureRunBlock,
} from './worker-pool.fixture';
import { blockCounts, defaultWorkerEntry, PoolJobError, WorkerPool, type BlockOutput } from './worker-pool';
import type { ThreadPriority } from './thread-priority';

const { PRIORITY_BELOW_NORMAL } = constants.priority;

const fixture = new URL('./worker-pool.fixture.ts', import.meta.url);
const pools: WorkerPool[] = [];
function pool(workers: number, extra: { cancelKillMs?: number; priority?: ThreadPriority } = {}): WorkerPool {
  const p = new WorkerPool({ workers, blockModule: fixture, blockSize: 16, ...extra });
  pools.push(p);
  return p;
}
// Starting a worker from source costs ~0.3 s, so the tests share two pools (crashed workers get replaced).
const p1 = pool(1, { cancelKillMs: 100 });
const p2 = pool(2);
beforeAll(async () => {
  await Promise.all([p1.warm(), p2.warm()]);
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

function params(over: Partial<MeasureParams> = {}): MeasureParams {
  return measureParamsSchema.parse({ sigmaW2: 2, depth: 4, width: 8, inputDim: 8, samples: 200, seed: 7, ...over });
}

/** Run a job and concatenate its blocks, checking they arrive in order. */
async function collect(
  p: WorkerPool,
  prm: MeasureParams,
  signal?: AbortSignal,
): Promise<{ theta: number[]; thetaOff: number[]; calls: number }> {
  const theta: number[] = [];
  const thetaOff: number[] = [];
  let nextBlock = 0;
  let calls = 0;
  await p.run(prm, {
    signal,
    onBlocks: (blocks: BlockOutput[], first: number) => {
      expect(first).toBe(nextBlock);
      nextBlock += blocks.length;
      calls++;
      for (const b of blocks) {
        theta.push(...b.theta);
        if (b.thetaOff) thetaOff.push(...b.thetaOff);
      }
    },
  });
  return { theta, thetaOff, calls };
}

describe('blockCounts', () => {
  it('splits N into full blocks plus a remainder', () => {
    expect(blockCounts(200, 16)).toEqual([...Array(12).fill(16), 8]);
    expect(blockCounts(16, 16)).toEqual([16]);
    expect(() => blockCounts(0, 16)).toThrow(RangeError);
    expect(() => blockCounts(10, 1.5)).toThrow(RangeError);
  });
});

describe('WorkerPool', () => {
  it('rejects a bad worker count', () => {
    expect(() => new WorkerPool({ workers: 0 })).toThrow(RangeError);
    expect(() => new WorkerPool({ workers: Number.NaN })).toThrow(RangeError);
  });

  it('runs its workers below the interface on request (Linux: nice 10, per thread), else as started', async () => {
    expect(() => new WorkerPool({ workers: 1, priority: 'low' as never })).toThrow(/priority must be one of/);
    const hostNice = getPriority();
    const low = pool(1, { priority: 'below-normal' });
    await low.warm();
    // p1 (default priority) is warm from beforeAll; this test process's own nice is the baseline
    if (process.platform === 'linux') {
      expect(low.workerNice).toEqual([PRIORITY_BELOW_NORMAL]);
      expect(p1.workerNice).toEqual([hostNice]);
    } else {
      expect(low.workerNice).toEqual([null]);
    }
    expect(getPriority()).toBe(hostNice); // the host's own thread keeps its priority
    expect((await collect(low, params({ samples: 32 }))).theta.length).toBe(32);
  });

  it('resolves the TypeScript worker entry when running from source', () => {
    expect(defaultWorkerEntry().pathname.endsWith('/src-main/engine/sample-worker.ts')).toBe(true);
  });

  it('merges blocks in block order: 1 and 2 workers give the samples of running each block in-process', async () => {
    // on two workers block 1 reaches the pool before block 0 (the fixture's reorder knob, an explicit event);
    // the knob (depth) does not change the samples, and one worker runs the blocks in order without it
    const prm = params({ pairCos: 0.3, samples: 120 });
    const [one, two] = await Promise.all([
      collect(p1, prm),
      collect(p2, params({ pairCos: 0.3, samples: 120, depth: FIXTURE_REORDER_DEPTH })),
    ]);
    expect(two.calls).toBeLessThan(8); // block 1 waited for block 0, so blocks really were reordered
    const expected: number[] = [];
    const expectedOff: number[] = [];
    blockCounts(prm.samples, 16).forEach((count, block) => {
      const out = fixtureRunBlock(prm, block, count);
      expected.push(...out.theta);
      expectedOff.push(...out.thetaOff!);
    });
    expect(one.theta).toEqual(expected);
    expect(two.theta).toEqual(expected);
    expect(two.thetaOff).toEqual(expectedOff);
    expect(one.theta.length).toBe(120);
  });

  it('a block that throws fails its job with the reason; the pool keeps serving', async () => {
    const p = p2;
    const err = await p.run(params({ seed: FIXTURE_THROW_SEED })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PoolJobError);
    expect((err as PoolJobError).code).toBe('failed');
    expect((err as Error).message).toMatch(/block 2: deliberate failure in block 2/);
    const ok = await collect(p, params({ seed: 8, samples: 40 }));
    expect(ok.theta.length).toBe(40);
  });

  it('a worker that exits fails only the job it was running and is replaced', async () => {
    const p = p2;
    const healthy = collect(p, params({ seed: 9, samples: 300 }));
    const crashing = p.run(params({ seed: FIXTURE_EXIT_SEED })).catch((e: unknown) => e);
    const err = await crashing;
    expect((err as PoolJobError).code).toBe('failed');
    expect((err as Error).message).toMatch(/crashed on block 1: the worker exited with code 3/);
    const got = await healthy;
    const direct = blockCounts(300, 16).flatMap((count, block) => [
      ...fixtureRunBlock(params({ seed: 9, samples: 300 }), block, count).theta,
    ]);
    expect(got.theta).toEqual(direct);
    expect(p.liveWorkers).toBeLessThanOrEqual(2);
    const after = await collect(p, params({ seed: 10, samples: 64 }));
    expect(after.theta.length).toBe(64);
  });

  it('an uncaught error inside a worker fails its job with a readable message', async () => {
    const p = p1;
    const err = await p.run(params({ seed: FIXTURE_UNCAUGHT_SEED })).catch((e: unknown) => e);
    expect((err as PoolJobError).code).toBe('failed');
    expect((err as Error).message).toMatch(/crashed on block 0: .*transferList/);
    expect((await collect(p, params({ seed: 11, samples: 20 }))).theta.length).toBe(20);
  });

  it('cancelling rejects at once, and a worker stuck on a long orphaned block is replaced for the next job', async () => {
    const p = p1;
    await p.warm();
    const ctl = new AbortController();
    // block 0 sleeps 10 min: the job below can only finish if the pool replaces the worker instead of waiting
    let outcome: unknown = 'pending';
    const slow = p.run(params({ sigmaB2: 1200, samples: 64 }), { signal: ctl.signal }).then(
      () => (outcome = 'resolved'),
      (e: unknown) => (outcome = e),
    );
    ctl.abort();
    // "at once": settled before the event loop turns, without a word from the worker
    await new Promise((r) => setImmediate(r));
    expect((outcome as PoolJobError).code).toBe('cancelled');
    await slow;
    const next = await collect(p, params({ seed: 12, samples: 32 }));
    expect(next.theta).toEqual(
      blockCounts(32, 16).flatMap((count, block) => [
        ...fixtureRunBlock(params({ seed: 12, samples: 32 }), block, count).theta,
      ]),
    );
    expect(p.liveWorkers).toBe(1);
  });

  it('a sampler that cannot load fails the job with the reason instead of retrying forever', async () => {
    const p = new WorkerPool({
      workers: 2,
      blockModule: new URL('./no-such-block-module.ts', import.meta.url),
      blockSize: 16,
    });
    pools.push(p);
    const err = await p.run(params()).catch((e: unknown) => e);
    expect((err as PoolJobError).code).toBe('failed');
    expect((err as Error).message).toMatch(/sampler worker failed to start: .*no-such-block-module/);
    await expect(p.warm()).rejects.toThrow(/failed to start/);
  });

  it('warm() starts every worker; a warm pool hands out blocks at once, with no worker start', async () => {
    const p = p2;
    await p.warm();
    expect(p.liveWorkers).toBe(2);
    const posted = vi.spyOn(Worker.prototype, 'postMessage');
    try {
      const job = collect(p, params({ samples: 64 }));
      // run() dispatched synchronously to both ready workers: no block waits for a worker to start
      expect(posted.mock.calls.filter(([msg]) => (msg as { type?: string }).type === 'run').length).toBe(2);
      expect((await job).theta.length).toBe(64);
      expect(p.liveWorkers).toBe(2);
    } finally {
      posted.mockRestore();
    }
  });

  it('an already-aborted signal and a closed pool reject with code cancelled', async () => {
    const p = new WorkerPool({ workers: 1, blockModule: fixture });
    const ctl = new AbortController();
    ctl.abort();
    await expect(p.run(params(), { signal: ctl.signal })).rejects.toMatchObject({ code: 'cancelled' });
    await p.close();
    await expect(p.run(params())).rejects.toMatchObject({ code: 'cancelled' });
  });
});
