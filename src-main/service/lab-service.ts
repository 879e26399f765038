// The lab service: validated measurement jobs on the worker pool, with no transport inside. Transports (Electron
// IPC, WebSocket) call connect() once per client; the CLI and tests call measure() directly.
import pkg from '../../package.json' with { type: 'json' };
import {
  measureParamsSchema,
  type MeasureParams,
  type MeasureParamsInput,
  type MeasureResult,
} from '../../src-shared/contract/measure';
import {
  gdStepParamsSchema,
  type GdStepParams,
  type GdStepParamsInput,
  type GdStepResult,
} from '../../src-shared/contract/gd-step';
import {
  CONTRACT_VERSION,
  type JobOutput,
  type JobSpec,
  type LabInfo,
  type ServerMessage,
} from '../../src-shared/contract/messages';
import { describeZodError } from '../../src-shared/params';
import { checkGdStepFeasible } from '../engine/gd-step-block';
import { checkFeasible } from '../engine/sample-block';
import { WorkerPool } from '../engine/worker-pool';
import { LabConnectionImpl, type LabConnection } from './connection';
import { LabServiceError, toLabError } from './lab-error';
import { runGdStep } from './gd-step-run';
import { runMeasurement } from './measure-run';
import { checkSpectrumFeasible, runSpectrum } from './spectrum-run';
import { TensorflowEngine } from './tensorflow';
import { gdStepOnTf, lrSweepOnTf, measureOnTf, trainabilityOnTf, trainDynamicsOnTf } from './tf-runs';
import { parseLrSweepParams, type LrSweepParams } from '../../src-shared/contract/lr-sweep';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseTrainabilityParams, type TrainabilityParams } from '../../src-shared/contract/trainability';
import { checkedSweepGrid } from '../tf/sweep/grid';
import type { BackendChoice } from '../tf/backend';
import type { PauseControl } from '../tf/tf-host';
import { parseTrainDynamicsParams } from '../../src-shared/contract/train-dynamics';

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

