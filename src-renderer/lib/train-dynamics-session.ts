// The Training dynamics session: the planned runs one after another through the lab (the TF worker runs one training
// job at a time anyway), each on a slot of the job scheduler, with pause, resume and cancel.
import type { TrainDynamicsParams, TrainDynamicsRecord } from '../../src-shared/contract/train-dynamics';
import type { JobOutput } from '../../src-shared/contract/messages';
import type { LabClient, PausableJobHandle } from './lab-api';
import type { JobLane, JobScheduler, Slot } from './job-scheduler';
import { errorCode, errorMessage } from './lab-jobs';
import type { PlannedRun } from './train-dynamics-view';

// ---------------------------------------------------------------------------------------------------------
// The session: runs one after another, with pause, resume and cancel

export type RunStatus = 'queued' | 'running' | 'paused' | 'done' | 'diverged' | 'cancelled' | 'failed';
export type SessionStatus = 'idle' | 'running' | 'paused' | 'cancelled' | 'done' | 'failed';

/** One σ_w²'s run as the UI sees it. Immutable: every change makes a new RunState. */
export class RunState {
  constructor(
    readonly sigmaW2: number,
    readonly params: TrainDynamicsParams,
    readonly status: RunStatus = 'queued',
    readonly records: readonly TrainDynamicsRecord[] = [],
    readonly backend: string | null = null,
    readonly error: string | null = null,
    /** Wall ms (session clock) when the last record arrived. */
    readonly lastRecordMs: number | null = null,
    /** Pauses: [start, end] wall ms (end null while paused), with the record count when each began. */
    readonly pauses: readonly { startMs: number; endMs: number | null; afterRecords: number }[] = [],
  ) {}

  with(
    change: Partial<Pick<RunState, 'status' | 'records' | 'backend' | 'error' | 'lastRecordMs' | 'pauses'>>,
  ): RunState {
    return new RunState(
      this.sigmaW2,
      this.params,
      change.status ?? this.status,
      change.records ?? this.records,
      change.backend !== undefined ? change.backend : this.backend,
      change.error !== undefined ? change.error : this.error,
      change.lastRecordMs !== undefined ? change.lastRecordMs : this.lastRecordMs,
      change.pauses ?? this.pauses,
    );
  }

  /**
   * Seconds paused between records k0 and k1 (pauses that began after record k0 and ended before record k1 arrived).
   */
  pausedSecondsBetween(k0: number, k1: number): number {
    let ms = 0;
    for (const p of this.pauses)
      if (p.afterRecords > k0 && p.afterRecords <= k1 && p.endMs !== null) ms += p.endMs - p.startMs;
    return ms / 1000;
  }

  /** Ms paused since the last record arrived (up to `nowMs` for a pause still on). */
  pausedMsSince(nowMs: number): number {
    let ms = 0;
    for (const p of this.pauses) if (p.afterRecords === this.records.length) ms += (p.endMs ?? nowMs) - p.startMs;
    return ms;
  }

  /** The step of the diverged record, if the run diverged. */
  get divergedAt(): number | null {
    const last = this.records[this.records.length - 1];
    return last?.diverged ? last.step : null;
  }
}

export interface SessionSnapshot {
  status: SessionStatus;
  runs: readonly RunState[];
  /** Index of the run in progress (running or paused), else null. */
  current: number | null;
  /** Why the session failed (also on the failed run). */
  error: string | null;
}

export interface SessionOptions {
  /** Wall clock in ms (tests inject one). */
  now?: () => number;
  /** The lab channel of the session's jobs. */
  channel?: string;
}

export const TRAIN_CHANNEL = 'train-dynamics';

/**
 * Runs the planned σ_w² one after another through lab.job({ kind: 'train-dynamics' }). States: idle → running ⇄
 * paused → done | cancelled | failed. Cancel keeps every record already in; a run that fails (or diverges) does not
 * stop the others; the session ends 'failed' if any run failed. While paused, a run that ends does not start the next.
 */
export class TrainSession {
  #runs: RunState[];
  #status: SessionStatus = 'idle';
  #current: number | null = null;
  #error: string | null = null;
  #handle: PausableJobHandle<JobOutput> | null = null;
  #disposed = false;
  readonly #now: () => number;
  readonly #channel: string;
  /** One run at a time, each on a slot of the job scheduler. */
  readonly #lane: JobLane;

  constructor(
    private readonly lab: LabClient,
    scheduler: JobScheduler,
    plan: readonly PlannedRun[],
    private readonly onChange: (s: SessionSnapshot) => void,
    opts: SessionOptions = {},
  ) {
    if (plan.length === 0) throw new RangeError('a training session needs at least one run');
    this.#runs = plan.map((r) => new RunState(r.sigmaW2, r.params));
    this.#now = opts.now ?? (() => Date.now());
    this.#channel = opts.channel ?? TRAIN_CHANNEL;
    this.#lane = scheduler.lane({ name: 'train-dynamics', max: 1 });
  }

