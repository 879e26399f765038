// The lab service: validated jobs of every kind (src-main/jobs: the registry) on the worker pool or the TensorFlow.js
// worker, with no transport inside. Transports (Electron IPC, WebSocket) call connect() once per client; the CLI and
// tests call checkKind()/runChecked() (or measure(), gdStep()) directly.
import type { ThreadPriority } from '../engine/thread-priority';
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
import { checkJob, checkKind, JOBS, type CheckedJob } from '../jobs';
import type { JobControls, JobEnv, LocalCheck } from '../jobs/define';
import type { BackendChoice, BackendInfo } from '../tf/backend';
import type { PauseControl } from '../tf/tf-host';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LabConnectionImpl, MAX_JOBS_PER_CONNECTION, type ConnectionOptions, type LabConnection } from './connection';
import { LabServiceError, toLabError } from './lab-error';
import { ProgressBudget } from './progress-budget';
import { TensorflowEngine } from './tensorflow';
import { checkTfWorkers, defaultTfWorkers, maxTfWorkers } from '../tf/tf-pool';

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
   * The fraction of the main thread's time that partial summaries of all jobs together may take (progress-budget.ts,
   * default 0.2). Tests that count progress set 1: the budget then never holds a summary back, whatever the clock.
   */
  progressShare?: number;
  /** Minimum time between two progress messages of one connection, all its jobs together, ms (default 50). */
  connectionProgressIntervalMs?: number;
  /** Running jobs across all connections (default MAX_JOBS_TOTAL); beyond it job.start answers 'busy'. */
  maxJobs?: number;
  /** How long a paused TensorFlow.js job may hold the worker while others wait, ms (default 30 000). */
  pauseLimitMs?: number;
  /** A client with more unsent bytes than this has stopped reading and is closed (default 16 MiB; tests lower it). */
  maxBacklogBytes?: number;
  /**
   * Where method 'dense' runs: 'auto' (default) on TensorFlow.js when a native libtensorflow backend is up, else on
   * the pool's float64 typed arrays, one worker per core. Not for speed per core: npm run bench (README "Compute
   * backends") finds single-thread tfjs-wasm 1.8–1.9× faster at drawing and evaluating a network; the pool keeps
   * float64 and uses every core. 'pool'; 'tfjs'.
   */
  denseEngine?: 'auto' | 'pool' | 'tfjs';
  /** TensorFlow.js backend choice (default 'auto': tfjs-node-gpu → webgpu → tfjs-node → wasm → cpu). */
  tfBackend?: BackendChoice;
  /**
   * TensorFlow.js worker threads on wasm / cpu (default: one per core; a native or GPU backend gets one). A sweep's
   * cells run on them in parallel; results do not depend on the count. An integer from 1 to 4 × the cores (else a
   * RangeError naming tfWorkers).
   */
  tfWorkers?: number;
  /**
   * Run TensorFlow.js tasks in this thread, one at a time, instead of on the TF worker pool (the CLI's single-task
   * kinds: Ctrl-C is seen at the task's next step, and nothing is left running when the command ends).
   */
  tfInProcess?: boolean;
  /**
   * The compute threads' scheduling priority (sampler pool and TF workers; engine/thread-priority.ts). The hosts of
   * the interactive lab (web, Electron) ask for 'below-normal' so that a drag keeps the CPU; the CLI keeps 'normal'.
   */
  computePriority?: ThreadPriority;
  /** Start TensorFlow.js backend detection when a client connects (default true; the CLI never connects). */
  detectTensorflowOnConnect?: boolean;
  /**
   * Where trainability sweeps keep their finished cells (default: $NTK_LAB_DATA_DIR, else
   * ~/.local/share/ntk-phase-lab).
   */
  dataDir?: string;
}

function defaultDataDir(): string {
  return process.env.NTK_LAB_DATA_DIR || join(homedir(), '.local', 'share', 'ntk-phase-lab');
}

export { MIN_SAMPLES } from '../jobs/measure';
export type { CheckedJob } from '../jobs';

export const BACKEND = 'typed-array (float64, worker_threads)';

