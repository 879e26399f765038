// Runs a paper-figure preset's job list through the lab: at most `maxConcurrent` jobs at once (each with a slot from
// the job scheduler), each on its own
// channel preset-<index>, with progress (jobs, networks, elapsed, ETA from the measured throughput) and a Cancel
// that stops every in-flight job while finished points stay. Also the figure's CSV/JSON builders (pure).
// No DOM here: the bench (bench/presets.ts) drives the same queue against an in-process LabService, and it is
// typechecked without DOM types (tsconfig.node.json), so the CSV/JSON helpers come from plots/export-data.ts (the
// pure half of plots/export.ts).
import type { MeasureResult } from '../../src-shared/contract/measure';
import {
  jobCostSeconds,
  measuredEstimate,
  type ExpandOptions,
  type PresetDefinition,
  type PresetExpansion,
  type PresetJob,
} from '../../src-shared/presets';
import { APP_NAME, toCsv } from '../plots/export-data';
import type { LabClient, MeasureHandle } from './lab-api';
import type { JobLane, JobScheduler, Slot } from './job-scheduler';
import { cancelAll, errorCode, errorMessage, Timers } from './lab-jobs';

export type JobStatus = 'waiting' | 'running' | 'done' | 'error' | 'cancelled';

export interface JobState {
  status: JobStatus;
  /** Latest result (partial while running; kept after a cancel, but only 'done' points are plotted or exported). */
  result?: MeasureResult;
  error?: string;
}

export type RunStatus = 'idle' | 'running' | 'finished' | 'cancelled';

export interface RunProgress {
  status: RunStatus;
  jobsTotal: number;
  jobsDone: number;
  jobsRunning: number;
  jobsFailed: number;
  /** Networks sampled so far (partial results included). */
  networks: number;
  networksTotal: number;
  elapsedMs: number;
  /**
   * Remaining time from the throughput measured so far (null until something has been measured, or when not running).
   */
  etaMs: number | null;
}

export interface PresetRunnerOptions {
  /** Jobs at once (further bounded by the slots the scheduler grants; other panels share them). Default 6. */
  maxConcurrent?: number;
  /** Retries of a job the lab refused because the per-connection cap was momentarily full. Default 60. */
  refusedRetries?: number;
  retryDelayMs?: number;
  /**
   * Coalesce onChange calls to at most one per interval while jobs stream (state changes of the run itself are
   * immediate). Default 100 ms.
   */
  notifyIntervalMs?: number;
  /** Clock for elapsed/ETA (tests inject one). */
  now?: () => number;
}

const PRESET_MAX_CONCURRENT = 6;

/**
 * Jobs to keep in flight for `workers` engine workers: one per worker (each job's blocks already spread over every
 * worker), at most PRESET_MAX_CONCURRENT (6). More does not sample faster: every running job also streams progress
 * summaries, which the
 * service computes on its main thread, and on a 2-core machine that thread competes with the workers (bench/presets.ts:
 * Fig. 1 took ≈ 21–25 s with 2 jobs in flight and ≈ 36 s with 6).
 */
export function presetConcurrency(workers: number): number {
  if (!Number.isInteger(workers) || workers < 1) return 2;
  return Math.min(PRESET_MAX_CONCURRENT, Math.max(2, workers));
}

export class PresetRunner {
  readonly jobs: readonly PresetJob[];
  #states: JobState[];
  #status: RunStatus = 'idle';
  #handles = new Map<number, MeasureHandle>();
  #timers = new Timers();
  #notifyTimer: ReturnType<typeof setTimeout> | undefined;
  /** Jobs waiting for a slot. */
  #queue = new Set<number>();
  /** Jobs granted a slot and not settled (a 'busy' retry counts while it waits). */
  #running = 0;
  readonly #lane: JobLane;
  #startedAt = 0;
  #stoppedAt = 0;
  readonly #costs: number[];
  readonly #opts: Required<Omit<PresetRunnerOptions, 'now'>> & { now: () => number };

