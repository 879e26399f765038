// Main-side handle on the TensorFlow.js worker (tf-worker.ts): starts it lazily, runs tasks one at a time in
// submission order, forwards progress, and cancels. Cancelling sends a message the task sees between batches;
// a worker that has not finished the task cancelGraceMs later (a stuck batch) is terminated and restarted on next
// use. A worker that crashes fails the running task with a message; the next run starts a fresh worker.
//
//   const host = new TfHost();               // { backend?: 'auto'|'wasm'|…, cancelGraceMs? }
//   const info = await host.backend();      // BackendInfo: name, device, fallbacks, tfjsVersion
//   const r = await host.run('ntk', params, { onProgress, signal });
//   await host.close();
import { checkThreadPriority, type ThreadPriority } from '../engine/thread-priority';
import type { Worker } from 'node:worker_threads';
import { spawnWorker, toUrl, workerEntryNear } from '../engine/spawn-worker';
import type { BackendChoice, BackendInfo } from './backend';
import type { TfWorkerData, TfWorkerReply, TfWorkerRequest } from './tf-worker';

export interface TfHostOptions {
  /** Backend the worker selects (default 'auto': tfjs-node-gpu → webgpu → tfjs-node → wasm → cpu). */
  backend?: BackendChoice;
  /** Worker entry (default: tf-worker next to this module, .ts from source or .js in the build). */
  workerEntry?: string | URL;
  /** Tests only: a module whose `tasks` map is added to the worker's tasks. */
  taskModule?: string | URL;
  /** After a cancel, ms the task may take to notice before the worker is terminated (default 3000). */
  cancelGraceMs?: number;
  /** The worker thread's scheduling priority (engine/thread-priority.ts); default 'normal'. */
  priority?: ThreadPriority;
}

export interface TfRunOptions {
  onProgress?: (progress: unknown) => void;
  signal?: AbortSignal;
  /** Pause/resume the task at its checkpoints (a queued task starts paused if it was paused before). */
  pause?: PauseControl;
}

/** A pause switch shared by the caller and the host. */
export class PauseControl {
  private state = false;
  private readonly listeners = new Set<(paused: boolean) => void>();
  get paused(): boolean {
    return this.state;
  }
  set(paused: boolean): void {
    if (paused === this.state) return;
    this.state = paused;
    for (const cb of this.listeners) cb(paused);
  }
  /** Returns the unsubscribe function. */
  onChange(cb: (paused: boolean) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
}

/** Why a task did not complete: cancelled (abort, host closed) or failed (threw, worker crashed, no backend). */
export class TfTaskError extends Error {
  readonly code: 'cancelled' | 'failed';
  constructor(code: 'cancelled' | 'failed', message: string) {
    super(message);
    this.name = 'TfTaskError';
    this.code = code;
  }
}

interface Job {
  id: number;
  task: string;
  params: unknown;
  opts: TfRunOptions;
  settled: boolean;
  killTimer?: ReturnType<typeof setTimeout>;
  settle(err: TfTaskError | null, result?: unknown): void;
}

interface Live {
  worker: Worker;
  ready: Promise<BackendInfo>;
  /** Terminated on purpose: its exit is not a crash. */
  retired: boolean;
}

function defaultTfWorkerEntry(): URL {
  return workerEntryNear(import.meta.url, 'tf-worker');
}

export class TfHost {
  private readonly entry: URL;
  private readonly data: TfWorkerData;
  private readonly cancelGraceMs: number;
  private live: Live | null = null;
  private queue: Job[] = [];
  private current: Job | null = null;
  private seq = 0;
  private closed = false;

  constructor(opts: TfHostOptions = {}) {
    this.entry = toUrl(opts.workerEntry ?? defaultTfWorkerEntry());
    // checked here, as WorkerPool does: a bad value fails the host's construction, not the worker's start
    this.data = { backend: opts.backend ?? 'auto', priority: checkThreadPriority(opts.priority ?? 'normal') };
    if (opts.taskModule !== undefined) this.data.taskModule = toUrl(opts.taskModule).href;
    this.cancelGraceMs = opts.cancelGraceMs ?? 3000;
    if (!(this.cancelGraceMs >= 0) || !Number.isFinite(this.cancelGraceMs))
      throw new RangeError(`cancelGraceMs must be a finite number ≥ 0 (got ${opts.cancelGraceMs})`);
  }

  /** The worker's backend (starts the worker if needed). Rejects when no backend could be loaded. */
  backend(): Promise<BackendInfo> {
    if (this.closed) return Promise.reject(new Error('the TensorFlow.js host is closed'));
    return this.ensureWorker().ready;
  }