/** summarizeSamples (src-shared/stats/summary.ts) needs at least 3 samples for its standard errors. */
export const MIN_SAMPLES = 3;

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
  readonly dataDir: string;

  constructor(opts: LabServiceOptions = {}) {
    this.pool = new WorkerPool({
      workers: opts.workers,
      workerEntry: opts.workerEntry,
      blockModule: opts.blockModule,
      blockSize: opts.blockSize,
    });
    this.tf = new TensorflowEngine({ backend: opts.tfBackend });
    this.denseEngine = opts.denseEngine ?? 'auto';
    this.detectOnConnect = opts.detectTensorflowOnConnect ?? true;
    this.dataDir = opts.dataDir ?? defaultDataDir();
    const interval = opts.progressIntervalMs ?? 50;
    if (!Number.isFinite(interval) || interval < 0)
      throw new RangeError(`progressIntervalMs must be a finite number ≥ 0 (got ${interval})`);
    this.progressIntervalMs = interval;
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
  measure(
    params: MeasureParamsInput,
    onProgress?: (r: MeasureResult) => void,
    signal?: AbortSignal,
  ): Promise<MeasureResult> {
    try {
      return this.run(this.validate(params), onProgress, signal);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Run one first-GD-step experiment; rejects with a LabServiceError. */
  gdStep(
    params: GdStepParamsInput,
    onProgress?: (r: GdStepResult) => void,
    signal?: AbortSignal,
  ): Promise<GdStepResult> {
    let parsed: GdStepParams;
    try {
      parsed = this.validateGdStep(params);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.guard(() => this.gdStepRun(parsed, onProgress, signal));
  }

  /** Whether method 'dense' goes to TensorFlow.js (see LabServiceOptions.denseEngine). */
  private denseOnTf(method: 'exact' | 'dense'): boolean {
    return method === 'dense' && (this.denseEngine === 'tfjs' || (this.denseEngine === 'auto' && this.tf.native));
  }

  private gdStepRun(
    params: GdStepParams,
    onProgress?: (r: GdStepResult) => void,
    signal?: AbortSignal,
  ): Promise<GdStepResult> {
    if (this.denseOnTf(params.method)) return gdStepOnTf(this.tf, params, signal);
    return runGdStep(this.pool, params, { onProgress, signal, progressIntervalMs: this.progressIntervalMs });
  }

  /** Throws LabServiceError ('bad-request' | 'refused') for a job that cannot run. */
  checkJob(job: JobSpec): void {
    switch (job.kind) {
      case 'measure':
        return this.checkFeasible(job.params);
      case 'gd-step': {
        const verdict = checkGdStepFeasible(job.params);
        if (!verdict.ok) throw new LabServiceError('refused', verdict.reason);
        return;
      }
      case 'train-dynamics':
        try {
          parseTrainDynamicsParams(job.params); // step lists, sizes against the data, memory and time estimates
        } catch (err) {
          throw new LabServiceError('refused', err instanceof Error ? err.message : String(err));
        }
        return;
      case 'ntk-spectrum': {
        const verdict = checkSpectrumFeasible(job.params);
        if (!verdict.ok) throw new LabServiceError('refused', verdict.reason);
        return;
      }
      case 'trainability':
        this.trainabilityParams(job.params);
        return;
      case 'lr-sweep':
        this.lrSweepParams(job.params);
    }
  }

  /** A learning-rate sweep's resolved params; throws LabServiceError('refused') with every problem. */
  private lrSweepParams(raw: unknown): LrSweepParams {
    try {
      return parseLrSweepParams(raw);
    } catch (err) {
      throw new LabServiceError('refused', err instanceof Error ? err.message : String(err));
    }
  }

  /** The sweep's resolved params (defaults, paper size); throws LabServiceError('refused') with every problem. */
  private trainabilityParams(raw: unknown): TrainabilityParams {
    try {
      const p = parseTrainabilityParams(raw);
      checkedSweepGrid(p);
      return p;
    } catch (err) {
      throw new LabServiceError('refused', err instanceof Error ? err.message : String(err));
    }
  }

  /** Run an already-validated job of any kind. */
  async runJob(
    job: JobSpec,
    onProgress: (o: JobOutput) => void,
    signal?: AbortSignal,
    pause?: PauseControl,
  ): Promise<JobOutput> {
    switch (job.kind) {
      case 'measure':
        return {
          kind: 'measure',
          result: await this.run(job.params, (result) => onProgress({ kind: 'measure', result }), signal),
        };
      case 'gd-step': {
        const params = job.params;
        const result = await this.guard(() =>
          this.gdStepRun(params, (r) => onProgress({ kind: 'gd-step', result: r }), signal),
        );
        return { kind: 'gd-step', result };
      }
      case 'train-dynamics': {
        const params = job.params;
        return this.guard(() => trainDynamicsOnTf(this.tf, params, onProgress, signal, pause));
      }
      case 'ntk-spectrum': {
        const params = job.params;
        const points = await this.guard(() =>
          runSpectrum(this.pool, params, (point) => onProgress({ kind: 'ntk-spectrum', point }), signal),
        );
        return { kind: 'ntk-spectrum', points };
      }
      case 'trainability': {
        const params = this.trainabilityParams(job.params);
        return this.guard(() => trainabilityOnTf(this.tf, params, this.dataDir, onProgress, signal));
      }
      case 'lr-sweep': {
        const params = this.lrSweepParams(job.params);
        return this.guard(() => lrSweepOnTf(this.tf, params, onProgress, signal, pause));
      }
    }
  }

  /** Parse and check feasibility of gd-step parameters; throws LabServiceError('bad-request' | 'refused'). */
  validateGdStep(input: unknown): GdStepParams {
    const parsed = gdStepParamsSchema.safeParse(input);
    if (!parsed.success)
      throw new LabServiceError('bad-request', `invalid GD-step parameters: ${describeZodError(parsed.error)}`);
    this.checkJob({ kind: 'gd-step', params: parsed.data });
    return parsed.data;
  }

  /** Run on the open service, mapping anything thrown to a LabServiceError. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new LabServiceError('cancelled', 'the lab service is closed');
    try {
      return await fn();
    } catch (err) {
      const e = toLabError(err);
      throw new LabServiceError(e.code, e.message);
    }
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
    };
  }

  /** Cancel every job, close every connection and stop the workers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const connection of [...this.connections]) connection.close();
    await Promise.all([this.pool.close(), this.tf.close()]);
  }

  /** Parse and check feasibility; throws LabServiceError('bad-request' | 'refused'). */
  validate(input: unknown): MeasureParams {
    const parsed = measureParamsSchema.safeParse(input);
    if (!parsed.success)
      throw new LabServiceError('bad-request', `invalid measurement parameters: ${describeZodError(parsed.error)}`);
    this.checkFeasible(parsed.data);
    return parsed.data;
  }

  /**
   * Throws LabServiceError: 'bad-request' for fewer than MIN_SAMPLES networks, 'refused' when the
   * sampler cannot run these parameters in bounded time and memory (its reason says why).
   */
  checkFeasible(params: MeasureParams): void {
    if (params.samples < MIN_SAMPLES) {
      throw new LabServiceError(
        'bad-request',
        `samples (N) must be ≥ ${MIN_SAMPLES}: standard errors need at least ${MIN_SAMPLES} networks`,
      );
    }
    const verdict = checkFeasible(params);
    if (!verdict.ok) throw new LabServiceError('refused', verdict.reason);
  }

  /** Run already-validated parameters. */
  run(params: MeasureParams, onProgress?: (r: MeasureResult) => void, signal?: AbortSignal): Promise<MeasureResult> {
    if (this.denseOnTf(params.method)) return this.guard(() => measureOnTf(this.tf, params, signal));
    return this.guard(() =>
      runMeasurement(this.pool, params, { onProgress, signal, progressIntervalMs: this.progressIntervalMs }),
    );
  }

  nextJobId(): string {
    return `job-${++this.jobSeq}`;
  }
}
