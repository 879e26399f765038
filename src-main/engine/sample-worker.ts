// Worker-thread entry of the sampling pool: runs one block of sampled networks per request and posts the Θ samples
// back, transferring (not copying) their buffers. Block i depends only on (params, i), so the worker is stateless.
import { parentPort, workerData } from 'node:worker_threads';
import type { MeasureParams } from '../../src-shared/contract/measure';
import { runBlock as samplerRunBlock } from './sample-block';

/** main → worker: run block `block` (`count` networks) of a job; `task` is echoed back. */
export interface BlockRequest {
  type: 'run';
  task: number;
  params: MeasureParams;
  block: number;
  count: number;
}

/** worker → main: `ready` once loaded; an `error` reply means runBlock threw, the worker itself is still healthy. */
export type BlockReply =
  | { type: 'ready' }
  | { type: 'result'; task: number; theta: Float64Array; thetaOff?: Float64Array }
  | { type: 'error'; task: number; message: string };

/** Options passed as workerData. `blockModule` (tests only) replaces the sampler with another module's runBlock. */
export interface SampleWorkerData {
  blockModule?: string;
}

type RunBlock = typeof samplerRunBlock;

const port = parentPort;
if (!port) throw new Error('sample-worker must be started as a worker thread (see worker-pool.ts)');

const data = (workerData ?? {}) as SampleWorkerData;
const runBlockReady: Promise<RunBlock> = data.blockModule
  ? import(/* @vite-ignore */ data.blockModule).then((m: { runBlock?: RunBlock }) => {
      if (typeof m.runBlock !== 'function') throw new Error(`${data.blockModule} does not export runBlock`);
      return m.runBlock;
    })
  : Promise.resolve(samplerRunBlock);

// A sampler that fails to load leaves this promise rejected and unhandled: the worker dies before it is ready.
void runBlockReady.then(() => port.postMessage({ type: 'ready' } satisfies BlockReply));

/** A view onto part of a larger buffer would drag (and detach) the whole buffer: give it its own. */
function ownBuffer(a: Float64Array): Float64Array {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice();
}

port.on('message', (req: BlockRequest) => {
  void runBlockReady.then((runBlock) => {
    let reply: BlockReply;
    const transfer: ArrayBuffer[] = [];
    try {
      const out = runBlock(req.params, req.block, req.count);
      const theta = ownBuffer(out.theta);
      transfer.push(theta.buffer as ArrayBuffer);
      reply = { type: 'result', task: req.task, theta };
      if (out.thetaOff) {
        let thetaOff = ownBuffer(out.thetaOff);
        if (thetaOff.buffer === theta.buffer) thetaOff = thetaOff.slice(); // one buffer cannot be transferred twice
        transfer.push(thetaOff.buffer as ArrayBuffer);
        reply.thetaOff = thetaOff;
      }
    } catch (err) {
      reply = { type: 'error', task: req.task, message: err instanceof Error ? err.message : String(err) };
      transfer.length = 0;
    }
    port.postMessage(reply, transfer);
  });
});