  /** Run a task in the worker; resolves with its result (typed arrays transferred). */
  run<R = unknown>(task: string, params: unknown, opts: TfRunOptions = {}): Promise<R> {
    if (this.closed) return Promise.reject(new TfTaskError('cancelled', 'the TensorFlow.js host is closed'));
    if (opts.signal?.aborted) return Promise.reject(new TfTaskError('cancelled', 'cancelled'));
    return new Promise<R>((resolve, reject) => {
      const onAbort = (): void => this.cancel(job);
      let unpause = (): void => undefined;
      const job: Job = {
        id: ++this.seq,
        task,
        params,
        opts,
        settled: false,
        settle: (err, result) => {
          if (job.settled) return;
          job.settled = true;
          clearTimeout(job.killTimer);
          opts.signal?.removeEventListener('abort', onAbort);
          unpause();
          if (err) reject(err);
          else resolve(result as R);
        },
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      if (opts.pause) {
        unpause = opts.pause.onChange((paused) => {
          if (this.current === job)
            this.live?.worker.postMessage({ type: 'pause', id: job.id, paused } satisfies TfWorkerRequest);
        });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  /** Cancel everything and terminate the worker. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue) job.settle(new TfTaskError('cancelled', 'the TensorFlow.js host was closed'));
    this.queue = [];
    this.current?.settle(new TfTaskError('cancelled', 'the TensorFlow.js host was closed'));
    this.current = null;
    const live = this.live;
    this.live = null;
    if (live) {
      live.retired = true;
      live.ready.catch(() => undefined);
      await live.worker.terminate();
    }
  }

  private ensureWorker(): Live {
    if (this.live) return this.live;
    const worker = spawnWorker(this.entry, this.data, 'ntk-lab-tf');
    let markReady!: (info: BackendInfo) => void;
    let markFailed!: (err: Error) => void;
    const ready = new Promise<BackendInfo>((res, rej) => {
      markReady = res;
      markFailed = rej;
    });
    const live: Live = { worker, ready, retired: false };
    this.live = live;
    worker.unref(); // an idle worker does not keep the process alive; pump() refs it while a task runs

    worker.on('message', (msg: TfWorkerReply) => {
      if (msg.type === 'ready') markReady(msg.backend);
      else if (msg.type === 'init-error') {
        markFailed(new Error(msg.message));
        this.retire(live); // next use retries with a fresh worker
      } else if (msg.type === 'progress') {
        if (this.current?.id === msg.id) this.current.opts.onProgress?.(msg.progress);
      } else if (msg.type === 'result' || msg.type === 'error') {
        const job = this.current;
        if (!job || job.id !== msg.id) return; // a task cancelled and already settled here
        this.current = null;
        if (msg.type === 'result') job.settle(null, msg.result);
        else job.settle(new TfTaskError(msg.cancelled ? 'cancelled' : 'failed', msg.message));
        this.pump();
      }
    });
    let crash = '';
    worker.on('error', (err) => {
      crash = err instanceof Error ? err.message : String(err);
    });
    worker.on('exit', (code) => {
      if (this.live === live) this.live = null;
      const why = crash || `exit code ${code}`;
      markFailed(new Error(`the TensorFlow.js worker stopped before it was ready: ${why}`));
      if (live.retired) return;
      const job = this.current;
      if (job) {
        this.current = null;
        job.settle(
          new TfTaskError(
            'failed',
            `the TensorFlow.js worker crashed while running task ${JSON.stringify(job.task)}: ${why}`,
          ),
        );
      }
      this.pump();
    });
    ready.catch(() => undefined); // observed through backend() / pump()
    return live;
  }

  private retire(live: Live): void {
    live.retired = true;
    if (this.live === live) this.live = null;
    void live.worker.terminate();
  }

  private pump(): void {
    if (this.current || this.closed) {
      if (!this.current) this.live?.worker.unref();
      return;
    }
    const job = this.queue.shift();
    if (!job) {
      this.live?.worker.unref();
      return;
    }
    this.current = job;
    const live = this.ensureWorker();
    live.worker.ref();
    live.ready.then(
      () => {
        if (this.current !== job || job.settled) return;
        live.worker.postMessage({
          type: 'run',
          id: job.id,
          task: job.task,
          params: job.params,
        } satisfies TfWorkerRequest);
        if (job.opts.pause?.paused)
          live.worker.postMessage({ type: 'pause', id: job.id, paused: true } satisfies TfWorkerRequest);
      },
      (err: Error) => {
        if (this.current !== job) return;
        this.current = null;
        job.settle(new TfTaskError('failed', `no TensorFlow.js backend: ${err.message}`));
        this.pump();
      },
    );
  }

  private cancel(job: Job): void {
    if (job.settled) return;
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      job.settle(new TfTaskError('cancelled', 'cancelled'));
      return;
    }
    if (this.current !== job) return;
    const live = this.live;
    live?.worker.postMessage({ type: 'cancel', id: job.id } satisfies TfWorkerRequest);
    job.killTimer = setTimeout(() => {
      if (this.current !== job) return;
      // the task did not reach a checkpoint in time: stop the worker, start a new one for what comes next
      this.current = null;
      job.settle(
        new TfTaskError(
          'cancelled',
          `cancelled (the worker did not stop within ${this.cancelGraceMs} ms and was restarted)`,
        ),
      );
      if (live) this.retire(live);
      this.pump();
    }, this.cancelGraceMs);
  }
}
