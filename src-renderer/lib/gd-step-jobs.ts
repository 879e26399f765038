// A set of first-GD-step jobs (lab.job kind 'gd-step') replaced as a whole: the cursor (one target), a slice
// (three series × 8 λ) or the plane layer (coarse then fine cells). Like measurements.ts's MeasureGroup it debounces,
// supersedes on named channels and never invents a value; in addition it can be suspended (the tab is hidden:
// running jobs are cancelled so the Explore tab gets the lab's job slots back) and resumed without losing what
// finished.
import type { GdStepParamsInput, GdStepResult } from '../../src-shared/contract/gd-step';
import type { JobHandle, LabClient } from './lab-api';
import type { JobOutput } from '../../src-shared/contract/messages';
import type { JobLane, JobScheduler, Slot } from './job-scheduler';
import { errorCode, errorMessage, Timers } from './lab-jobs';

export type GdPointStatus = 'waiting' | 'running' | 'done' | 'error';

export interface GdPoint {
  status: GdPointStatus;
  /** Latest streamed result (samples grows until done). */
  result?: GdStepResult;
  /** Why there is no (final) value: the lab's reason, or why the parameters could not be sent. */
  error?: string;
}

export interface GdTarget {
  channel: string;
  /** The job's parameters, or why this point cannot be asked for (shown as its error, never sent). */
  params: GdStepParamsInput | { invalid: string };
}

export interface GdGroupOptions {
  /** Debounce: a new request starts this long after the last change. */
  delayMs: number;
  /** Jobs of this group running at once; each also takes a slot of the scheduler (shared by all panels). */
  maxConcurrent: number;
  /** Names the group's lane in the scheduler. */
  name?: string;
  /** Retries after 'busy' (the cap was full: the Explore tab's jobs or cancelled ones still winding down). */
  busyRetries?: number;
  retryDelayMs?: number;
  /**
   * After a point finishes: the number of networks to run it again with (a fresh job on its channel, the point
   * staying 'running' with the finished result shown meanwhile), or null to keep it (adaptive-samples.ts).
   */
  refine?: (r: GdStepResult) => number | null;
}

const keyOf = (targets: readonly GdTarget[]): string => JSON.stringify(targets.map((t) => [t.channel, t.params]));

export class GdStepGroup {
  #handles = new Map<number, JobHandle<JobOutput>>();
  #timers = new Timers();
  #key = '';
  #targets: readonly GdTarget[] = [];
  #generation = 0;
  #points: GdPoint[] = [];
  #suspended = false;
  /** Networks per point where refine() asked for more than the target's own count (cleared with new targets). */
  #samples = new Map<number, number>();
  readonly #opts: Required<Omit<GdGroupOptions, 'maxConcurrent' | 'name' | 'refine'>> & Pick<GdGroupOptions, 'refine'>;
  readonly #lane: JobLane;

  constructor(
    private readonly lab: LabClient,
    scheduler: JobScheduler,
    opts: GdGroupOptions,
    private readonly onChange: (points: readonly GdPoint[]) => void,
  ) {
    this.#opts = { busyRetries: 60, retryDelayMs: 500, ...opts };
    this.#lane = scheduler.lane({ name: opts.name ?? 'gd-step', max: opts.maxConcurrent });
  }

  get points(): readonly GdPoint[] {
    return this.#points;
  }

