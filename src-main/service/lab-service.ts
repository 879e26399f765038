// The lab service: validated jobs of every kind (src-main/jobs: the registry) on the worker pool or the TensorFlow.js
// worker, with no transport inside. Transports (Electron IPC, WebSocket) call connect() once per client; the CLI and
// tests call checkKind()/runChecked() (or measure(), gdStep()) directly.
import pkg from '../../package.json' with { type: 'json' };
import type { GdStepParamsInput, GdStepResult } from '../../src-shared/contract/gd-step';
import type { JobKind } from '../../src-shared/contract/kinds';
import type { MeasureParamsInput, MeasureResult } from '../../src-shared/contract/measure';
import {
  CONTRACT_VERSION,
  type JobOutput,
  type JobSpec,
  type LabInfo,
  type ServerMessage,
} from '../../src-shared/contract/messages';
import { WorkerPool } from '../engine/worker-pool';
import { checkJob, checkKind, type CheckedJob } from '../jobs';
import type { JobControls, JobEnv } from '../jobs/define';
import type { BackendChoice, BackendInfo } from '../tf/backend';
import type { PauseControl } from '../tf/tf-host';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LabConnectionImpl, MAX_JOBS_PER_CONNECTION, type LabConnection } from './connection';
import { LabServiceError, toLabError } from './lab-error';
import { TensorflowEngine } from './tensorflow';

export type { LabConnection } from './connection';
export { LabServiceError } from './lab-error';

export interface LabServiceOptions {
  /** Worker threads (default: os.availableParallelism()). */
  workers?: number;
  /**
   * Worker entry path or URL (default: the pool's resolver — sample-worker.ts from source, sample-worker.js when
   * bundled).
   */
  workerEntry?: string | URL;
  /** Tests only: a module whose runBlock replaces the sampler in the workers. */
  blockModule?: string | URL;
  /** Tests only: networks per block (default BLOCK_SIZE). */
  blockSize?: number;
  /** Minimum time between progress results of one job, ms (default 50). */
  progressIntervalMs?: number;
  /**
   * Where method 'dense' runs: 'auto' (default) on TensorFlow.js when a native libtensorflow backend is up, else on
   * the pool's float64 typed arrays (faster than single-thread wasm on a multi-core CPU: npm run bench); 'pool';
   * 'tfjs'.
   */
  denseEngine?: 'auto' | 'pool' | 'tfjs';
  /** TensorFlow.js backend choice (default 'auto': tfjs-node-gpu → tfjs-node → wasm → cpu). */
  tfBackend?: BackendChoice;
  /**
   * Run TensorFlow.js tasks in this thread instead of the dedicated worker (the CLI: Ctrl-C is seen at the task's
   * next step, and nothing is left running when the command ends).
   */
  tfInProcess?: boolean;
  /** Start TensorFlow.js backend detection when a client connects (default true; the CLI never connects). */
  detectTensorflowOnConnect?: boolean;
  /**
   * Where trainability sweeps keep their finished cells (default: $NTK_LAB_DATA_DIR, else
   * ~/.local/share/ntk-phase-lab).
   */
  dataDir?: string;
}

export function defaultDataDir(): string {
  return process.env.NTK_LAB_DATA_DIR || join(homedir(), '.local', 'share', 'ntk-phase-lab');
}

export { MIN_SAMPLES } from '../jobs/measure';
export type { CheckedJob } from '../jobs';

export const BACKEND = 'typed-array (float64, worker_threads)';

export class LabService {
  private readonly pool: WorkerPool;
  private readonly progressIntervalMs: number;
  private jobSeq = 0;
  private closed = false;
  private readonly connections = new Set<LabConnectionImpl>();
  private readonly tf: TensorflowEngine;
  private readonly denseEngine: NonNullable<LabServiceOptions['denseEngine']>;
  private readonly detectOnConnect: boolean;
  private readonly env: JobEnv;
  readonly dataDir: string;

  constructor(opts: LabServiceOptions = {}) {
    this.pool = new WorkerPool({
      workers: opts.workers,
      workerEntry: opts.workerEntry,
      blockModule: opts.blockModule,
      blockSize: opts.blockSize,
    });
    this.tf = new TensorflowEngine({ backend: opts.tfBackend, inProcess: opts.tfInProcess });
    this.denseEngine = opts.denseEngine ?? 'auto';
    this.detectOnConnect = opts.detectTensorflowOnConnect ?? true;
    this.dataDir = opts.dataDir ?? defaultDataDir();
    const interval = opts.progressIntervalMs ?? 50;
    if (!Number.isFinite(interval) || interval < 0)
      throw new RangeError(`progressIntervalMs must be a finite number ≥ 0 (got ${interval})`);
    this.progressIntervalMs = interval;
    this.env = {
      pool: this.pool,
      tf: this.tf,
      progressIntervalMs: this.progressIntervalMs,
      dataDir: this.dataDir,
      denseOnTf: (method) => this.denseOnTf(method),
    };
  }

