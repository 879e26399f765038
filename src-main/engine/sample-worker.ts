// Worker-thread entry of the sampling pool: runs one block of sampled networks per request and posts the Θ samples
// back, transferring (not copying) their buffers. Block i depends only on (params, i), so the worker is stateless.
import { parentPort, workerData } from 'node:worker_threads';
import { BLOCK_ARRAYS, type BlockArrays, type PoolWork } from './pool-work';
import { runBlock as samplerRunBlock } from './sample-block';
import { runGdStepBlock } from './gd-step-block';
import { runSpectrumBlock } from './spectrum-block';
import {
  BOOTSTRAP_CHUNK_REPLICATES,
  BOOTSTRAP_MAX_N,
  bootstrapChunkRng,
  dispersionBootstrapChunk,
} from '../../src-shared/stats/summary';
import { rngWords, wasmKernels } from './wasm/kernels';

/** main → worker: run block `block` (`count` networks) of a job; `task` is echoed back. */
export interface BlockRequest {
  type: 'run';
  task: number;
  work: PoolWork;
  block: number;
  count: number;
}

/** worker → main: `ready` once loaded; an `error` reply means runBlock threw, the worker itself is still healthy. */
export type BlockReply =
  | { type: 'ready' }
  | ({ type: 'result'; task: number } & BlockArrays)
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

/**
 * Bootstrap chunk `chunk` (summary.ts fixes its size; the pool's split must match it), by the WebAssembly kernel when
 * it loads (bit-identical); on an error code the JavaScript reruns the chunk and throws its own message.
 */
function runBootstrapChunk(values: Float64Array, seed: number, chunk: number, count: number): BlockArrays {
  if (count !== BOOTSTRAP_CHUNK_REPLICATES)
    throw new RangeError(`bootstrap chunks hold ${BOOTSTRAP_CHUNK_REPLICATES} replicates (asked for ${count})`);
  const kernels = wasmKernels();
  if (kernels && values.length >= 3 && values.length <= BOOTSTRAP_MAX_N) {
    const words = rngWords(bootstrapChunkRng(seed, chunk));
    const out = words && kernels.bootstrapDispersion(values, count, words);
    if (out instanceof Float64Array) return { theta: out };
  }
  return { theta: dispersionBootstrapChunk(values, seed, chunk) };
}

port.on('message', (req: BlockRequest) => {
  void runBlockReady.then((runBlock) => {
    let reply: BlockReply;
    const transfer: ArrayBuffer[] = [];
    try {
      const w = req.work;
      const out: BlockArrays =
        w.kind === 'measure'
          ? runBlock(w.params, req.block, req.count)
          : w.kind === 'gd-step'
            ? runGdStepBlock(w.params, req.block, req.count)
            : w.kind === 'ntk-gram'
              ? runSpectrumBlock(w.params, req.block, req.count)
              : runBootstrapChunk(w.params.values, w.params.seed, req.block, req.count);
      const result: BlockReply = { type: 'result', task: req.task, theta: out.theta };
      if (out.diverged !== undefined) result.diverged = out.diverged;
      const seen = new Set<ArrayBufferLike>();
      for (const key of BLOCK_ARRAYS) {
        const a = out[key];
        if (!a) continue;
        let own = ownBuffer(a);
        if (seen.has(own.buffer)) own = own.slice(); // one buffer cannot be transferred twice
        seen.add(own.buffer);
        transfer.push(own.buffer as ArrayBuffer);
        result[key] = own;
      }
      reply = result;
    } catch (err) {
      reply = { type: 'error', task: req.task, message: err instanceof Error ? err.message : String(err) };
      transfer.length = 0;
    }
    port.postMessage(reply, transfer);
  });
});
