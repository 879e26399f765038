// Measured points for the UI: debounced, superseding jobs on named channels (seed 004 App. C.3 estimates come
// from the engine). A new request cancels the previous one on the same channel; results are never invented —
// a point is either a real (partial or final) MeasureResult or an error/cancelled state.
import type { MeasureParamsInput, MeasureResult } from '../../src-shared/contract/measure';
import type { LabClient, MeasureHandle } from './lab-api';

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

function isCancelled(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'cancelled';
}

type Timer = ReturnType<typeof setTimeout>;

/**
 * A set of measurements that is replaced as a whole (the cursor: one target; a slice: 10–15 targets).
 * `request()` debounces by `delayMs`, cancels whatever is running, then starts every target on its channel.
 */
export class MeasureGroup {
  #handles: MeasureHandle[] = [];
  #timer: Timer | undefined;
  #key = '';
  #generation = 0;
  #points: MeasuredPoint[] = [];

  constructor(
    private readonly lab: LabClient,
    private readonly delayMs: number,
    private readonly onChange: (points: readonly MeasuredPoint[]) => void,
  ) {}

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
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#start(targets, generation);
    }, this.delayMs);
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
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const h of this.#handles) h.cancel();
    this.#handles = [];
  }

  #set(generation: number, index: number, point: MeasuredPoint): void {
    if (generation !== this.#generation) return; // a late message from a superseded job
    this.#points = this.#points.map((p, i) => (i === index ? point : p));
    this.onChange(this.#points);
  }

  #start(targets: readonly MeasureTarget[], generation: number): void {
    targets.forEach((t, index) => {
      let handle: MeasureHandle;
      try {
        handle = this.lab.measure(t.params, {
          channel: t.channel,
          onProgress: (r) => this.#set(generation, index, { status: r.done ? 'done' : 'running', result: r }),
        });
      } catch (err) {
        this.#set(generation, index, { status: 'error', error: (err as Error).message });
        return;
      }
      this.#handles.push(handle);
      if (this.#points[index]?.status === 'waiting') this.#set(generation, index, { status: 'running' });
      handle.done.then(
        (r) => this.#set(generation, index, { status: 'done', result: r }),
        (err: unknown) => {
          if (isCancelled(err)) return;
          const last = this.#points[index]?.result;
          this.#set(generation, index, { status: 'error', error: err instanceof Error ? err.message : String(err), result: last });
        },
      );
    });
  }
}
