// TfPool: jobs spread over its worker threads, a crash fails only the job on that worker, a queued job can be
// cancelled before it starts, and the workers all run the first one's backend.
import { afterAll, describe, expect, it } from 'vitest';
import { TfTaskError } from './tf-host';
import { TfPool } from './tf-pool';

const pool = new TfPool({
  backend: 'wasm',
  workers: 2,
  taskModule: new URL('./tf-host.fixture.ts', import.meta.url),
  cancelGraceMs: 300,
});
afterAll(() => pool.close());

const whoami = () => pool.run<{ threadId: number }>('whoami', { n: 1 });

describe('TfPool', () => {
  it('runs concurrent jobs on different workers, all on the first worker’s backend', async () => {
    expect((await pool.backend()).name).toBe('wasm');
    expect(pool.size).toBe(2);
    // submitted together with both workers idle: the first job goes to worker 0, the second to worker 1
    const [a, b] = await Promise.all([whoami(), whoami()]);
    expect(a.threadId).not.toBe(b.threadId);
  });

  it('a crash fails only its job; the job on the other worker and the next ones succeed', async () => {
    const other = pool.run<{ batches: number }>('batches', { batches: 10 });
    await expect(pool.run('crash', null)).rejects.toThrow(/crashed while running task "crash"/);
    await expect(other).resolves.toEqual({ batches: 10 });
    await expect(whoami()).resolves.toHaveProperty('threadId');
  });

  it('a queued job cancelled before a worker is free never runs', async () => {
    const busy = [pool.run('batches', { batches: 6 }), pool.run('batches', { batches: 6 })];
    const ctl = new AbortController();
    const queued = pool.run('throws', null, { signal: ctl.signal });
    ctl.abort();
    await expect(queued).rejects.toSatisfy((e: unknown) => e instanceof TfTaskError && e.code === 'cancelled');
    await Promise.all(busy);
  });

  it('setWorkers shrinks and grows the pool; a count out of range is a RangeError naming it', async () => {
    const resized = new TfPool({
      backend: 'wasm',
      workers: 2,
      taskModule: new URL('./tf-host.fixture.ts', import.meta.url),
    });
    try {
      await resized.backend();
      const two = await Promise.all([0, 1].map(() => resized.run<{ threadId: number }>('whoami', { n: 1 })));
      expect(new Set(two.map((r) => r.threadId)).size).toBe(2);
      resized.setWorkers(1);
      expect(resized.size).toBe(1);
      // two jobs submitted together now share the one worker left
      const one = await Promise.all([0, 1].map(() => resized.run<{ threadId: number }>('whoami', { n: 1 })));
      expect(one[0].threadId).toBe(one[1].threadId);
      expect(one[0].threadId).toBe(two[0].threadId); // worker 0 (it holds the backend) stays
      resized.setWorkers(3);
      expect(resized.size).toBe(3);
      const three = await Promise.all([0, 1, 2].map(() => resized.run<{ threadId: number }>('whoami', { n: 1 })));
      expect(new Set(three.map((r) => r.threadId)).size).toBe(3);
      for (const bad of [0, -1, 2.5, 1e6, Number.NaN])
        expect(() => resized.setWorkers(bad, 'tfWorkers')).toThrow(/^tfWorkers must be an integer from 1 to/);
      expect(resized.size).toBe(3);
    } finally {
      await resized.close();
    }
  });
});
