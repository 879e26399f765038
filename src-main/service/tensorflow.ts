// The lab service's handle on the TensorFlow.js engine (src-main/tf): a pool of TF workers (tf-pool.ts: one per core
// on wasm, one on a native or GPU backend), started on first need (a UI client connecting, or a job that runs on
// it), whose backend detection is reported through lab.info (detecting → ready with the device and any fallbacks,
// or failed with the reason). Jobs submitted together run on different workers. The CLI runs its single-task kinds
// in this thread instead (tf-in-process.ts); its sweeps use the pool, as the app does.
import type { ThreadPriority } from '../engine/thread-priority';
import type { TensorflowInfo } from '../../src-shared/contract/messages';
import type { BackendChoice, BackendInfo } from '../tf/backend';
import type { TfRunOptions } from '../tf/tf-host';
import type { TfTaskName } from '../tf/tasks';
import { checkTfWorkers, TfPool } from '../tf/tf-pool';
import { InProcessTf } from './tf-in-process';

/** Where tasks run: the pool of TF workers (TfPool) or, for the CLI's single-task kinds, this thread. */
type TfRunner = Pick<TfPool, 'backend' | 'run' | 'close' | 'size'> & Partial<Pick<TfPool, 'setWorkers'>>;

/** Backends that run on libtensorflow (CPU or CUDA) rather than in this process's JavaScript/WebAssembly. */
const NATIVE = new Set(['tensorflow', 'tensorflow-gpu']);

export class TensorflowEngine {
  private host: TfRunner | undefined;
  private state: TensorflowInfo = { state: 'detecting', fallbacks: [] };
  private detection: Promise<BackendInfo> | undefined;
  private requestedWorkers: number | undefined;

  /**
   * `workers`: TF worker threads on wasm / cpu (default one per core; checked here: a RangeError names it);
   * `inProcess`: run tasks in this thread, one at a time (the CLI's single-task kinds).
   */
  constructor(
    private readonly opts: {
      backend?: BackendChoice;
      workerEntry?: string | URL;
      workers?: number;
      inProcess?: boolean;
      /** The TF worker threads' scheduling priority (engine/thread-priority.ts); default 'normal'. */
      priority?: ThreadPriority;
    } = {},
  ) {
    if (opts.workers !== undefined) checkTfWorkers(opts.workers, 'workers');
    this.requestedWorkers = opts.workers;
  }

  /** The TF worker count asked for (the `workers` option or the last setWorkers), or undefined: one per core. */
  get workersSetting(): number | undefined {
    return this.requestedWorkers;
  }

  /**
   * Change the TF worker count (a RangeError naming `what` unless an integer from 1 to 4 × the cores). On a native
   * or GPU backend the pool still runs one worker; the count applies if a later backend runs per core.
   */
  setWorkers(n: number, what = 'workers'): void {
    checkTfWorkers(n, what);
    this.requestedWorkers = n;
    this.host?.setWorkers?.(n, what);
    if (this.state.state === 'ready' && this.host) this.state.workers = this.host.size;
  }

  /**
   * Start the worker and its backend detection (idempotent); resolves with the backend or rejects with why none loaded.
   */
  start(): Promise<BackendInfo> {
    if (!this.detection) {
      this.host = this.opts.inProcess
        ? new InProcessTf(this.opts.backend)
        : new TfPool({
            backend: this.opts.backend,
            workerEntry: this.opts.workerEntry,
            workers: this.requestedWorkers,
            priority: this.opts.priority,
          });
      this.detection = this.host.backend().then(
        (b) => {
          this.state = {
            state: 'ready',
            backend: b.name,
            device: b.device,
            fallbacks: b.fallbacks,
            tfjsVersion: b.tfjsVersion,
          };
          if (b.adapter) this.state.adapter = b.adapter;
          this.state.workers = this.host!.size;
          return b;
        },
        (err: unknown) => {
          this.state = { state: 'failed', fallbacks: [], error: err instanceof Error ? err.message : String(err) };
          throw err;
        },
      );
      this.detection.catch(() => undefined); // reported through info()
    }
    return this.detection;
  }

  /** Whether start() was called (the CLI never starts the engine unless a command needs it). */
  get started(): boolean {
    return this.detection !== undefined;
  }

  info(): TensorflowInfo | undefined {
    return this.started ? this.state : undefined;
  }

  /** True once a native libtensorflow backend (CPU or CUDA) or webgpu on a hardware adapter is running. */
  get native(): boolean {
    if (this.state.state !== 'ready') return false;
    if (this.state.backend === 'webgpu') return this.state.adapter?.software === false;
    return NATIVE.has(this.state.backend ?? '');
  }

  /** Label for results, e.g. "tfjs wasm · CPU (WebAssembly SIMD, 1 thread)". */
  label(): string {
    return this.state.state === 'ready' ? `tfjs ${this.state.backend} · ${this.state.device} (float32)` : 'tfjs';
  }

  /** Workers that jobs are spread over (1 until the backend is known; then 1 on a native or GPU backend). */
  get workers(): number {
    return this.host?.size ?? 1;
  }

  async run<R>(task: TfTaskName, params: unknown, opts: TfRunOptions = {}): Promise<R> {
    await this.start();
    return this.host!.run<R>(task, params, opts);
  }

  async close(): Promise<void> {
    await this.host?.close();
  }
}
