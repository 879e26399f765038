// The final GD-step summary's paired bootstraps run on the pool (issue 17: ~1 s of main-thread CPU at N = 10⁵): the
// numbers must be exactly those of the same bootstrap on this thread, whatever the worker count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gdStepParamsSchema, gdStepResultSchema } from '../../src-shared/contract/gd-step';
import { logRelativeChange } from '../../src-shared/stats/log-space';
import { gdStepSpec, runGdStepBlock } from '../engine/gd-step-block';
import { sampleGdStepExact } from '../engine/gd-step-exact';
import { Rng } from '../../src-shared/rng';
import { WorkerPool } from '../engine/worker-pool';
import { finalGdStepResult, runGdStep } from './gd-step-run';

const p1 = new WorkerPool({ workers: 1, blockSize: 100 });
const p2 = new WorkerPool({ workers: 2, blockSize: 100 });
const p10 = new WorkerPool({ workers: 2, blockSize: 10 });
beforeAll(async () => {
  await Promise.all([p1.warm(), p2.warm(), p10.warm()]);
});
afterAll(async () => {
  await Promise.all([p1.close(), p2.close(), p10.close()]);
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
    expect(a.logRelativeChange).toBeUndefined(); // inside float64: the plain summary, as before
    expect(a.relativeChange.stderr).toBeGreaterThan(0);
    if (pair) expect(a.offDiagonal?.relativeChange.stderr).toBeGreaterThan(0);
  });
});

describe('runGdStep: a chaotic cell whose Θ′ leaves float64 (issue 16)', () => {
  it('gets a finite value ± SE in log form from every network, the same on 1 and 2 workers', async () => {
    // before the rescaling sampler: "only 0 of 60 networks took a finite step"
    const params = gdStepParamsSchema.parse({
      sigmaW2: 4,
      depth: 60,
      width: 50,
      inputDim: 50,
      lr: 1e-3,
      samples: 60,
      seed: 3,
    });
    const [a, b] = await Promise.all([runGdStep(p1, params), runGdStep(p2, params)]);
    const strip = ({ seconds: _s, ...rest }: typeof a) => rest;
    expect(strip(a)).toEqual(strip(b));
    expect(gdStepResultSchema.parse(JSON.parse(JSON.stringify(a)))).toEqual(a); // survives JSON (no ±∞, no NaN)
    expect(a.samples).toBe(60);
    expect(a.diverged).toBe(0);
    const rel = a.logRelativeChange!,
      abs = a.logAbsRelativeChange!;
    for (const v of [rel.logAbs, rel.relStderr, abs.logAbs, abs.relStderr, a.logMeanTheta!.logMean])
      expect(Number.isFinite(v)).toBe(true);
    expect(abs.logAbs).toBeGreaterThan(Math.log(Number.MAX_VALUE));
    expect(rel.logAbs).toBeLessThanOrEqual(abs.logAbs + 1e-9); // |E[ΔΘ]| ≤ E[|ΔΘ|]
    // the plain fields saturate (the value is past float64) and E[Θ] before the step is an ordinary number
    expect(Math.abs(a.absRelativeChange.estimate)).toBe(Number.MAX_VALUE);
    expect(a.meanTheta.estimate).toBeCloseTo(Math.exp(a.logMeanTheta!.logMean), 6);
    expect(a.tailShare).toBeGreaterThan(0);
    expect(a.tailShare).toBeLessThanOrEqual(1);
    // the same value from the sampler's logs of the pool's blocks (blocks of 100: one block)
    const blk = runGdStepBlock(params, 0, 60);
    const direct = logRelativeChange(blk.logTheta!, blk.logAbsDelta!, blk.deltaSign!);
    expect(direct.absRelativeChange).toEqual(abs);
    expect(direct.relativeChange).toEqual(rel);
  });
});

describe('runGdStep: blocks with and without values beyond float64', () => {
  it('takes the logs of finite blocks from their plain values: the same summary as the sampler’s logs (1e-10)', async () => {
    // σ_w² = 3, σ_b² = 0.2, L = 40, M = 50: about 1 in 7 steps leaves float64, so some blocks of 10 hold none (and
    // send no logs) while others do
    const params = gdStepParamsSchema.parse({
      sigmaW2: 3,
      sigmaB2: 0.2,
      depth: 40,
      width: 50,
      inputDim: 50,
      lr: 1e-3,
      samples: 80,
      seed: 5,
    });
    let withLogs = 0,
      without = 0;
    await p10.run(
      { kind: 'gd-step', params },
      { onBlocks: (bs) => bs.forEach((b) => (b.logTheta ? withLogs++ : without++)) },
    );
    expect(withLogs).toBeGreaterThan(0);
    expect(without).toBeGreaterThan(0);
    const r = await runGdStep(p10, params);
    // every network's logs straight from the sampler, block by block as the pool draws them
    const logs = { theta: [] as number[], absDelta: [] as number[], deltaSign: [] as number[] };
    for (let b = 0; b < 8; b++) {
      const s = sampleGdStepExact(gdStepSpec(params), 10, new Rng(params.seed, b));
      logs.theta.push(...s.logs!.theta);
      logs.absDelta.push(...s.logs!.absDelta);
      logs.deltaSign.push(...s.logs!.deltaSign);
    }
    const direct = logRelativeChange(logs.theta, logs.absDelta, logs.deltaSign);
    const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-10 * Math.abs(b));
    close(r.logAbsRelativeChange!.logAbs, direct.absRelativeChange.logAbs);
    close(r.logAbsRelativeChange!.relStderr, direct.absRelativeChange.relStderr);
    close(r.logRelativeChange!.logAbs, direct.relativeChange.logAbs);
    expect(r.samples).toBe(80);
  });
});

