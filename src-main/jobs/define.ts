// One job kind on the main side: everything the service, the workers and the CLI need to know about it. defineJob
// requires every field, so a kind that lacks a piece does not compile; ./index.ts lists one definition per kind of
// src-shared/contract/kinds (a missing one is a type error too).
import type { z } from 'zod';
import type { JobKind, JobOutputOf, JobParamsOf, KindOf } from '../../src-shared/contract/kinds';
import type { PoolWork } from '../engine/pool-work';
import type { WorkerPool } from '../engine/worker-pool';
import type { CliCommandText, CliPrinter, CliRunInfo } from '../cli/job-command';
import type { TensorflowEngine } from '../service/tensorflow';
import type { BackendChoice } from '../tf/backend';
import type { PauseControl } from '../tf/tf-host';
import type { TfTaskName } from '../tf/tasks';

/** What a running job may use; the service owns it. */
export interface JobEnv {
  pool: WorkerPool;
  tf: TensorflowEngine;
  /** Minimum time between progress results of one pool job, ms. */
  progressIntervalMs: number;
  /** Where stored sweeps keep their cells (<dataDir>/sweeps/<identity>). */
  dataDir: string;
  /** Whether method 'dense' goes to TensorFlow.js (LabServiceOptions.denseEngine). */
  denseOnTf(method: 'exact' | 'dense'): boolean;
}

/** Per-run controls. `storeDir` is for in-process callers only (the CLI's --out); no transport can set it. */
export interface JobControls {
  signal?: AbortSignal;
  pause?: PauseControl;
  storeDir?: string;
}

/**
 * Where a kind runs: blocks on the sampling pool (the worker dispatches `work` through engine/block-runners.ts; `tf`
 * names the TensorFlow.js task method 'dense' may go to), or one task in the TensorFlow.js worker (tf/tasks.ts).
 */
export type RunsOn = { engine: 'pool'; work: PoolWork['kind']; tf?: TfTaskName } | { engine: 'tf'; task: TfTaskName };

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
  /** Service options the flags chose (--workers, --backend). */
  service?: { workers?: number; tfBackend?: BackendChoice };
  /** --out: the store directory of a stored sweep. */
  storeDir?: string;
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
  check(params: JobParamsOf<K>): C;
  runsOn: RunsOn;
  /** Whether job.pause holds it at its next step (otherwise a pause request answers supported: false). */
  pausable: boolean;
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
