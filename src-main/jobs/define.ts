// One job kind on the main side: everything the service, the workers and the CLI need to know about it. defineJob
// requires every field, so a kind that lacks a piece does not compile; ./index.ts lists one definition per kind of
// src-shared/contract/kinds (a missing one is a type error too).
import type { z } from 'zod';
import type { JobKind, JobOutputOf, JobParamsOf, KindOf } from '../../src-shared/contract/kinds';
import type { ShardSpec } from '../../src-shared/shard';
import { LabServiceError } from '../service/lab-error';
import type { PoolWork } from '../engine/pool-work';
import type { WorkerPool } from '../engine/worker-pool';
import type { CliCommandText, CliPrinter, CliRunInfo } from '../cli/job-command';
import type { ProgressBudget } from '../service/progress-budget';
import type { TensorflowEngine } from '../service/tensorflow';
import type { BackendChoice } from '../tf/backend';
import type { PauseControl } from '../tf/tf-host';
import type { TfTaskName } from '../tf/tasks';

/** What only in-process callers add to a check (the CLI's --shard: a shard's cost is checked, not the sweep's). */
export interface LocalCheck {
  shard?: ShardSpec;
}

/** What a running job may use; the service owns it. */
export interface JobEnv {
  pool: WorkerPool;
  tf: TensorflowEngine;
  /** Minimum time between progress results of one pool job, ms. */
  progressIntervalMs: number;
  /** Main-thread time for partial summaries, shared by all jobs (service/progress-budget.ts). */
  progressBudget: ProgressBudget;
  /** Where stored sweeps keep their cells (<dataDir>/sweeps/<identity>). */
  dataDir: string;
  /** Whether method 'dense' goes to TensorFlow.js (LabServiceOptions.denseEngine). */
  denseOnTf(method: 'exact' | 'dense'): boolean;
}

export type ProgressKind = 'snapshot' | 'record';

/**
 * Per-run controls. `storeDir` and `shard` are for in-process callers only (the CLI's --out and --shard); no
 * transport can set them.
 */
export interface JobControls {
  signal?: AbortSignal;
  pause?: PauseControl;
  storeDir?: string;
  shard?: ShardSpec;
}

/**
 * Where a kind runs: blocks on the sampling pool (the worker dispatches `work` through engine/block-runners.ts; `tf`
 * names the TensorFlow.js task method 'dense' may go to), tasks on the TensorFlow.js workers (tf/tasks.ts): one per
 * job, or with `cells` one per cell of a sweep, many at once on the TF worker pool (tf/sweep/parallel.ts; the CLI
 * then runs them on the pool too, `--workers`, rather than in its own thread), or the service's thread for a kind
 * that only reads a file.
 */
export type RunsOn =
  | { engine: 'pool'; work: PoolWork['kind']; tf?: TfTaskName }
  | { engine: 'tf'; task: TfTaskName; cells?: boolean }
  /** In the service's own thread: reading a small file, no computation (sweep-open). */
  | { engine: 'main' };

/** The CLI side of a kind: its flags, help text and printing. */
export interface JobCli<K extends JobKind, C> extends CliCommandText {
  /** Flags → wire params (checked again by the kind's schema and check); throws UsageError naming the flag. */
  parse(args: string[]): CliJobRequest<K>;
  /** Prints progress and the result (text or --json lines); `done` returns the exit code. */
  printer(run: CliRunInfo<C>): CliPrinter<K>;
}

export interface CliJobRequest<K extends JobKind> {
  params: z.input<KindOf<K>['params']>;
  json: boolean;
  /**
   * Service options the flags chose (--workers: the sampling pool's, or tfWorkers for TF cell sweeps; --backend, with
   * denseEngine 'tfjs' when it sends method 'dense' to that backend).
   */
  service?: { workers?: number; tfWorkers?: number; tfBackend?: BackendChoice; denseEngine?: 'auto' | 'pool' | 'tfjs' };
  /** --out: the store directory of a stored sweep. */
  storeDir?: string;
  /** --shard i/n: run only this shard of the sweep's cells (src-shared/shard.ts). */
  shard?: ShardSpec;
}

/**
 * K: the kind; C: its checked params (what runs); P: a partial result as the runner produces it.
 */
export interface JobDefinition<K extends JobKind, C, P> {
  contract: KindOf<K>;
  /** For messages: "invalid <title> parameters". */
  title: string;
  /**
   * Feasibility and cost, the one place a kind's params are checked beyond the wire schema: returns the resolved
   * params that run, or throws LabServiceError ('bad-request' for bad input, 'refused' for work that cannot run).
   */
  check(params: JobParamsOf<K>, local?: LocalCheck): C;
  runsOn: RunsOn;
  /** Whether job.pause holds it at its next step (otherwise a pause request answers supported: false). */
  pausable: boolean;
  /**
   * What a progress output is: 'snapshot' (the whole result so far; a newer one replaces it, so a connection may
   * send only the latest) or 'record' (one point, step or cell of its own; every one is delivered).
   */
  progress: ProgressKind;
  /** How a partial result becomes a progress output. */
  summarize(partial: P, env: JobEnv): JobOutputOf<K>;
  /** Run checked params; partial results go to `emit`; resolves with the done output. */
  run(params: C, env: JobEnv, emit: (partial: P) => void, controls: JobControls): Promise<JobOutputOf<K>>;
  cli: JobCli<K, C>;
}

/** Identity with the type check: every field required. */
export function defineJob<K extends JobKind, C, P>(def: JobDefinition<K, C, P>): JobDefinition<K, C, P> {
  return def;
}

/**
 * A kind's parameter check: `check` throws a plain error naming the field (the contract's parse, a work limit), which
 * reaches the client as LabServiceError('refused') with the same message.
 */
export function refuseOnError<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    throw new LabServiceError('refused', err instanceof Error ? err.message : String(err));
  }
}
