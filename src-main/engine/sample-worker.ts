// Worker-thread entry of the sampling pool: runs one block of sampled networks per request and posts the Θ samples
// back, transferring (not copying) their buffers. Block i depends only on (params, i), so the worker is stateless.
import { parentPort, workerData } from 'node:worker_threads';
import { BLOCK_ARRAYS, type BlockArrays, type PoolWork } from './pool-work';
import { BLOCK_RUNNERS, runWork, type BlockRunners } from './block-runners';
import { setThreadPriority, type ThreadPriority } from './thread-priority';

/** main → worker: run block `block` (`count` networks) of a job; `task` is echoed back. */
export interface BlockRequest {
  type: 'run';
  task: number;
  work: PoolWork;
  block: number;
  count: number;
}

/**
 * worker → main: `ready` once loaded, with the thread's nice value (null: not set per thread here); an `error` reply
 * means runBlock threw, the worker itself is still healthy.
 */
export type BlockReply =
  | { type: 'ready'; nice: number | null }
  | ({ type: 'result'; task: number } & BlockArrays)
  | { type: 'error'; task: number; message: string };

/**
 * Options passed as workerData. `blockModule` (tests only) replaces the measure sampler with another module's runBlock.
 */
export interface SampleWorkerData {
  blockModule?: string;
  /** The thread's scheduling priority (thread-priority.ts); default 'normal'. */
  priority?: ThreadPriority;
}

type RunBlock = BlockRunners['measure'];

const port = parentPort;
if (!port) throw new Error('sample-worker must be started as a worker thread (see worker-pool.ts)');

const data = (workerData ?? {}) as SampleWorkerData;
const nice = setThreadPriority(data.priority ?? 'normal');
const runnersReady: Promise<BlockRunners> = data.blockModule
  ? import(/* @vite-ignore */ data.blockModule).then((m: { runBlock?: RunBlock }) => {
      if (typeof m.runBlock !== 'function') throw new Error(`${data.blockModule} does not export runBlock`);
      return { ...BLOCK_RUNNERS, measure: m.runBlock };
    })
  : Promise.resolve(BLOCK_RUNNERS);

// A sampler that fails to load leaves this promise rejected and unhandled: the worker dies before it is ready.
void runnersReady.then(() => port.postMessage({ type: 'ready', nice } satisfies BlockReply));

/** A view onto part of a larger buffer would drag (and detach) the whole buffer: give it its own. */
function ownBuffer(a: Float64Array): Float64Array {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice();
}

port.on('message', (req: BlockRequest) => {
  void runnersReady.then((runners) => {
    let reply: BlockReply;
    const transfer: ArrayBuffer[] = [];
    try {
      const out: BlockArrays = runWork(req.work, req.block, req.count, runners);
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
