// The lab service's handle on the TensorFlow.js engine (src-main/tf): one dedicated worker, started on first need
// (a UI client connecting, or a job that runs on it), whose backend detection is reported through lab.info
// (detecting → ready with the device and any fallbacks, or failed with the reason).
import type { TensorflowInfo } from '../../src-shared/contract/messages';
import type { BackendChoice, BackendInfo } from '../tf/backend';
import { TfHost, type TfRunOptions } from '../tf/tf-host';

/** Backends that run on libtensorflow (CPU or CUDA) rather than in this process's JavaScript/WebAssembly. */
const NATIVE = new Set(['tensorflow', 'tensorflow-gpu']);

export class TensorflowEngine {
  private host: TfHost | undefined;
  private state: TensorflowInfo = { state: 'detecting', fallbacks: [] };
  private detection: Promise<BackendInfo> | undefined;

  constructor(private readonly opts: { backend?: BackendChoice; workerEntry?: string | URL } = {}) {}

  /**
   * Start the worker and its backend detection (idempotent); resolves with the backend or rejects with why none loaded.
   */
  start(): Promise<BackendInfo> {
    if (!this.detection) {
      this.host = new TfHost({ backend: this.opts.backend, workerEntry: this.opts.workerEntry });
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

  async run<R>(task: string, params: unknown, opts: TfRunOptions = {}): Promise<R> {
    await this.start();
    return this.host!.run<R>(task, params, opts);
  }

  async close(): Promise<void> {
    await this.host?.close();
  }
}