/** Running jobs across all connections: two clients' worth of the per-connection cap (issue 17: 5 × 8 were taken). */
const MAX_JOBS_TOTAL = 2 * MAX_JOBS_PER_CONNECTION;

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
  readonly maxJobs: number;
  private runningJobs = 0;
  private runningTfJobs = 0;
  private readonly connectionOptions: ConnectionOptions;

  constructor(opts: LabServiceOptions = {}) {
    if (opts.tfWorkers !== undefined) checkTfWorkers(opts.tfWorkers, 'tfWorkers'); // before any worker exists
    this.pool = new WorkerPool({
      workers: opts.workers,
      workerEntry: opts.workerEntry,
      blockModule: opts.blockModule,
      blockSize: opts.blockSize,
      priority: opts.computePriority,
    });
    this.tf = new TensorflowEngine({
      backend: opts.tfBackend,
      workers: opts.tfWorkers,
      inProcess: opts.tfInProcess,
      priority: opts.computePriority,
    });
    this.denseEngine = opts.denseEngine ?? 'auto';
    this.detectOnConnect = opts.detectTensorflowOnConnect ?? true;
    this.dataDir = opts.dataDir ?? defaultDataDir();
    const interval = opts.progressIntervalMs ?? 50;
    if (!Number.isFinite(interval) || interval < 0)
      throw new RangeError(`progressIntervalMs must be a finite number ≥ 0 (got ${interval})`);
    this.progressIntervalMs = interval;
    this.maxJobs = opts.maxJobs ?? MAX_JOBS_TOTAL;
    if (!Number.isInteger(this.maxJobs) || this.maxJobs < 1)
      throw new RangeError(`maxJobs must be an integer ≥ 1 (got ${this.maxJobs})`);
    this.connectionOptions = {
      progressIntervalMs: opts.connectionProgressIntervalMs,
      pauseLimitMs: opts.pauseLimitMs,
      maxBacklogBytes: opts.maxBacklogBytes,
    };
    for (const k of ['progressIntervalMs', 'pauseLimitMs', 'maxBacklogBytes'] as const)
      if (this.connectionOptions[k] === undefined) delete this.connectionOptions[k];
    this.env = {
      pool: this.pool,
      tf: this.tf,
      progressIntervalMs: this.progressIntervalMs,
      progressBudget: new ProgressBudget(opts.progressShare),
      dataDir: this.dataDir,
      denseOnTf: (method) => this.denseOnTf(method),
    };
  }

  /**
   * One client connection. `send` receives ServerMessage objects that are valid per src-shared/contract/messages.ts;
   * `flow` lets the transport report its unsent backlog and drop a client that stopped reading.
   */
  connect(
    send: (msg: ServerMessage) => void,
    transport: LabInfo['transport'],
    flow: Pick<ConnectionOptions, 'backlog' | 'terminate'> = {},
  ): LabConnection {
    if (this.closed) throw new Error('the lab service is closed');
    const connection = new LabConnectionImpl(this, send, transport, () => this.connections.delete(connection), {
      ...this.connectionOptions,
      ...flow,
    });
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
  checkKind(kind: JobKind, params: unknown, local?: LocalCheck): CheckedJob {
    return checkKind(kind, params, local);
  }

  /** Run a checked job (the transports' path); rejects with a LabServiceError. */
  async runJob(
    job: CheckedJob,
    onProgress: (o: JobOutput) => void,
    signal?: AbortSignal,
    pause?: PauseControl,
  ): Promise<JobOutput> {
    const tf = JOBS[job.kind].runsOn.engine === 'tf';
    if (tf) this.runningTfJobs++;
    try {
      return await this.runChecked(job, onProgress, { signal, pause });
    } finally {
      if (tf) this.runningTfJobs--;
    }
  }

  /** A job slot of the service-wide cap (connections take one per running job). */
  reserveJob(): boolean {
    if (this.runningJobs >= this.maxJobs) return false;
    this.runningJobs++;
    return true;
  }

  releaseJob(): void {
    this.runningJobs = Math.max(0, this.runningJobs - 1);
  }

  /** TensorFlow.js jobs of the connections, running or queued for the worker. */
  tfJobs(): number {
    return this.runningTfJobs;
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
      tfWorkers: { setting: this.tf.workersSetting ?? defaultTfWorkers(), max: maxTfWorkers() },
    };
  }

  /**
   * Set the TF worker count (every client's later cells; running tasks finish); a LabServiceError ('bad-request',
   * naming `workers`) unless an integer from 1 to info().tfWorkers.max.
   */
  setTfWorkers(n: number): void {
    try {
      this.tf.setWorkers(n, 'workers');
    } catch (err) {
      if (err instanceof RangeError) throw new LabServiceError('bad-request', err.message);
      throw err;
    }
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
