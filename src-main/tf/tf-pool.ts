// A pool of TensorFlow.js workers (TfHost, one worker thread each) so that independent jobs — the cells of a
// trainability sweep, the points of a learning-rate sweep, one training-dynamics run per σ_w² — use every core.
//
// Threads, not child processes, and only for wasm / cpu: each wasm worker is one single-threaded WebAssembly
// instance (tfjs-backend-wasm without its threaded build), so N threads give N cores with no process start-up or
// copies through pipes (measured in docs/training-throughput.md). The native backends are different: tfjs-node
// can be loaded in one thread per process only (tensorflow/tfjs issue #8388, "Module did not self-register"), and
// it already spreads one op over every core through libtensorflow's own thread pool; on a GPU (tfjs-node-gpu,
// webgpu) one worker per GPU beats several that contend for it. So the pool starts one worker, waits for its
// backend, and grows to `workers` only when that backend is wasm or cpu (the others are forced to the same backend,
// so every worker computes bit-identical results).
//
//   const pool = new TfPool({ workers: 4 });       // default: one per core (availableParallelism())
//   const info = await pool.backend();              // the first worker's BackendInfo
//   const r = await pool.run('train-cell', params, { signal, pause, onProgress });
//   await pool.close();
import { availableParallelism } from 'node:os';
import type { BackendInfo, BackendName } from './backend';
import { TfHost, TfTaskError, type TfHostOptions, type TfRunOptions } from './tf-host';

/** Backends that several workers can run side by side, one core each. */
const PER_CORE: ReadonlySet<BackendName> = new Set(['wasm', 'cpu']);

/** More workers than 4 per core only add memory and context switches. */
export function maxTfWorkers(): number {
  return 4 * availableParallelism();
}

export function defaultTfWorkers(): number {
  return availableParallelism();
}

/**
 * A worker count as the user gave it (`--workers`, the `workers` option), or a RangeError naming `what`. Allowed:
 * an integer from 1 to 4 × the cores of this machine.
 */
export function checkTfWorkers(n: unknown, what = 'workers'): number {
  const max = maxTfWorkers();
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max)
    throw new RangeError(
      `${what} must be an integer from 1 to ${max} (4 × the ${availableParallelism()} cores here), got ${String(n)}`,
    );
  return n;
}

export interface TfPoolOptions extends TfHostOptions {
  /** Worker threads for wasm / cpu (default: one per core); a native or GPU backend always gets one. */
  workers?: number;
}

interface Pending {
  task: string;
  params: unknown;
  opts: TfRunOptions;
  resolve(v: unknown): void;
  reject(err: unknown): void;
  onAbort?: () => void;
}

export class TfPool {
  private readonly opts: TfHostOptions;
  private workers: number;
  private readonly hosts: (TfHost | undefined)[] = [];
  private readonly busy = new Set<TfHost>();
  private queue: Pending[] = [];
  private first: Promise<BackendInfo> | undefined;
  /** Workers this backend may use: 1 until the first worker reports its backend. */
  private capacity = 1;
  private closed = false;
  private firstName: BackendName | undefined;

  constructor(opts: TfPoolOptions = {}) {
    const { workers, ...host } = opts;
    this.workers = workers === undefined ? defaultTfWorkers() : checkTfWorkers(workers);
    this.opts = host;
  }

  /** The backend of the first worker (starts it). Rejects when no backend could be loaded. */
  backend(): Promise<BackendInfo> {
    if (this.closed) return Promise.reject(new Error('the TensorFlow.js pool is closed'));
    if (!this.first) {
      const host = this.host(0);
      const first = host.backend();
      this.first = first;
      first.then(
        (info) => {
          this.firstName = info.name;
          this.capacity = PER_CORE.has(info.name) ? this.workers : 1;
          this.pump();
        },
        () => {
          if (this.first === first) this.first = undefined; // the next call retries (TfHost starts a fresh worker)
        },
      );
    }
    return this.first;
  }

  /** Workers jobs are spread over: `workers` for wasm / cpu, 1 for a native or GPU backend (after backend()). */
  get size(): number {
    return this.capacity;
  }

  /** The worker count asked for (`workers`, or the last setWorkers). */
  get requested(): number {
    return this.workers;
  }

  /**
   * Change the worker count (checked as `what`, a RangeError naming it). Growing starts workers as queued tasks need
   * them; shrinking closes the idle workers beyond the new count now and the busy ones when their task ends, so no
   * running task is cut short. Results do not depend on the count (per-cell seeds).
   */
  setWorkers(n: number, what = 'workers'): void {
    this.workers = checkTfWorkers(n, what);
    if (this.firstName) this.capacity = PER_CORE.has(this.firstName) ? this.workers : 1;
    this.retireSurplus();
    this.pump();
  }

  /** Run a task on the next free worker (queued in submission order); same contract as TfHost.run. */
  run<R = unknown>(task: string, params: unknown, opts: TfRunOptions = {}): Promise<R> {
    if (this.closed) return Promise.reject(new TfTaskError('cancelled', 'the TensorFlow.js pool is closed'));
    if (opts.signal?.aborted) return Promise.reject(new TfTaskError('cancelled', 'cancelled'));
    return new Promise<R>((resolve, reject) => {
      const job: Pending = { task, params, opts, resolve: resolve as (v: unknown) => void, reject };
      if (opts.signal) {
        job.onAbort = () => {
          const i = this.queue.indexOf(job);
          if (i < 0) return; // already on a worker: TfHost cancels it
          this.queue.splice(i, 1);
          reject(new TfTaskError('cancelled', 'cancelled'));
        };
        opts.signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      void this.backend().catch(() => undefined); // the first run starts the first worker
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue) job.reject(new TfTaskError('cancelled', 'the TensorFlow.js pool was closed'));
    this.queue = [];
    await Promise.all(this.hosts.map((h) => h?.close()));
  }

  private host(i: number): TfHost {
    // workers after the first are forced to the first one's backend: the same arithmetic on every worker
    return (this.hosts[i] ??= new TfHost({
      ...this.opts,
      backend: i === 0 ? (this.opts.backend ?? 'auto') : this.firstName,
    }));
  }

  /** Close the idle workers at or beyond the capacity (never worker 0, which holds the backend). */
  private retireSurplus(): void {
    for (let i = Math.max(1, this.capacity); i < this.hosts.length; i++) {
      const h = this.hosts[i];
      if (h && !this.busy.has(h)) {
        this.hosts[i] = undefined;
        void h.close();
      }
    }
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let idle: TfHost | undefined;
      const n = this.firstName ? this.capacity : 1;
      for (let i = 0; i < n && !idle; i++) if (!this.busy.has(this.host(i))) idle = this.host(i);
      if (!idle) return;
      const job = this.queue.shift()!;
      if (job.onAbort) job.opts.signal?.removeEventListener('abort', job.onAbort);
      const host = idle;
      this.busy.add(host);
      host
        .run(job.task, job.params, job.opts)
        .then(job.resolve, job.reject)
        .finally(() => {
          this.busy.delete(host);
          if (!this.closed) this.retireSurplus();
          this.pump();
        });
    }
  }
}