  /**
   * Replace the targets (debounced). The same targets again: finished points stay, and points left unfinished by
   * suspend() are started again. `run` false: hold them instead (new targets show as waiting, nothing starts; a
   * running group is suspended), so a paused view never shows a result for parameters no longer set.
   */
  request(targets: readonly GdTarget[], run = true): void {
    const key = keyOf(targets);
    if (key === this.#key) {
      if (run && this.#suspended) this.#resume();
      else if (!run) this.suspend();
      return;
    }
    this.#key = key;
    this.#targets = targets;
    this.#samples.clear();
    this.#suspended = !run;
    this.#stop();
    const generation = ++this.#generation;
    this.#points = targets.map((t) =>
      'invalid' in t.params ? { status: 'error', error: t.params.invalid } : { status: 'waiting' },
    );
    this.onChange(this.#points);
    if (targets.length === 0 || !run) return;
    this.#timers.later(this.#opts.delayMs, () => this.#run(generation));
  }

  /** Cancel the running jobs and keep the finished points; request() with the same targets resumes. */
  suspend(): void {
    if (this.#suspended || this.#key === '') return;
    this.#suspended = true;
    this.#generation++;
    this.#stop();
    this.#points = this.#points.map((p) => (p.status === 'running' ? { status: 'waiting' } : p));
    this.onChange(this.#points);
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

  #resume(): void {
    this.#suspended = false;
    const generation = ++this.#generation;
    this.#timers.later(this.#opts.delayMs, () => this.#run(generation));
  }

  #stop(): void {
    this.#timers.clear();
    this.#lane.withdrawAll();
    const all = [...this.#handles.values()];
    this.#handles.clear(); // first: a cancelled job's rejection must find itself no longer ours
    for (const h of all) h.cancel();
  }

  #set(generation: number, index: number, point: GdPoint): void {
    if (generation !== this.#generation) return; // a late message from a superseded or suspended job
    this.#points = this.#points.map((p, i) => (i === index ? point : p));
    this.onChange(this.#points);
  }

  #run(generation: number): void {
    const targets = this.#targets;
    const queue = this.#points.flatMap((p, i) => (p.status === 'waiting' ? [i] : []));
    const launch = (index: number, retries: number, slot: Slot): void => {
      const asked = targets[index].params;
      // superseded or suspended while it waited; invalid points are never queued (status 'error' from the start)
      if (generation !== this.#generation || 'invalid' in asked) return slot.release();
      const grown = this.#samples.get(index);
      const params = grown === undefined ? asked : { ...asked, samples: grown };
      let handle: JobHandle<JobOutput>;
      try {
        handle = this.lab.job(
          { kind: 'gd-step', params },
          {
            channel: targets[index].channel,
            onProgress: (o) => {
              if (o.kind === 'gd-step')
                this.#set(generation, index, { status: o.result.done ? 'done' : 'running', result: o.result });
            },
          },
        );
      } catch (err) {
        slot.release();
        this.#set(generation, index, { status: 'error', error: errorMessage(err) });
        return;
      }
      this.#handles.set(index, handle);
      if (this.#points[index]?.status === 'waiting') this.#set(generation, index, { status: 'running' });
      handle.done.then(
        (o) => {
          if (this.#handles.get(index) === handle) this.#handles.delete(index);
          const more = o.kind === 'gd-step' && generation === this.#generation ? this.#opts.refine?.(o.result) : null;
          if (o.kind === 'gd-step' && more != null && more > params.samples) {
            // not precise yet: run it again with more networks on the same slot
            this.#samples.set(index, more);
            this.#set(generation, index, { status: 'running', result: o.result });
            slot.keep();
            return launch(index, this.#opts.busyRetries, slot);
          }
          if (o.kind === 'gd-step') this.#set(generation, index, { status: 'done', result: o.result });
          else
            this.#set(generation, index, {
              status: 'error',
              error: `the lab answered a gd-step job with ${o.kind} output`,
            });
        },
        (err: unknown) => {
          if (this.#handles.get(index) === handle) this.#handles.delete(index);
          if (generation !== this.#generation) return; // cancelled by us: a newer request owns the slots
          if (errorCode(err) === 'busy' && retries > 0) {
            // the lab's cap was full (cancelled jobs still winding down there): retry later, keeping the slot
            slot.keep();
            return this.#timers.later(
              this.#opts.retryDelayMs,
              () => launch(index, retries - 1, slot),
              () => slot.release(),
            );
          }
          if (errorCode(err) !== 'cancelled') {
            // a partial result is kept for inspection but the point is marked failed (not done)
            this.#set(generation, index, {
              status: 'error',
              error: errorMessage(err),
              result: this.#points[index]?.result,
            });
          } else {
            // superseded by someone else on our channel: the point stays unfinished
            this.#set(generation, index, { status: 'error', error: 'cancelled' });
          }
        },
      );
      slot.releaseWhen(handle.done); // after the handlers above: a retry keeps the slot
    };
    for (const index of queue) this.#lane.request((slot) => launch(index, this.#opts.busyRetries, slot));
  }
}