  get snapshot(): SessionSnapshot {
    return { status: this.#status, runs: this.#runs, current: this.#current, error: this.#error };
  }

  start(): void {
    if (this.#status !== 'idle') return;
    this.#status = 'running';
    this.#next();
  }

  /** Pause the running job at its next step; resolves false (and stays running) if the lab could not. */
  async pause(): Promise<boolean> {
    if (this.#status !== 'running') return false;
    const i = this.#current;
    this.#status = 'paused';
    if (i !== null)
      this.#update(i, (r) =>
        r.with({
          status: 'paused',
          pauses: [...r.pauses, { startMs: this.#now(), endMs: null, afterRecords: r.records.length }],
        }),
      );
    else this.#emit();
    const handle = this.#handle;
    if (!handle) return true;
    let ok: boolean;
    try {
      ok = await handle.pause(true);
    } catch {
      ok = false;
    }
    if (!ok && this.#status === 'paused' && this.#handle === handle) {
      this.#status = 'running';
      if (i !== null) this.#update(i, (r) => r.with({ status: 'running', pauses: r.pauses.slice(0, -1) }));
    }
    return ok;
  }

  async resume(): Promise<boolean> {
    if (this.#status !== 'paused') return false;
    this.#status = 'running';
    const i = this.#current;
    if (i === null) {
      this.#next(); // paused between runs: start the next one
      return true;
    }
    this.#update(i, (r) =>
      r.with({ status: 'running', pauses: r.pauses.map((p) => (p.endMs === null ? { ...p, endMs: this.#now() } : p)) }),
    );
    const handle = this.#handle;
    if (!handle) return true;
    try {
      return await handle.pause(false);
    } catch {
      return false;
    }
  }

  /** Stop: the current job is cancelled, queued runs never start; every record already in stays. */
  cancel(): void {
    if (this.#status !== 'running' && this.#status !== 'paused') return;
    this.#status = 'cancelled';
    const handle = this.#handle;
    this.#handle = null; // first: its rejection must find itself no longer ours
    const now = this.#now();
    this.#runs = this.#runs.map((r) =>
      r.status === 'running' || r.status === 'paused' || r.status === 'queued'
        ? r.with({ status: 'cancelled', pauses: r.pauses.map((p) => (p.endMs === null ? { ...p, endMs: now } : p)) })
        : r,
    );
    this.#current = null;
    this.#lane.close();
    handle?.cancel();
    this.#emit();
  }

  /** Cancel without reporting (the panel is going away). */
  dispose(): void {
    this.#disposed = true;
    this.#lane.close();
    const handle = this.#handle;
    this.#handle = null;
    handle?.cancel();
  }

  #emit(): void {
    if (!this.#disposed) this.onChange(this.snapshot);
  }

  #update(i: number, f: (r: RunState) => RunState): void {
    this.#runs = this.#runs.map((r, k) => (k === i ? f(r) : r));
    this.#emit();
  }

  #next(): void {
    const i = this.#runs.findIndex((r) => r.status === 'queued');
    if (i < 0) {
      this.#current = null;
      const failed = this.#runs.find((r) => r.status === 'failed');
      this.#status = failed ? 'failed' : 'done';
      this.#error = failed ? `σ_w² = ${failed.sigmaW2}: ${failed.error}` : null;
      this.#lane.close();
      this.#emit();
      return;
    }
    this.#current = i;
    this.#lane.request((slot) => this.#start(i, slot));
  }

  #start(i: number, slot: Slot): void {
    if (this.#disposed || this.#current !== i || (this.#status !== 'running' && this.#status !== 'paused'))
      return slot.release();
    const run = this.#runs[i];
    let handle: PausableJobHandle<JobOutput>;
    try {
      handle = this.lab.job(
        { kind: 'train-dynamics', params: run.params },
        {
          channel: this.#channel,
          onProgress: (o) => {
            if (this.#handle !== handle || o.kind !== 'train-dynamics' || !o.record) return;
            const record = o.record;
            this.#update(i, (r) =>
              r.with({ records: [...r.records, record], backend: o.backend, lastRecordMs: this.#now() }),
            );
          },
        },
      );
    } catch (err) {
      slot.release();
      this.#finish(i, 'failed', errorMessage(err));
      return;
    }
    slot.releaseWhen(handle.done);
    this.#handle = handle;
    // paused while it waited for a slot: the job holds at its first step until Resume
    if (this.#status === 'paused') handle.pause(true).catch(() => undefined);
    this.#update(i, (r) => r.with({ status: 'running' }));
    handle.done.then(
      (o) => {
        if (this.#handle !== handle) return;
        this.#handle = null;
        if (o.kind !== 'train-dynamics')
          return this.#finish(i, 'failed', `the lab answered a training job with ${o.kind} output`);
        this.#finish(i, this.#runs[i].divergedAt !== null ? 'diverged' : 'done', null, o.backend);
      },
      (err: unknown) => {
        if (this.#handle !== handle) return; // cancelled by us, or superseded by a newer session
        this.#handle = null;
        if (errorCode(err) === 'cancelled') {
          // cancelled by someone else (a job on our channel): the session stops like a Cancel
          this.cancel();
          this.#update(i, (r) => r.with({ error: errorMessage(err) }));
          return;
        }
        this.#finish(i, 'failed', errorMessage(err));
      },
    );
  }

  #finish(i: number, status: RunStatus, error: string | null, backend?: string): void {
    const now = this.#now();
    this.#runs = this.#runs.map((r, k) =>
      k === i
        ? r.with({ status, error, backend, pauses: r.pauses.map((p) => (p.endMs === null ? { ...p, endMs: now } : p)) })
        : r,
    );
    this.#current = null;
    if (this.#status === 'paused') {
      this.#emit(); // stays paused: Resume starts the next run
      if (!this.#runs.some((r) => r.status === 'queued')) {
        this.#status = 'running';
        this.#next();
      }
      return;
    }
    this.#next();
  }
}
