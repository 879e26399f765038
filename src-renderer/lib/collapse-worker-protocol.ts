// The messages between the "Neural collapse" tab and its Web Worker, and a runner that keeps only the latest job:
// the collapse simulator takes ~1 s (more on a busy machine) and quadrature activations take seconds over a deep
// network, so both run off the UI thread, and a superseded job is stopped by terminating its worker (a busy worker
// cannot read a cancel message). Type-only imports: the main bundle gets no simulator code from here.
import type { CollapseSimParams, CollapseSimResult } from '../../src-shared/contract/collapse-sim';
import type { GeneralizationRequest, GeneralizationResult } from './ntk-generalization-view';

export type WorkerJob =
  { kind: 'collapse'; params: CollapseSimParams } | { kind: 'generalization'; params: GeneralizationRequest };

export type JobResult<J extends WorkerJob> = J extends { kind: 'collapse' } ? CollapseSimResult : GeneralizationResult;

export interface WorkerRequest {
  id: number;
  job: WorkerJob;
}

export type WorkerResponse =
  | { id: number; ok: true; result: CollapseSimResult | GeneralizationResult; millis: number }
  | { id: number; ok: false; error: string };

/** The part of a Web Worker the runner uses (a fake in unit tests). */
export interface WorkerLike {
  postMessage(message: WorkerRequest): void;
  terminate(): void;
  onmessage: ((e: { data: WorkerResponse }) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
}

export type JobOutcome<R> =
  { status: 'done'; result: R; millis: number } | { status: 'error'; message: string } | { status: 'superseded' };

/**
 * Runs one job at a time on a worker made by `make`. A new job while one is running terminates that worker (its
 * promise resolves 'superseded') and starts a fresh one, so the latest request is never queued behind a stale one.
 */
export class LatestJobRunner {
  private worker: WorkerLike | null = null;
  private nextId = 1;
  private pending: { id: number; settle: (o: JobOutcome<unknown>) => void } | null = null;

  constructor(private readonly make: () => WorkerLike) {}

  get busy(): boolean {
    return this.pending !== null;
  }

  run<J extends WorkerJob>(job: J): Promise<JobOutcome<JobResult<J>>> {
    if (this.pending) this.stop('superseded');
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending = { id, settle: resolve as (o: JobOutcome<unknown>) => void };
      worker.postMessage({ id, job });
    });
  }

  /** Terminates the worker; a running job resolves 'superseded'. */
  dispose(): void {
    if (this.pending) this.stop('superseded');
    this.worker?.terminate();
    this.worker = null;
  }

  private start(): WorkerLike {
    const worker = this.make();
    worker.onmessage = (e) => {
      const p = this.pending;
      if (!p || e.data.id !== p.id) return;
      this.pending = null;
      p.settle(
        e.data.ok
          ? { status: 'done', result: e.data.result, millis: e.data.millis }
          : { status: 'error', message: e.data.error },
      );
    };
    worker.onerror = (e) => {
      const p = this.pending;
      this.pending = null;
      // a worker that failed to load or threw outside the handler is not reused
      this.worker?.terminate();
      this.worker = null;
      p?.settle({ status: 'error', message: `the worker failed: ${e.message || 'unknown error'}` });
    };
    this.worker = worker;
    return worker;
  }

  private stop(status: 'superseded'): void {
    const p = this.pending;
    this.pending = null;
    this.worker?.terminate();
    this.worker = null;
    p?.settle({ status });
  }
}
