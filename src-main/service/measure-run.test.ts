import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureParamsSchema } from '../../src-shared/contract/measure';
import { dispersionBootstrapReplicates, normalizeForDispersion } from '../../src-shared/stats/summary';
import { WorkerPool } from '../engine/worker-pool';
import { measureResult, poolBootstrap, runMeasurement } from './measure-run';

// The final summary's bootstrap runs on the pool in chunks with their own streams: the numbers must not depend on
// the worker count and must equal the single-threaded summary of the same samples.
const p1 = new WorkerPool({ workers: 1, blockSize: 100 });
const p2 = new WorkerPool({ workers: 2, blockSize: 100 });
beforeAll(async () => {
  await Promise.all([p1.warm(), p2.warm()]);
});
afterAll(async () => {
  await Promise.all([p1.close(), p2.close()]);
});

const params = measureParamsSchema.parse({ sigmaW2: 2.2, depth: 12, width: 80, inputDim: 80, samples: 700, seed: 17 });

describe('runMeasurement with the pooled bootstrap', () => {
  it('gives the identical final result on 1 and 2 workers, equal to the single-threaded summary of the same samples', async () => {
    const [a, b] = await Promise.all([runMeasurement(p1, params), runMeasurement(p2, params)]);
    const strip = ({ seconds: _s, ...rest }: typeof a) => rest;
    expect(a.stderrMethod).toBe('bootstrap');
    expect(strip(a)).toEqual(strip(b));
    // the same samples, summarized on this thread
    const theta = new Float64Array(params.samples);
    await p2.run(params, {
      onBlocks: (blocks, first) => blocks.forEach((blk, i) => theta.set(blk.theta, (first + i) * 100)),
    });
    const local = measureResult(params, theta, undefined, true, 0);
    expect(a.dispersion).toEqual(local.dispersion);
    expect(a.meanTheta).toEqual(local.meanTheta);
    expect(a.dispersion.stderr).toBeGreaterThan(0);
  });

  it('poolBootstrap returns the replicates dispersionBootstrapReplicates computes, in chunk order', async () => {
    const x = Float64Array.from({ length: 1500 }, (_, i) => 1 + Math.sin(i) ** 2 * (i % 7));
    const t = normalizeForDispersion(x);
    const [one, two] = await Promise.all([poolBootstrap(p1, t, 5), poolBootstrap(p2, t, 5)]);
    const local = dispersionBootstrapReplicates(t, 5);
    expect(Array.from(one)).toEqual(Array.from(local));
    expect(Array.from(two)).toEqual(Array.from(local));
    expect(new Set(local).size).toBe(local.length); // distinct resamples, not one chunk repeated
  });

  it('a cancelled bootstrap rejects like a cancelled measurement', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(poolBootstrap(p2, normalizeForDispersion([1, 2, 3, 4]), 1, ac.signal)).rejects.toMatchObject({
      code: 'cancelled',
    });
  });
});
