// Runs the measured layer's schedule (measured-layer.ts) on a LabClient: coarse cells first, each job on a slot of the
// job scheduler, at most LAYER_MAX_IN_FLIGHT at once. The layer is the scheduler's preemptible lane: when the cursor or
// a slice waits for a slot, the layer cancels its newest job and measures it again later.
import type { MeasureResult } from '../../src-shared/contract/measure';
import { predictPoint } from '../../src-shared/theory';
import type { LabClient, MeasureHandle } from './lab-api';
import type { JobLane, JobScheduler, Slot } from './job-scheduler';
import { cancelAll, errorCode, errorMessage, Timers } from './lab-jobs';
import {
  isFinished,
  jobParams,
  layerSchedule,
  type JobOutcome,
  type LayerConfig,
  type LayerSchedule,
  type LayerView,
} from './measured-layer';

/** Jobs in flight at most: more only adds progress summaries for the service's main thread to compute. */
const LAYER_MAX_IN_FLIGHT = 6;

/** 'busy': the lab's job cap is momentarily full (retry later); 'refused' is final (src-main/service/connection.ts). */
export function isCapacityRefusal(err: unknown): boolean {
  return errorCode(err) === 'busy';
}

export interface LayerRunnerOptions {
  /** Jobs in flight at most (further bounded by the slots the scheduler grants). Default LAYER_MAX_IN_FLIGHT. */
  maxInFlight?: number;
  /** A new configuration starts this long after the last change (typing 3 → 30 measures only M = 30). */
  delayMs?: number;
  /** After a capacity refusal with nothing of ours running: wait this long before trying again. */
  retryDelayMs?: number;
}

/**
 * Runs a layer's jobs on a LabClient, coarse first, at most min(maxInFlight, granted slots) at once. configure() with
 * a new configuration cancels everything outstanding and starts over; configure(null) switches the layer off.
 */
export class MeasuredLayerRunner {
  readonly #opts: Required<LayerRunnerOptions>;
  readonly #lane: JobLane;
  #key = '';
  #generation = 0;
  #schedule: LayerSchedule | null = null;
  #outcomes: JobOutcome[] = [];
  #next = 0;
  /** Jobs handed back (capacity refusal, pre-emption); launched before #next. */
  #requeued: number[] = [];
  /** Running jobs in launch order. */
  #running = new Map<number, MeasureHandle>();
  /** Slots the lab seems to have left for us: shrinks on a capacity refusal, grows by one per landed job. */
  #capacityHint: number;
  #started = false;
  #waiting = false;
  #halted: string | null = null;
  #timers = new Timers();
  #cellsDone = 0;
  #cellsFailed = 0;
  #firstUnfinished = 0;
  #version = 0;

  constructor(
    private readonly lab: LabClient,
    scheduler: JobScheduler,
    private readonly onChange: (view: LayerView) => void,
    opts: LayerRunnerOptions = {},
  ) {
    this.#opts = { maxInFlight: LAYER_MAX_IN_FLIGHT, delayMs: 400, retryDelayMs: 300, ...opts };
    const max = this.#opts.maxInFlight;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxInFlight must be an integer ≥ 1 (got ${max})`);
    this.#capacityHint = max;
    this.#lane = scheduler.lane({ name: 'measured-layer', max, onPreempt: () => this.#yieldOne() });
  }

  get view(): LayerView {
    const s = this.#schedule;
    while (s && this.#firstUnfinished < s.jobs.length && isFinished(this.#outcomes[this.#firstUnfinished]))
      this.#firstUnfinished++;
    return {
      version: this.#version,
      schedule: s,
      outcomes: this.#outcomes,
      cellsDone: this.#cellsDone,
      cellsFailed: this.#cellsFailed,
      cellsPlanned: s ? s.cells.length : 0,
      running: this.#running.size,
      level: s && this.#firstUnfinished < s.jobs.length ? s.jobs[this.#firstUnfinished].level : null,
      halted: this.#halted,
    };
  }

  /**
   * Switch the layer to `config` (null: off). The same configuration again changes nothing. Bad values throw a
   * RangeError.
   */
  configure(config: LayerConfig | null): void {
    if (config === null) {
      if (this.#key === '' && this.#schedule === null) return;
      this.#reset();
      this.#key = '';
      this.#schedule = null;
      this.#outcomes = [];
      this.#emit();
      return;
    }
    const schedule = layerSchedule(config); // validates before anything is cancelled
    const key = JSON.stringify([config.width, config.inputDim, config.samples, config.seed, config.levels]);
    if (key === this.#key) return;
    this.#reset();
    this.#key = key;
    this.#schedule = schedule;
    this.#outcomes = schedule.jobs.map(() => ({ status: 'queued' }));
    this.#emit();
    const generation = this.#generation;
    this.#timers.later(this.#opts.delayMs, () => {
      if (generation !== this.#generation) return;
      this.#started = true;
      this.#pump();
    });
  }

  /** Cancel everything; no further callbacks. */
  dispose(): void {
    this.#reset();
    this.#lane.close();
    this.#key = '';
    this.#schedule = null;
  }

  /** The scheduler asks for a slot back: cancel the newest running job and queue it again. */
  #yieldOne(): void {
    const newest = [...this.#running.keys()].pop();
    if (newest === undefined) return;
    const handle = this.#running.get(newest)!;
    this.#running.delete(newest); // before cancel(): its rejection must find the job no longer ours
    this.#outcomes[newest] = { status: 'queued' };
    this.#requeued.push(newest);
    handle.cancel(); // its slot comes back when the handle settles
    this.#emit();
    this.#pump();
  }

  #reset(): void {
    this.#generation++;
    this.#timers.clear();
    this.#lane.withdrawAll();
    cancelAll(this.#running);
    this.#next = 0;
    this.#requeued = [];
    this.#capacityHint = this.#opts.maxInFlight;
    this.#started = false;
    this.#waiting = false;
    this.#halted = null;
    this.#cellsDone = 0;
    this.#cellsFailed = 0;
    this.#firstUnfinished = 0;
  }

  #emit(): void {
    this.#version++;
    this.onChange(this.view);
  }

  /** Jobs not running and not finished: handed back ones and those never started. */
  #left(): number {
    const s = this.#schedule;
    return this.#requeued.length + (s ? s.jobs.length - this.#next : 0);
  }