  constructor(
    private readonly lab: LabClient,
    scheduler: JobScheduler,
    jobs: readonly PresetJob[],
    private readonly onChange: (runner: PresetRunner) => void,
    opts: PresetRunnerOptions = {},
  ) {
    this.jobs = jobs;
    this.#states = jobs.map(() => ({ status: 'waiting' }));
    this.#costs = jobs.map((j) => jobCostSeconds(j.params));
    this.#opts = {
      maxConcurrent: PRESET_MAX_CONCURRENT,
      refusedRetries: 60,
      retryDelayMs: 300,
      notifyIntervalMs: 100,
      now: () => performance.now(),
      ...opts,
    };
    const mc = this.#opts.maxConcurrent;
    if (!Number.isInteger(mc) || mc < 1)
      throw new RangeError(`maxConcurrent must be an integer ≥ 1, got ${String(mc)}`);
    this.#lane = scheduler.lane({ name: 'preset', max: mc });
  }

  get status(): RunStatus {
    return this.#status;
  }

  /** Per-job state, aligned with `jobs`. A new array after every change. */
  get states(): readonly JobState[] {
    return this.#states;
  }

  start(): void {
    if (this.#status !== 'idle') throw new Error(`a preset run can start once (it is ${this.#status})`);
    this.#status = 'running';
    this.#startedAt = this.#opts.now();
    this.#queue = new Set(this.jobs.map((_, i) => i));
    for (const index of [...this.#queue]) this.#lane.request((slot) => this.#granted(index, slot));
    this.#finishIfDone();
    this.#notify(true);
  }

  /** Cancel every in-flight job and drop the queue; finished points stay. */
  cancel(): void {
    if (this.#status !== 'running') return;
    this.#status = 'cancelled';
    this.#stoppedAt = this.#opts.now();
    this.#queue.clear();
    this.#lane.close();
    this.#timers.clear();
    this.#states = this.#states.map((s) =>
      s.status === 'waiting' || s.status === 'running' ? { ...s, status: 'cancelled' } : s,
    );
    cancelAll(this.#handles);
    this.#notify(true);
  }

  progress(): RunProgress {
    let jobsDone = 0,
      jobsRunning = 0,
      jobsFailed = 0,
      networks = 0,
      networksTotal = 0;
    let costDone = 0,
      costLeft = 0;
    this.#states.forEach((s, i) => {
      const requested = this.jobs[i].params.samples;
      networksTotal += requested;
      const got = s.result?.samples ?? 0;
      networks += got;
      if (s.status === 'done') {
        jobsDone++;
        costDone += this.#costs[i];
      } else {
        if (s.status === 'running') jobsRunning++;
        if (s.status === 'error') jobsFailed++;
        const part = this.#costs[i] * Math.min(1, got / requested);
        costDone += part;
        if (s.status === 'running' || s.status === 'waiting') costLeft += this.#costs[i] - part;
      }
    });
    const end = this.#status === 'running' ? this.#opts.now() : this.#stoppedAt;
    const elapsedMs = this.#status === 'idle' ? 0 : Math.max(0, end - this.#startedAt);
    // throughput in model-seconds per wall-second: corrects the cost model's constants for this machine and load
    const etaMs =
      this.#status === 'running' && costDone > 0 && elapsedMs > 0 ? (costLeft * elapsedMs) / costDone : null;
    return {
      status: this.#status,
      jobsTotal: this.jobs.length,
      jobsDone,
      jobsRunning,
      jobsFailed,
      networks,
      networksTotal,
      elapsedMs,
      etaMs,
    };
  }

  #set(index: number, state: JobState): void {
    this.#states = this.#states.map((s, i) => (i === index ? state : s));
  }

  #notify(now = false): void {
    if (now) {
      if (this.#notifyTimer !== undefined) clearTimeout(this.#notifyTimer);
      this.#notifyTimer = undefined;
      this.onChange(this);
      return;
    }
    if (this.#notifyTimer !== undefined) return;
    this.#notifyTimer = setTimeout(() => {
      this.#notifyTimer = undefined;
      this.onChange(this);
    }, this.#opts.notifyIntervalMs);
  }

  #granted(index: number, slot: Slot): void {
    if (this.#status !== 'running' || !this.#queue.delete(index)) return slot.release();
    this.#running++;
    this.#launch(index, this.#opts.refusedRetries, slot);
  }

  #finishIfDone(): void {
    if (this.#status !== 'running' || this.#running > 0 || this.#queue.size > 0) return;
    this.#status = 'finished';
    this.#stoppedAt = this.#opts.now();
    this.#lane.close();
  }

  #settled(): void {
    this.#running--;
    const before = this.#status;
    this.#finishIfDone();
    this.#notify(this.#status !== before);
  }

  #launch(index: number, retries: number, slot: Slot): void {
    if (this.#status !== 'running') {
      slot.release();
      return this.#settled();
    }
    const job = this.jobs[index];
    let handle: MeasureHandle;
    try {
      handle = this.lab.measure(job.params, {
        channel: `preset-${job.index}`,
        onProgress: (r) => {
          if (this.#status !== 'running' || this.#handles.get(index) !== handle) return;
          this.#set(index, { status: 'running', result: r });
          this.#notify();
        },
      });
    } catch (err) {
      slot.release();
      this.#set(index, { status: 'error', error: errorMessage(err) });
      return this.#settled();
    }
    this.#handles.set(index, handle);
    if (this.#states[index].status === 'waiting') {
      this.#set(index, { status: 'running' });
      this.#notify();
    }
    handle.done.then(
      (r) => {
        if (this.#handles.get(index) !== handle) return; // cancelled: cancel() already settled the state
        this.#handles.delete(index);
        this.#set(index, { status: 'done', result: r });
        this.#settled();
      },
      (err: unknown) => {
        if (this.#handles.get(index) !== handle) return;
        this.#handles.delete(index);
        if (errorCode(err) === 'busy' && retries > 0 && this.#status === 'running') {
          slot.keep(); // for the retry: starting another job now would meet the same answer
          this.#timers.later(
            this.#opts.retryDelayMs,
            () => this.#launch(index, retries - 1, slot),
            () => slot.release(),
          );
          return;
        }
        const last = this.#states[index].result;
        this.#set(index, {
          status: errorCode(err) === 'cancelled' ? 'cancelled' : 'error',
          error: errorMessage(err),
          result: last,
        });
        // a lost connection fails every job that follows: stop here, keeping what is finished
        if (errorCode(err) === 'disconnected') return this.cancel();
        this.#settled();
      },
    );
    slot.releaseWhen(handle.done); // after the handlers above: a retry keeps the slot
  }
}

