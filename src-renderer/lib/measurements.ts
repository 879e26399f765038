// Measured points for the UI: debounced, superseding jobs on named channels (seed 004 App. C.3 estimates come
// from the engine). A new request cancels the previous one on the same channel; results are never invented —
// a point is either a real (partial or final) MeasureResult or an error/cancelled state.
import type { MeasureParamsInput, MeasureResult } from '../../src-shared/contract/measure';
import type { LabClient, MeasureHandle } from './lab-api';
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
export function requestKey(targets: readonly MeasureTarget[]): string {
  return JSON.stringify(targets.map((t) => [t.channel, t.params]));
}

export interface MeasureGroupOptions {
  /** Debounce: a request starts this long after the last change. */
  delayMs: number;
  /** Jobs of this group running at once; the rest wait in order (the lab caps running jobs per connection). */
  maxConcurrent?: number;
  /** Retries after a 'busy' answer (the cap was momentarily full while cancelled jobs were winding down). */
  refusedRetries?: number;
  retryDelayMs?: number;
}

/**
 * A set of measurements that is replaced as a whole (the cursor: one target; a slice: 10–15 targets).
 * `request()` debounces, cancels whatever is running, then runs the targets on their channels, at most
 * `maxConcurrent` at a time.
 */
export class MeasureGroup {
  #handles = new Set<MeasureHandle>();
  #timers = new Timers();
  #key = '';
  #generation = 0;
  #points: MeasuredPoint[] = [];
  readonly #opts: Required<MeasureGroupOptions>;

  constructor(
    private readonly lab: LabClient,
    opts: MeasureGroupOptions,
    private readonly onChange: (points: readonly MeasuredPoint[]) => void,
  ) {
    this.#opts = { maxConcurrent: Infinity, refusedRetries: 3, retryDelayMs: 400, ...opts };
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
    this.#points = targets.map(() => ({ status: 'waiting' }));
    this.onChange(this.#points);
    if (targets.length === 0) return;
    this.#timers.later(this.#opts.delayMs, () => this.#run(targets, generation));
  }

  /** Cancel everything and forget the targets. */
  clear(): void {
    this.request([]);
  }

  dispose(): void {
    this.#key = '';
    this.#generation++;
    this.#stop();
  }

  #stop(): void {
    this.#timers.clear();
    cancelAll(this.#handles);
  }

  #set(generation: number, index: number, point: MeasuredPoint): void {
    if (generation !== this.#generation) return; // a late message from a superseded job
    this.#points = this.#points.map((p, i) => (i === index ? point : p));
    this.onChange(this.#points);
  }

  #run(targets: readonly MeasureTarget[], generation: number): void {
    const queue = targets.map((_, i) => i);
    let running = 0;
    const next = (): void => {
      while (generation === this.#generation && running < this.#opts.maxConcurrent && queue.length > 0) {
        running++;
        launch(queue.shift()!, this.#opts.refusedRetries);
      }
    };
    const finished = (): void => {
      running--;
      next();
    };
    const launch = (index: number, retries: number): void => {
      const t = targets[index];
      let handle: MeasureHandle;
      try {
        handle = this.lab.measure(t.params, {
          channel: t.channel,
          onProgress: (r) => this.#set(generation, index, { status: r.done ? 'done' : 'running', result: r }),
        });
      } catch (err) {
        this.#set(generation, index, { status: 'error', error: (err as Error).message });
        return finished();
      }
      this.#handles.add(handle);
      if (this.#points[index]?.status === 'waiting') this.#set(generation, index, { status: 'running' });
      handle.done.then(
        (r) => {
          this.#handles.delete(handle);
          this.#set(generation, index, { status: 'done', result: r });
          finished();
        },
        (err: unknown) => {
          this.#handles.delete(handle);
          if (generation !== this.#generation) return; // cancelled by us: a newer request owns the slots
          // 'busy': the lab's per-connection job cap (MAX_JOBS_PER_CONNECTION = 8 in src-main/service) was full
          if (errorCode(err) === 'busy' && retries > 0)
            return this.#timers.later(this.#opts.retryDelayMs, () => launch(index, retries - 1));
          if (errorCode(err) !== 'cancelled') {
            const last = this.#points[index]?.result;
            this.#set(generation, index, { status: 'error', error: errorMessage(err), result: last });
          }
          finished();
        },
      );
    };
    next();
  }
}