  #take(): number | undefined {
    if (this.#requeued.length > 0) {
      // the coarsest handed-back job first
      let best = 0;
      for (let k = 1; k < this.#requeued.length; k++) if (this.#requeued[k] < this.#requeued[best]) best = k;
      return this.#requeued.splice(best, 1)[0];
    }
    const s = this.#schedule;
    return s && this.#next < s.jobs.length ? this.#next++ : undefined;
  }

  /** Ask the scheduler for as many slots as there are jobs to run, within our own limits. */
  #pump(): void {
    if (!this.#schedule || !this.#started || this.#halted !== null || this.#waiting) return;
    const limit = Math.min(this.#opts.maxInFlight, this.#capacityHint);
    const generation = this.#generation;
    while (this.#running.size + this.#lane.waiting < limit && this.#lane.waiting < this.#left()) {
      this.#lane.request((slot) => this.#granted(generation, slot));
    }
  }

  #granted(generation: number, slot: Slot): void {
    const s = this.#schedule;
    const job = generation === this.#generation && s && this.#halted === null ? this.#take() : undefined;
    if (job === undefined) return slot.release();
    this.#launch(s!, job, slot);
    this.#emit();
  }

  #launch(s: LayerSchedule, index: number, slot: Slot): void {
    const generation = this.#generation;
    let handle: MeasureHandle;
    try {
      handle = this.lab.measure(jobParams(s, s.jobs[index]));
    } catch (err) {
      slot.release();
      this.#fail(index, errorMessage(err));
      return;
    }
    this.#running.set(index, handle);
    this.#outcomes[index] = { status: 'running' };
    handle.done.then(
      (r) => this.#settle(generation, index, handle, r, undefined),
      (err: unknown) => this.#settle(generation, index, handle, undefined, err),
    );
    slot.releaseWhen(handle.done); // after #settle: a lost connection halts before the slot goes to anyone
  }

  #settle(
    generation: number,
    index: number,
    handle: MeasureHandle,
    result: MeasureResult | undefined,
    err: unknown,
  ): void {
    // superseded (new configuration, switched off) or pre-empted: not ours any more
    if (generation !== this.#generation || this.#running.get(index) !== handle) return;
    this.#running.delete(index);
    if (result) {
      this.#land(index, result);
      this.#capacityHint = Math.min(this.#opts.maxInFlight, this.#capacityHint + 1);
    } else if (isCapacityRefusal(err)) {
      this.#outcomes[index] = { status: 'queued' };
      this.#requeued.push(index);
      this.#capacityHint = Math.max(1, this.#running.size);
      if (this.#running.size === 0) {
        // nothing of ours will land to free a slot: ask again a little later
        this.#waiting = true;
        this.#lane.withdrawAll();
        this.#timers.later(this.#opts.retryDelayMs, () => {
          if (generation !== this.#generation) return;
          this.#waiting = false;
          this.#pump();
        });
      }
    } else if (errorCode(err) === 'disconnected') {
      this.#halt(errorMessage(err));
      return;
    } else {
      this.#fail(index, errorMessage(err));
    }
    this.#emit();
    this.#pump();
  }

  #land(index: number, r: MeasureResult): void {
    const s = this.#schedule!;
    if (!(Number.isFinite(r.dispersion.estimate) && Number.isFinite(r.dispersion.stderr))) {
      this.#fail(index, 'the lab returned a non-finite dispersion estimate');
      return;
    }
    const job = s.jobs[index];
    let predicted = { finite: Number.NaN, limit: Number.NaN };
    try {
      const p = predictPoint({
        sigmaW2: job.sigmaW2,
        depth: job.depth,
        width: s.config.width,
        inputDim: s.config.inputDim,
      });
      predicted = { finite: p.dispersion.finite, limit: p.dispersion.limit };
    } catch {
      // the theory refuses this network: the ratio stays undefined (drawn grey), the measurement stands
    }
    this.#outcomes[index] = { status: 'done', result: r, predicted };
    this.#cellsDone += job.cells.length;
  }

  #fail(index: number, error: string): void {
    this.#outcomes[index] = { status: 'failed', error };
    this.#cellsFailed += this.#schedule!.jobs[index].cells.length;
  }

  #halt(reason: string): void {
    const handles = [...this.#running.entries()];
    this.#running.clear();
    this.#lane.withdrawAll();
    for (const [job, h] of handles) {
      this.#outcomes[job] = { status: 'queued' };
      h.cancel();
    }
    this.#halted = reason;
    this.#emit();
  }
}