// ---------------------------------------------------------------------------------------------------------
// Export builders (pure)

export const PRESET_CSV_HEADER = [
  'preset',
  'figure',
  'quantity',
  'panel',
  'series',
  'sigmaW2',
  'pairCos',
  'width',
  'inputDim',
  'alpha0',
  'depth',
  'depthToWidth',
  'samples',
  'seed',
  'estimate',
  'stderr',
  'theory',
  'meanTheta',
  'meanThetaStderr',
  'tailShare',
  'seconds',
] as const;

/** One row per measured (finished) point, in job order. stderr is empty where the engine reports none. */
export function presetCsv(def: PresetDefinition, expansion: PresetExpansion, states: readonly JobState[]): string {
  if (states.length !== expansion.jobs.length)
    throw new RangeError(`${states.length} job states for ${expansion.jobs.length} jobs`);
  function* rows() {
    for (const job of expansion.jobs) {
      const s = states[job.index];
      if (s.status !== 'done' || !s.result) continue;
      const r = s.result;
      const est = measuredEstimate(def.quantity, r, job);
      const p = job.params;
      yield [
        def.id,
        def.figure,
        def.quantity,
        job.panelId,
        job.seriesId,
        p.sigmaW2,
        p.pairCos ?? null,
        p.width,
        p.inputDim,
        p.inputDim / p.width,
        p.depth,
        p.depth / p.width,
        r.samples,
        r.seed,
        est?.estimate ?? null,
        est?.stderr ?? null,
        job.theory,
        r.meanTheta.estimate,
        r.meanTheta.stderr,
        r.tailShare,
        r.seconds,
      ];
    }
  }
  return toCsv(PRESET_CSV_HEADER, rows());
}

export interface PresetRunMeta {
  version: string;
  options: ExpandOptions;
  progress: RunProgress;
  exportedAt?: string;
}

/** The preset definition (paper setting, our choices), the run's options and every job with its state and result. */
export function presetJson(
  def: PresetDefinition,
  expansion: PresetExpansion,
  states: readonly JobState[],
  meta: PresetRunMeta,
): string {
  const doc = {
    app: APP_NAME,
    version: meta.version,
    preset: def,
    run: {
      options: meta.options,
      status: meta.progress.status,
      jobs: { total: meta.progress.jobsTotal, done: meta.progress.jobsDone, failed: meta.progress.jobsFailed },
      networks: meta.progress.networks,
      elapsedSeconds: meta.progress.elapsedMs / 1000,
    },
    points: expansion.jobs.map((j) => {
      const s = states[j.index];
      return {
        key: j.key,
        panel: j.panelId,
        series: j.seriesId,
        depth: j.depth,
        params: j.params,
        theory: j.theory,
        status: s?.status ?? 'waiting',
        error: s?.error,
        result: s?.result ?? null,
      };
    }),
    theoryCurves: expansion.curves,
    exportedAt: meta.exportedAt ?? new Date().toISOString(),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