describe('runGdStep: pairs beyond float64, Θ(x, x) and Θ(x, x̃) (issue 16, the GD-step tab’s Θ(x, x̃) mode)', () => {
  it('a deep chaotic cell: both summaries finite in log form, the same on 1 and 2 workers', async () => {
    // before the two-input rescaling: "only 0 of 60 networks took a finite step"
    const params = gdStepParamsSchema.parse({
      sigmaW2: 4,
      depth: 60,
      width: 50,
      inputDim: 50,
      lr: 1e-3,
      pairCos: 0.5,
      samples: 60,
      seed: 3,
    });
    const [a, b] = await Promise.all([runGdStep(p1, params), runGdStep(p2, params)]);
    const strip = ({ seconds: _s, ...rest }: typeof a) => rest;
    expect(strip(a)).toEqual(strip(b));
    expect(gdStepResultSchema.parse(JSON.parse(JSON.stringify(a)))).toEqual(a);
    expect(a.samples).toBe(60);
    expect(a.diverged).toBe(0);
    const off = a.offDiagonal!;
    for (const l of [a.logAbsRelativeChange!, off.logRelativeChange!, off.logAbsRelativeChange!]) {
      expect(Number.isFinite(l.logAbs) && Number.isFinite(l.relStderr)).toBe(true);
      expect(l.logAbs).toBeGreaterThan(Math.log(Number.MAX_VALUE));
    }
    expect(off.logRelativeChange!.logAbs).toBeLessThanOrEqual(off.logAbsRelativeChange!.logAbs + 1e-9);
    expect(Math.abs(off.absRelativeChange.estimate)).toBe(Number.MAX_VALUE); // saturated: the log field holds it
    // the same values straight from the sampler's logs (one block of 60)
    const blk = runGdStepBlock(params, 0, 60);
    const direct = logRelativeChange(blk.logThetaOff!, blk.logAbsDeltaOff!, blk.deltaOffSign!, blk.thetaOffSign!);
    expect(off.logRelativeChange).toEqual(direct.relativeChange);
    expect(off.logAbsRelativeChange).toEqual(direct.absRelativeChange);
  });

  it('blocks with and without logs: the off-diagonal summary equals the one from the sampler’s logs (1e-10)', async () => {
    const params = gdStepParamsSchema.parse({
      sigmaW2: 3,
      sigmaB2: 0.2,
      depth: 40,
      width: 50,
      inputDim: 50,
      lr: 1e-3,
      pairCos: 0.3,
      samples: 80,
      seed: 5,
    });
    let withLogs = 0,
      without = 0;
    await p10.run(
      { kind: 'gd-step', params },
      { onBlocks: (bs) => bs.forEach((b) => (b.logThetaOff ? withLogs++ : without++)) },
    );
    expect(withLogs).toBeGreaterThan(0);
    expect(without).toBeGreaterThan(0);
    const r = await runGdStep(p10, params);
    const logs = { theta: [] as number[], sign: [] as number[], absDelta: [] as number[], deltaSign: [] as number[] };
    for (let b = 0; b < 8; b++) {
      const off = sampleGdStepExact(gdStepSpec(params), 10, new Rng(params.seed, b)).logs!.off!;
      logs.theta.push(...off.theta);
      logs.sign.push(...off.thetaSign);
      logs.absDelta.push(...off.absDelta);
      logs.deltaSign.push(...off.deltaSign);
    }
    const direct = logRelativeChange(logs.theta, logs.absDelta, logs.deltaSign, logs.sign);
    const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-10 * Math.abs(b));
    const off = r.offDiagonal!;
    close(off.logAbsRelativeChange!.logAbs, direct.absRelativeChange.logAbs);
    close(off.logAbsRelativeChange!.relStderr, direct.absRelativeChange.relStderr);
    close(off.logRelativeChange!.logAbs, direct.relativeChange.logAbs);
    close(off.logRelativeChange!.relStderr, direct.relativeChange.relStderr);
    expect(r.samples).toBe(80);
  });

  it('inside float64 a pair keeps the plain summary with bootstrap SEs, and no log fields', async () => {
    const params = gdStepParamsSchema.parse({
      sigmaW2: 2,
      depth: 10,
      width: 40,
      inputDim: 40,
      lr: 1e-2,
      pairCos: 0.5,
      samples: 50,
      seed: 2,
    });
    const r = await runGdStep(p2, params);
    expect(r.logRelativeChange).toBeUndefined();
    expect(r.offDiagonal!.logRelativeChange).toBeUndefined();
    expect(Number.isFinite(r.offDiagonal!.relativeChange.estimate)).toBe(true);
  });
});
