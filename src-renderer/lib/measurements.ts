// Measured points for the UI: debounced, superseding jobs on named channels (Seleznova & Kutyniok 2022, App. C.3
// estimates come
// from the engine). A new request cancels the previous one on the same channel; results are never invented —
// a point is either a real (partial or final) MeasureResult or an error/cancelled state.
import type { MeasureParamsInput, MeasureResult } from '../../src-shared/contract/measure';
import type { LabClient, MeasureHandle } from './lab-api';
import type { JobLane, JobScheduler, Slot } from './job-scheduler';
import { cancelAll, errorCode, errorMessage, Timers } from './lab-jobs';

export type PointStatus = 'waiting' | 'running' | 'done' | 'error';

export interface MeasuredPoint {
  status: PointStatus;
  /** Latest streamed result (samples grows until done). */
  result?: MeasureResult;
  error?: string;
}

export interface MeasureTarget {
  channel: string;
  params: MeasureParamsInput;
}

/** Stable identity of a request set: equal keys mean nothing to restart. */
function requestKey(targets: readonly MeasureTarget[]): string {
  return JSON.stringify(targets.map((t) => [t.channel, t.params]));
}

export interface MeasureGroupOptions {
  /** Debounce: a request starts this long after the last change; 0 starts it at once (the live cursor). */
  delayMs: number;
  /** Jobs of this group running at once; the rest wait in order. Every job also takes a slot of the scheduler. */
  maxConcurrent?: number;
  /** Names the group's lane in the scheduler. */
  name?: string;
  /** Retries after a 'busy' answer (the cap was momentarily full while cancelled jobs were winding down). */
  refusedRetries?: number;
  retryDelayMs?: number;
}

/**
 * A set of measurements that is replaced as a whole (the cursor: one target; a slice: 10–15 targets).
 * `request()` debounces, cancels whatever is running, then runs the targets on their channels, at most
 * `maxConcurrent` at a time and each only once the scheduler grants it a slot.
 */
export class MeasureGroup {
  #handles = new Set<MeasureHandle>();
  #timers = new Timers();
  #key = '';
  #generation = 0;
  #points: MeasuredPoint[] = [];
  readonly #opts: Required<Omit<MeasureGroupOptions, 'maxConcurrent' | 'name'>>;
  readonly #lane: JobLane;

  constructor(
    private readonly lab: LabClient,
    scheduler: JobScheduler,
    opts: MeasureGroupOptions,
    private readonly onChange: (points: readonly MeasuredPoint[]) => void,
  ) {
    this.#opts = { refusedRetries: 3, retryDelayMs: 400, ...opts };
    this.#lane = scheduler.lane({ name: opts.name ?? 'measurements', max: opts.maxConcurrent });
  }

  get points(): readonly MeasuredPoint[] {
    return this.#points;
  }

  /** Replace the targets. Same targets as now: nothing happens (a finished result stays). */
  request(targets: readonly MeasureTarget[]): void {
    const key = requestKey(targets);
    if (key === this.#key) return;
    this.#key = key;
    this.#stop();
    const generation = ++this.#generation;
    // a drag re-requests on every move: points that are all waiting already stay the same array (no redraw)
    const unchanged =
      this.#points.length === targets.length && this.#points.every((p) => p.status === 'waiting' && !p.result);
    if (!unchanged) {
      this.#points = targets.map(() => ({ status: 'waiting' }));
      this.onChange(this.#points);
    }
    if (targets.length === 0) return;
    if (this.#opts.delayMs <= 0) this.#run(targets, generation);
    else this.#timers.later(this.#opts.delayMs, () => this.#run(targets, generation));
  }

  /** Cancel everything and forget the targets. */
  clear(): void {
    this.request([]);
  }

  dispose(): void {
    this.#key = '';
    this.#generation++;
    this.#stop();
    this.#lane.close();
  }

  #stop(): void {
    this.#timers.clear();
    this.#lane.withdrawAll();
    cancelAll(this.#handles);
  }

  #set(generation: number, index: number, point: MeasuredPoint): void {
    if (generation !== this.#generation) return; // a late message from a superseded job
    this.#points = this.#points.map((p, i) => (i === index ? point : p));
    this.onChange(this.#points);
  }

  #run(targets: readonly MeasureTarget[], generation: number): void {
    const launch = (index: number, retries: number, slot: Slot): void => {
      if (generation !== this.#generation) return slot.release(); // superseded while it waited
      const t = targets[index];
      let handle: MeasureHandle;
      try {
        handle = this.lab.measure(t.params, {
          channel: t.channel,
          onProgress: (r) => this.#set(generation, index, { status: r.done ? 'done' : 'running', result: r }),
        });
      } catch (err) {
        slot.release();
        this.#set(generation, index, { status: 'error', error: (err as Error).message });
        return;
      }
      this.#handles.add(handle);
      if (this.#points[index]?.status === 'waiting') this.#set(generation, index, { status: 'running' });
      handle.done.then(
        (r) => {
          this.#handles.delete(handle);
          this.#set(generation, index, { status: 'done', result: r });
        },
        (err: unknown) => {
          this.#handles.delete(handle);
          if (generation !== this.#generation) return; // cancelled by us: a newer request owns the slots
          // 'busy': the lab's per-connection cap was full (cancelled jobs still winding down there): ask again
          // (the slot is kept for the retry: starting another job of ours now would meet the same answer)
          if (errorCode(err) === 'busy' && retries > 0) {
            slot.keep();
            return this.#timers.later(
              this.#opts.retryDelayMs,
              () => launch(index, retries - 1, slot),
              () => slot.release(),
            );
          }
          if (errorCode(err) !== 'cancelled') {
            const last = this.#points[index]?.result;
            this.#set(generation, index, { status: 'error', error: errorMessage(err), result: last });
          }
        },
      );
      slot.releaseWhen(handle.done); // after the handlers above: a retry keeps the slot
    };
    targets.forEach((_, index) => this.#lane.request((slot) => launch(index, this.#opts.refusedRetries, slot)));
  }
}
