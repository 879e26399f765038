// The final GD-step summary's paired bootstraps run on the pool (issue 17: ~1 s of main-thread CPU at N = 10⁵): the
// numbers must be exactly those of the same bootstrap on this thread, whatever the worker count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gdStepParamsSchema } from '../../src-shared/contract/gd-step';
import { WorkerPool } from '../engine/worker-pool';
import { finalGdStepResult, runGdStep } from './gd-step-run';

const p1 = new WorkerPool({ workers: 1, blockSize: 100 });
const p2 = new WorkerPool({ workers: 2, blockSize: 100 });
beforeAll(async () => {
  await Promise.all([p1.warm(), p2.warm()]);
});
afterAll(async () => {
  await Promise.all([p1.close(), p2.close()]);
});

describe('runGdStep: the paired bootstrap on the pool', () => {
  it.each([
    ['one input', {}],
    ['two inputs', { pairCos: 0.3 }],
  ])('%s: equals the bootstrap on this thread, on 1 and 2 workers', async (_label, extra) => {
    const params = gdStepParamsSchema.parse({
      sigmaW2: 2,
      depth: 5,
      width: 20,
      inputDim: 20,
      lr: 0.05,
      samples: 400,
      seed: 9,
      ...extra,
    });
    const [a, b] = await Promise.all([runGdStep(p1, params), runGdStep(p2, params)]);
    const strip = ({ seconds: _s, ...rest }: typeof a) => rest;
    expect(strip(a)).toEqual(strip(b));
    // the same networks, summarized here (the main-thread bootstrap)
    const arrays = {
      theta: [] as number[],
      thetaAfter: [] as number[],
      thetaOff: [] as number[],
      off2: [] as number[],
    };
    let diverged = 0;
    await p2.run(
      { kind: 'gd-step', params },
      {
        onBlocks: (blocks) => {
          for (const blk of blocks) {
            arrays.theta.push(...blk.theta);
            arrays.thetaAfter.push(...blk.thetaAfter!);
            if (blk.thetaOff) arrays.thetaOff.push(...blk.thetaOff);
            if (blk.thetaOffAfter) arrays.off2.push(...blk.thetaOffAfter);
            diverged += blk.diverged ?? 0;
          }
        },
      },
    );
    const pair = params.pairCos !== undefined;
    const local = finalGdStepResult(
      params,
      {
        theta: Float64Array.from(arrays.theta),
        thetaAfter: Float64Array.from(arrays.thetaAfter),
        thetaOff: pair ? Float64Array.from(arrays.thetaOff) : undefined,
        thetaOffAfter: pair ? Float64Array.from(arrays.off2) : undefined,
        count: arrays.theta.length,
        diverged,
      },
      0,
      a.backend,
    );
    expect(strip(a)).toEqual(strip(local));
    expect(a.relativeChange.stderr).toBeGreaterThan(0);
    if (pair) expect(a.offDiagonal?.relativeChange.stderr).toBeGreaterThan(0);
  });
});