  /**
   * One client connection. `send` receives ServerMessage objects that are valid per src-shared/contract/messages.ts.
   */
  connect(send: (msg: ServerMessage) => void, transport: LabInfo['transport']): LabConnection {
    if (this.closed) throw new Error('the lab service is closed');
    const connection = new LabConnectionImpl(this, send, transport, () => this.connections.delete(connection));
    this.connections.add(connection);
    if (this.detectOnConnect) void this.tf.start().catch(() => undefined); // the status bar shows the outcome
    return connection;
  }

  /** Run one measurement; rejects with a LabServiceError (code bad-request, refused, cancelled or failed). */
  async measure(
    params: MeasureParamsInput,
    onProgress?: (r: MeasureResult) => void,
    signal?: AbortSignal,
  ): Promise<MeasureResult> {
    const out = await this.runChecked(
      this.checkKind('measure', params),
      (o) => {
        if (o.kind === 'measure') onProgress?.(o.result);
      },
      { signal },
    );
    if (out.kind !== 'measure') throw new LabServiceError('internal', `a measure job produced ${out.kind} output`);
    return out.result;
  }

  /** Run one first-GD-step experiment; rejects with a LabServiceError. */
  async gdStep(
    params: GdStepParamsInput,
    onProgress?: (r: GdStepResult) => void,
    signal?: AbortSignal,
  ): Promise<GdStepResult> {
    const out = await this.runChecked(
      this.checkKind('gd-step', params),
      (o) => {
        if (o.kind === 'gd-step') onProgress?.(o.result);
      },
      { signal },
    );
    if (out.kind !== 'gd-step') throw new LabServiceError('internal', `a gd-step job produced ${out.kind} output`);
    return out.result;
  }

  /** Whether method 'dense' goes to TensorFlow.js (see LabServiceOptions.denseEngine). */
  private denseOnTf(method: 'exact' | 'dense'): boolean {
    return method === 'dense' && (this.denseEngine === 'tfjs' || (this.denseEngine === 'auto' && this.tf.native));
  }

  /** Check a wire-validated job (its kind's check); throws LabServiceError ('bad-request' | 'refused'). */
  checkJob(job: JobSpec): CheckedJob {
    return checkJob(job);
  }

  /** Validate raw params of one kind (its wire schema), then check them; throws LabServiceError. */
  checkKind(kind: JobKind, params: unknown): CheckedJob {
    return checkKind(kind, params);
  }

  /** Run a checked job (the transports' path); rejects with a LabServiceError. */
  runJob(
    job: CheckedJob,
    onProgress: (o: JobOutput) => void,
    signal?: AbortSignal,
    pause?: PauseControl,
  ): Promise<JobOutput> {
    return this.runChecked(job, onProgress, { signal, pause });
  }

  /** Run a checked job with its controls (`storeDir`: in-process callers only); rejects with a LabServiceError. */
  async runChecked(
    job: CheckedJob,
    onProgress: (o: JobOutput) => void,
    controls: JobControls = {},
  ): Promise<JobOutput> {
    if (this.closed) throw new LabServiceError('cancelled', 'the lab service is closed');
    try {
      return await job.run(this.env, onProgress, controls);
    } catch (err) {
      const e = toLabError(err);
      throw new LabServiceError(e.code, e.message, { cause: err });
    }
  }

  /** Start the TensorFlow.js engine (if not yet) and resolve with its backend. */
  tensorflow(): Promise<BackendInfo> {
    return this.tf.start();
  }

  /** Start all workers now (they otherwise start on first use, ~0.3 s each from source) so the first job is fast. */
  warmUp(): Promise<void> {
    return this.pool.warm();
  }

  info(transport: LabInfo['transport']): LabInfo {
    return {
      version: pkg.version,
      contractVersion: CONTRACT_VERSION,
      backend: BACKEND,
      tensorflow: this.tf.info(),
      workers: this.pool.size,
      transport,
      jobCap: MAX_JOBS_PER_CONNECTION,
    };
  }

  /** Cancel every job, close every connection and stop the workers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const connection of [...this.connections]) connection.close();
    await Promise.all([this.pool.close(), this.tf.close()]);
  }

  nextJobId(): string {
    return `job-${++this.jobSeq}`;
  }
}
