// The lab service: validated measurement jobs on the worker pool, with no transport inside. Transports (Electron
// IPC, WebSocket) call connect() once per client; the CLI and tests call measure() directly.
import pkg from '../../package.json' with { type: 'json' };
import { measureParamsSchema, type MeasureParams, type MeasureParamsInput, type MeasureResult } from '../../src-shared/contract/measure';
import { CONTRACT_VERSION, type LabInfo, type ServerMessage } from '../../src-shared/contract/messages';
import { describeZodError } from '../../src-shared/params';
import { checkFeasible } from '../engine/sample-block';
import { WorkerPool } from '../engine/worker-pool';
import { LabConnectionImpl, type LabConnection } from './connection';
import { LabServiceError, toLabError } from './lab-error';
import { runMeasurement } from './measure-run';

export type { LabConnection } from './connection';
export { LabServiceError } from './lab-error';

export interface LabServiceOptions {
  /** Worker threads (default: os.availableParallelism()). */
  workers?: number;
  /** Worker entry path or URL (default: the pool's resolver — sample-worker.ts from source, sample-worker.js when bundled). */
  workerEntry?: string | URL;
  /** Tests only: a module whose runBlock replaces the sampler in the workers. */
  blockModule?: string | URL;
  /** Tests only: networks per block (default BLOCK_SIZE). */
  blockSize?: number;
  /** Minimum time between progress results of one job, ms (default 50). */
  progressIntervalMs?: number;
}

/** summarizeSamples (src-shared/stats/summary.ts) needs at least 3 samples for its standard errors. */
export const MIN_SAMPLES = 3;

export const BACKEND = 'typed-array (float64, worker_threads)';
const BACKEND_NOTE = 'no tfjs backend in this build: sampled networks run on float64 typed arrays in worker threads';

export class LabService {
  private readonly pool: WorkerPool;
  private readonly progressIntervalMs: number;
  private jobSeq = 0;
  private closed = false;
  private readonly connections = new Set<LabConnectionImpl>();

  constructor(opts: LabServiceOptions = {}) {
    this.pool = new WorkerPool({ workers: opts.workers, workerEntry: opts.workerEntry, blockModule: opts.blockModule, blockSize: opts.blockSize });
    const interval = opts.progressIntervalMs ?? 50;
    if (!Number.isFinite(interval) || interval < 0) throw new RangeError(`progressIntervalMs must be a finite number ≥ 0 (got ${interval})`);
    this.progressIntervalMs = interval;
  }

  /** One client connection. `send` receives ServerMessage objects that are valid per src-shared/contract/messages.ts. */
  connect(send: (msg: ServerMessage) => void, transport: LabInfo['transport']): LabConnection {
    if (this.closed) throw new Error('the lab service is closed');
    const connection = new LabConnectionImpl(this, send, transport, () => this.connections.delete(connection));
    this.connections.add(connection);
    return connection;
  }

  /** Run one measurement; rejects with a LabServiceError (code bad-request, refused, cancelled or failed). */
  measure(params: MeasureParamsInput, onProgress?: (r: MeasureResult) => void, signal?: AbortSignal): Promise<MeasureResult> {
    try {
      return this.run(this.validate(params), onProgress, signal);
    } catch (err) {
      return Promise.reject(err);
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
      backendFallbackReason: BACKEND_NOTE,
      workers: this.pool.size,
      transport,
    };
  }

  /** Cancel every job, close every connection and stop the workers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const connection of [...this.connections]) connection.close();
    await this.pool.close();
  }

  /** Parse and check feasibility; throws LabServiceError('bad-request' | 'refused'). */
  validate(input: unknown): MeasureParams {
    const parsed = measureParamsSchema.safeParse(input);
    if (!parsed.success) throw new LabServiceError('bad-request', `invalid measurement parameters: ${describeZodError(parsed.error)}`);
    this.checkFeasible(parsed.data);
    return parsed.data;
  }

  /**
   * Throws LabServiceError: 'bad-request' for fewer than MIN_SAMPLES networks, 'refused' when the
   * sampler cannot run these parameters in bounded time and memory (its reason says why).
   */
  checkFeasible(params: MeasureParams): void {
    if (params.samples < MIN_SAMPLES) {
      throw new LabServiceError('bad-request', `samples (N) must be ≥ ${MIN_SAMPLES}: standard errors need at least ${MIN_SAMPLES} networks`);
    }
    const verdict = checkFeasible(params);
    if (!verdict.ok) throw new LabServiceError('refused', verdict.reason);
  }

  /** Run already-validated parameters. */
  async run(params: MeasureParams, onProgress?: (r: MeasureResult) => void, signal?: AbortSignal): Promise<MeasureResult> {
    if (this.closed) throw new LabServiceError('cancelled', 'the lab service is closed');
    try {
      return await runMeasurement(this.pool, params, { onProgress, signal, progressIntervalMs: this.progressIntervalMs });
    } catch (err) {
      const e = toLabError(err);
      throw new LabServiceError(e.code, e.message);
    }
  }

  nextJobId(): string {
    return `job-${++this.jobSeq}`;
  }
}
