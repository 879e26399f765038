// Test fixture, not a sampler: a runBlock with the real signature whose output is a cheap deterministic function of
// (seed, block), plus failure modes chosen by the seed, so the pool's merging, crash handling and cancellation can
// be tested in isolation. Parameters are reused as knobs: sigmaB2 sets how long each block sleeps.
import type { MeasureParams } from '../../src-shared/contract/measure';
import { Rng } from '../../src-shared/rng';

export const FIXTURE_THROW_SEED = 13; // block 2 throws
export const FIXTURE_EXIT_SEED = 14; // block 1 ends the worker thread with exit code 3
export const FIXTURE_UNCAUGHT_SEED = 15; // block 0 returns shared memory, which the worker's postMessage cannot transfer

export function runBlock(
  params: MeasureParams,
  block: number,
  count: number,
): { theta: Float64Array; thetaOff?: Float64Array } {
  if (params.seed === FIXTURE_THROW_SEED && block === 2) throw new Error('deliberate failure in block 2');
  if (params.seed === FIXTURE_EXIT_SEED && block === 1) process.exit(3);
  if (params.seed === FIXTURE_UNCAUGHT_SEED && block === 0)
    return { theta: new Float64Array(new SharedArrayBuffer(8 * count)) };
  // blocks take 0.5, 1 or 1.5 × sigmaB2 seconds, so with several workers they finish out of order
  const sleepMs = params.sigmaB2 * 1000 * (1 + ((block * 7) % 3)) * 0.5;
  if (sleepMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, sleepMs);
  const rng = new Rng(params.seed, block);
  const theta = new Float64Array(count);
  const thetaOff = params.pairCos === undefined ? undefined : new Float64Array(count);
  for (let j = 0; j < count; j++) {
    theta[j] = Math.exp(0.5 * rng.normal());
    if (thetaOff) thetaOff[j] = theta[j] * (params.pairCos! + 0.1 * rng.normal());
  }
  return thetaOff ? { theta, thetaOff } : { theta };
}
