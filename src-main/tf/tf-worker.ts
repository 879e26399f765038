// The one worker thread that owns TensorFlow.js (a native backend can be loaded in only one thread per process).
// It selects the backend on start (backend.ts), reports it, then runs tasks (tasks.ts) one at a time as the host
// (tf-host.ts) sends them; a cancel message flips the running task's flag, seen at its next ctx.checkpoint(), where
// a paused task waits until it is resumed.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, type BackendChoice, type BackendInfo } from './backend';
import { TASKS, TaskCancelledError, type TaskContext, type TaskHandler } from './tasks';
import { webgpuLost } from './webgpu-backend';
import { setThreadPriority, type ThreadPriority } from '../engine/thread-priority';

/** Options passed as workerData. `taskModule` (tests only): a module whose `tasks` map is merged into TASKS. */
export interface TfWorkerData {
  backend?: BackendChoice;
  taskModule?: string;
  /** The thread's scheduling priority (engine/thread-priority.ts); default 'normal'. */
  priority?: ThreadPriority;
}

/** host → worker */
export type TfWorkerRequest =
  | { type: 'run'; id: number; task: string; params: unknown }
  | { type: 'cancel'; id: number }
  | { type: 'pause'; id: number; paused: boolean };

/** worker → host */
export type TfWorkerReply =
  | { type: 'ready'; backend: BackendInfo }
  | { type: 'init-error'; message: string }
  | { type: 'progress'; id: number; progress: unknown }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; message: string; cancelled: boolean };

const port = parentPort;
if (!port) throw new Error('tf-worker must be started as a worker thread (see tf-host.ts)');
const data = (workerData ?? {}) as TfWorkerData;
setThreadPriority(data.priority ?? 'normal');

/** Buffers of the typed arrays in a value (two levels deep), each once; views onto part of a buffer are copied. */
function transferables(value: unknown): { value: unknown; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const seen = new Set<ArrayBufferLike>();
  const own = (v: unknown, depth: number): unknown => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      let a = v as unknown as Float64Array;
      if (
        a.byteOffset !== 0 ||
        a.byteLength !== a.buffer.byteLength ||
        seen.has(a.buffer) ||
        !(a.buffer instanceof ArrayBuffer)
      )
        a = a.slice();
      seen.add(a.buffer);
      transfer.push(a.buffer as ArrayBuffer);
      return a;
    }
    if (depth > 0 && Array.isArray(v)) return v.map((x) => own(x, depth - 1));
    if (depth > 0 && v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = own(x, depth - 1);
      return out;
    }
    return v;
  };
  return { value: own(value, 2), transfer };
}

const post = (reply: TfWorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function start(): Promise<{ backend: BackendInfo; tasks: Record<string, TaskHandler> }> {
  const tasks: Record<string, TaskHandler> = { ...TASKS };
  if (data.taskModule) {
    const mod = (await import(/* @vite-ignore */ data.taskModule)) as { tasks?: Record<string, TaskHandler> };
    Object.assign(tasks, mod.tasks ?? {});
  }
  const backend = await initBackend({ prefer: data.backend ?? 'auto' });
  return { backend, tasks };
}

const cancelled = new Set<number>();
/** Tasks told to pause: their checkpoints wait (polling) until resumed or cancelled. */
const paused = new Set<number>();
const PAUSE_POLL_MS = 50;
let chain: Promise<void> = Promise.resolve();
const started = start();
started.then(
  ({ backend }) => post({ type: 'ready', backend }),
  (err) => post({ type: 'init-error', message: message(err) }),
);

async function runTask(id: number, task: string, params: unknown): Promise<void> {
  let env: Awaited<typeof started>;
  try {
    env = await started;
  } catch (err) {
    post({
      type: 'error',
      id,
      message: `the TensorFlow.js backend failed to start: ${message(err)}`,
      cancelled: false,
    });
    return;
  }
  const handler = env.tasks[task];
  if (!handler) {
    post({
      type: 'error',
      id,
      message: `unknown task ${JSON.stringify(task)}; known: ${Object.keys(env.tasks).join(', ')}`,
      cancelled: false,
    });
    return;
  }
  const ctx: TaskContext = {
    backend: env.backend,
    emit(progress) {
      const t = transferables(progress);
      post({ type: 'progress', id, progress: t.value }, t.transfer);
    },
    cancelled: () => cancelled.has(id),
    async checkpoint() {
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (paused.has(id) && !cancelled.has(id))
        await new Promise<void>((resolve) => setTimeout(resolve, PAUSE_POLL_MS));
      if (cancelled.has(id)) throw new TaskCancelledError();
    },
  };
  try {
    if (cancelled.has(id)) throw new TaskCancelledError();
    const t = transferables(await handler(params, ctx));
    post({ type: 'result', id, result: t.value }, t.transfer);
  } catch (err) {
    const lost = webgpuLost();
    post({
      type: 'error',
      id,
      message: lost ? `${lost} (${message(err)})` : message(err),
      cancelled: !lost && (err instanceof TaskCancelledError || cancelled.has(id)),
    });
    // a lost GPU device does not come back: end this worker so the host starts a fresh one, whose backend
    // detection falls back (or finds the device again) for the next job
    if (lost) setImmediate(() => process.exit(1));
  } finally {
    cancelled.delete(id);
    paused.delete(id);
  }
}

port.on('message', (req: TfWorkerRequest) => {
  if (req.type === 'cancel') cancelled.add(req.id);
  else if (req.type === 'pause') {
    if (req.paused) paused.add(req.id);
    else paused.delete(req.id);
  } else if (req.type === 'run') chain = chain.then(() => runTask(req.id, req.task, req.params)); // one task at a time
});
