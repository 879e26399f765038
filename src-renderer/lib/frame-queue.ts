// Redraws at the next animation frame, at most one per key and frame, within a per-frame budget (issue 16: drag
// hitches). A plot puts its redraw under its own key whenever an input changes; a newer redraw replaces the queued one
// in its place, so a plot redraws once per frame however often its inputs change. Within a frame the redraws run
// oldest first until the budget is spent; the rest wait for the next frame, so two plots whose data arrive together
// take turns instead of sharing one long frame. Pure scheduling: the clock and the frame source are injected.

export interface FrameSource {
  request(run: () => void): number;
  cancel(handle: number): void;
}

export interface FrameQueueOptions {
  /** Main-thread milliseconds a frame may spend on queued redraws before the rest wait (one always runs). */
  budgetMs?: number;
  now?: () => number;
  frames?: FrameSource;
}

const browserFrames: FrameSource = {
  request: (run) => requestAnimationFrame(() => run()),
  cancel: (handle) => cancelAnimationFrame(handle),
};

export class FrameQueue {
  readonly #jobs = new Map<object, () => void>();
  readonly #budgetMs: number;
  readonly #now: () => number;
  readonly #frames: FrameSource;
  #handle = 0;

  constructor(opts: FrameQueueOptions = {}) {
    this.#budgetMs = opts.budgetMs ?? 8;
    this.#now = opts.now ?? (() => performance.now());
    this.#frames = opts.frames ?? browserFrames;
  }

  /** Queues `job` for the next frame under `key`, replacing a job still queued under it (keeping its turn). */
  put(key: object, job: () => void): void {
    this.#jobs.set(key, job);
    if (!this.#handle) this.#handle = this.#frames.request(() => this.#run());
  }

  /** Drops the job queued under `key`, if any (a plot that goes away). */
  drop(key: object): void {
    this.#jobs.delete(key);
    if (this.#jobs.size === 0 && this.#handle) {
      this.#frames.cancel(this.#handle);
      this.#handle = 0;
    }
  }

  /** Jobs waiting for a frame. */
  get pending(): number {
    return this.#jobs.size;
  }

  #run(): void {
    this.#handle = 0;
    const t0 = this.#now();
    let ran = 0;
    // the jobs queued when the frame began: one put while they run waits for the next frame
    for (const key of [...this.#jobs.keys()]) {
      if (ran > 0 && this.#now() - t0 >= this.#budgetMs) break;
      const job = this.#jobs.get(key);
      if (!job) continue;
      this.#jobs.delete(key);
      ran++;
      try {
        job();
      } catch (err) {
        // one plot's failure must not stall the others' redraws: report it and go on
        queueMicrotask(() => {
          throw err;
        });
      }
    }
    if (this.#jobs.size > 0) this.#handle = this.#frames.request(() => this.#run());
  }
}

/** The page's queue, shared by every plot so that their redraws share each frame's budget. */
export const plotFrames = new FrameQueue();

/** A coalescing setter (see oncePerFrame); cancel() drops a value still waiting for its frame. */
export interface PerFrame<T> {
  (value: T): void;
  cancel(): void;
}

/**
 * `apply` called with the latest value at most once per frame (on `queue`): for updates that arrive in bursts, such
 * as progress messages, where only the newest matters to what is drawn.
 */
export function oncePerFrame<T>(apply: (value: T) => void, queue: FrameQueue = plotFrames): PerFrame<T> {
  const key = {};
  const set = (value: T) => queue.put(key, () => apply(value));
  return Object.assign(set, { cancel: () => queue.drop(key) });
}
