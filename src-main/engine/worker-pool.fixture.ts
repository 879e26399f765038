// Test fixture, not a sampler: a runBlock with the real signature whose output is a cheap deterministic function of
// (seed, block), plus failure modes chosen by the seed, so the pool's merging, crash handling and cancellation can
// be tested in isolation. Parameters are reused as knobs: sigmaB2 sets how long each block sleeps, depth
// FIXTURE_REORDER_DEPTH forces blocks to finish out of order. The output depends only on (seed, pairCos, block).
import { BroadcastChannel, isMainThread, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { MeasureParams } from '../../src-shared/contract/measure';
import { Rng } from '../../src-shared/rng';

export const FIXTURE_THROW_SEED = 13; // block 2 throws
export const FIXTURE_EXIT_SEED = 14; // block 1 ends the worker thread with exit code 3
export const FIXTURE_UNCAUGHT_SEED = 15; // block 0 returns shared memory, which a worker's postMessage cannot transfer
/**
 * In a worker, block 0 returns only after block 2 has started. With two workers block 2 can start only on the
 * worker that ran block 1, and the pool hands it block 2 in the same turn in which it takes block 1's result, so
 * block 1 always reaches the pool before block 0: an explicit event, not a race of sleeps. Needs ≥ 2 workers.
 */
export const FIXTURE_REORDER_DEPTH = 5;
const REORDER_GIVE_UP_MS = 20_000; // only so that a misuse (one worker) fails instead of hanging the worker

// The workers of one process share this channel; the main thread (in-process reference runs) never waits.
const gate = isMainThread ? undefined : new BroadcastChannel('worker-pool-fixture-reorder');
gate?.unref();
// Node's BroadcastChannel is started at construction: a message that arrives while this worker's event loop runs
// (block 2 can start before this worker has taken block 0 from its queue) is dispatched then, not kept for
// receiveMessageOnPort, so a listener records it. Seeds whose block 2 has started:
const block2Started = new Set<number>();
gate?.addEventListener('message', (event) => {
  const m = (event as unknown as { data: { seed: number; block: number } }).data;
  if (m.block === 2) block2Started.add(m.seed);
});

function nap(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function waitForBlock2(seed: number): void {
  for (let waited = 0; waited < REORDER_GIVE_UP_MS; waited++) {
    if (block2Started.delete(seed)) return; // heard while the event loop ran, before this block began
    // blocked here, the event loop cannot dispatch: take the messages off the channel directly. Node accepts a
    // BroadcastChannel here since 15.12; @types/node 20 still types the argument as MessagePort
    const port = gate as unknown as MessagePort;
    const got = receiveMessageOnPort(port) as { message: { seed: number; block: number } } | undefined;
    if (got?.message.seed === seed && got.message.block === 2) return;
    if (!got) nap(1);
  }
  throw new Error('block 0 waited in vain for block 2 to start (the reorder knob needs two workers)');
}

export function runBlock(
  params: MeasureParams,
  block: number,
  count: number,
): { theta: Float64Array; thetaOff?: Float64Array } {
  if (params.seed === FIXTURE_THROW_SEED && block === 2) throw new Error('deliberate failure in block 2');
  if (params.seed === FIXTURE_EXIT_SEED && block === 1) process.exit(3);
  if (params.seed === FIXTURE_UNCAUGHT_SEED && block === 0)
    return { theta: new Float64Array(new SharedArrayBuffer(8 * count)) };
  if (gate && params.depth === FIXTURE_REORDER_DEPTH) {
    if (block === 2) gate.postMessage({ seed: params.seed, block });
    if (block === 0) waitForBlock2(params.seed);
  }
  // blocks take 0.5, 1 or 1.5 × sigmaB2 seconds (slow blocks for the cancellation tests)
  const sleepMs = params.sigmaB2 * 1000 * (1 + ((block * 7) % 3)) * 0.5;
  if (sleepMs > 0) nap(sleepMs);
  const rng = new Rng(params.seed, block);
  const theta = new Float64Array(count);
  const thetaOff = params.pairCos === undefined ? undefined : new Float64Array(count);
  for (let j = 0; j < count; j++) {
    theta[j] = Math.exp(0.5 * rng.normal());
    if (thetaOff) thetaOff[j] = theta[j] * (params.pairCos! + 0.1 * rng.normal());
  }
  return thetaOff ? { theta, thetaOff } : { theta };
}
