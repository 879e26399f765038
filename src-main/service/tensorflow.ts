// The lab service's handle on the TensorFlow.js engine (src-main/tf): one dedicated worker, started on first need
// (a UI client connecting, or a job that runs on it), whose backend detection is reported through lab.info
// (detecting → ready with the device and any fallbacks, or failed with the reason).
import type { TensorflowInfo } from '../../src-shared/contract/messages';
import type { BackendChoice, BackendInfo } from '../tf/backend';
import { TfHost, type TfRunOptions } from '../tf/tf-host';
import type { TfTaskName } from '../tf/tasks';
import { InProcessTf } from './tf-in-process';

/** Where tasks run: the dedicated worker (TfHost) or, for the CLI, this thread. */
type TfRunner = Pick<TfHost, 'backend' | 'run' | 'close'>;

/** Backends that run on libtensorflow (CPU or CUDA) rather than in this process's JavaScript/WebAssembly. */
const NATIVE = new Set(['tensorflow', 'tensorflow-gpu']);

export class TensorflowEngine {
  private host: TfRunner | undefined;
  private state: TensorflowInfo = { state: 'detecting', fallbacks: [] };
  private detection: Promise<BackendInfo> | undefined;

  constructor(
    private readonly opts: { backend?: BackendChoice; workerEntry?: string | URL; inProcess?: boolean } = {},
  ) {}

  /**
   * Start the worker and its backend detection (idempotent); resolves with the backend or rejects with why none loaded.
   */
  start(): Promise<BackendInfo> {
    if (!this.detection) {
      this.host = this.opts.inProcess
        ? new InProcessTf(this.opts.backend)
        : new TfHost({ backend: this.opts.backend, workerEntry: this.opts.workerEntry });
      this.detection = this.host.backend().then(
        (b) => {
          this.state = {
            state: 'ready',
            backend: b.name,
            device: b.device,
            fallbacks: b.fallbacks,
            tfjsVersion: b.tfjsVersion,
          };
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

  /** True once a native libtensorflow backend (CPU or CUDA) is running. */
  get native(): boolean {
    return this.state.state === 'ready' && NATIVE.has(this.state.backend ?? '');
  }

  /** Label for results, e.g. "tfjs wasm · CPU (WebAssembly SIMD, 1 thread)". */
  label(): string {
    return this.state.state === 'ready' ? `tfjs ${this.state.backend} · ${this.state.device} (float32)` : 'tfjs';
  }

  async run<R>(task: TfTaskName, params: unknown, opts: TfRunOptions = {}): Promise<R> {
    await this.start();
    return this.host!.run<R>(task, params, opts);
  }

  async close(): Promise<void> {
    await this.host?.close();
  }
}
