// The one place in the renderer that knows how many jobs the lab runs at once for this window. The lab caps running
// jobs per connection (it answers 'busy' beyond the cap); every runner here (the cursor and slice measurements, the
// measured layer, the paper-figure presets, the GD-step groups, training runs) owns a lane and asks it for a slot
// before it starts a job, so the panels share the cap fairly instead of each assuming a fixed budget.
import type { LabInfo } from '../../src-shared/contract/messages';

/**
 * The cap to assume when the lab's info does not report `jobCap` (services older than that field). It is the
 * service's per-connection limit, MAX_JOBS_PER_CONNECTION in src-main/service/connection.ts.
 */
export const FALLBACK_JOB_CAP = 8;

/** The per-connection job cap the lab reports, or FALLBACK_JOB_CAP when it does not say. */
export function jobCapOf(info: Pick<LabInfo, 'jobCap'> | null | undefined): number {
  return info?.jobCap ?? FALLBACK_JOB_CAP;
}

/**
 * A granted job slot. release() is idempotent. releaseWhen(done) frees it when the job ends (done, error or cancel);
 * register it after the runner's own handlers of `done`, so a handler that retries the job (after a 'busy' answer)
 * can keep() the slot for the retry instead.
 */
export interface Slot {
  readonly released: boolean;
  release(): void;
  releaseWhen(done: Promise<unknown>): void;
  /** Cancel the release that releaseWhen() arranged: the slot passes to a retry of the job (or is released). */
  keep(): void;
}

export interface LaneOptions {
  /** Names the lane in errors. */
  name: string;
  /** Slots this lane holds at most (its own concurrency); default: no limit beyond the cap. */
  max?: number;
  /**
   * Called when another lane waits while this one holds more than its share: give one slot back (cancel a running
   * job, queue it again; the slot is released when the job's handle settles). Lanes without it are never asked.
   */
  onPreempt?: () => void;
}

interface Waiter {
  readonly ticket: number;
  readonly grant: (slot: Slot) => void;
}

/** One runner's queue of slot requests. */
export class JobLane {
  readonly name: string;
  readonly max: number;
  readonly onPreempt: (() => void) | undefined;
  /** Slots granted and not released. */
  held = 0;
  /** Preemptions asked of this lane whose slot has not come back yet. */
  preempting = 0;
  closed = false;
  readonly queue: Waiter[] = [];

  constructor(
    private readonly scheduler: JobScheduler,
    opts: LaneOptions,
  ) {
    const max = opts.max ?? Infinity;
    if (!(max === Infinity || (Number.isInteger(max) && max >= 1)))
      throw new RangeError(`${opts.name}: the lane's max must be an integer ≥ 1 (got ${String(opts.max)})`);
    this.name = opts.name;
    this.max = max;
    this.onPreempt = opts.onPreempt;
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Ask for one slot; `grant` runs (possibly at once, inside this call) when the scheduler hands one over. */
  request(grant: (slot: Slot) => void): void {
    if (this.closed) throw new Error(`${this.name}: the lane is closed`);
    this.queue.push({ ticket: this.scheduler.nextTicket(), grant });
    this.scheduler.pump();
  }

  /** Forget every request not granted yet (held slots stay until released). */
  withdrawAll(): void {
    this.queue.length = 0;
  }

  /** Withdraw everything and leave the scheduler; slots still held are released as their jobs end. */
  close(): void {
    this.withdrawAll();
    this.closed = true;
    this.scheduler.pump();
  }
}

/**
 * Hands the lab's job slots to lanes: a free slot goes to the waiting lane that holds the fewest (ties: the one
 * waiting longest), never beyond a lane's max nor the cap in all. When a lane waits with no slot free, a preemptible
 * lane holding at least two more than it is asked to give one back.
 */
export class JobScheduler {
  #cap: number;
  #lanes = new Set<JobLane>();
  #held = 0;
  #ticket = 0;
  #pumping = false;
  #again = false;

  constructor(cap = FALLBACK_JOB_CAP) {
    this.#cap = JobScheduler.#checkCap(cap);
  }

  static #checkCap(cap: number): number {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`job cap must be an integer ≥ 1 (got ${String(cap)})`);
    return cap;
  }

  get cap(): number {
    return this.#cap;
  }

  /** Slots held by all lanes. */
  get held(): number {
    return this.#held;
  }

  /** A new cap (the lab's info changed); lanes above it keep their slots until they release them. */
  setCap(cap: number): void {
    this.#cap = JobScheduler.#checkCap(cap);
    this.pump();
  }

  lane(opts: LaneOptions): JobLane {
    const lane = new JobLane(this, opts);
    this.#lanes.add(lane);
    return lane;
  }

  /** @internal order of requests across lanes */
  nextTicket(): number {
    return ++this.#ticket;
  }

  /** @internal hand out free slots; re-entrant calls (a grant that requests or releases) run after this pass. */
  pump(): void {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        for (const lane of [...this.#lanes]) if (lane.closed && lane.held === 0) this.#lanes.delete(lane);
        while (this.#held < this.#cap) {
          const lane = this.#next();
          if (!lane) break;
          const waiter = lane.queue.shift()!;
          waiter.grant(this.#slot(lane));
        }
        if (this.#held >= this.#cap) this.#preempt();
      } while (this.#again);
    } finally {
      this.#pumping = false;
    }
  }

  #eligible(lane: JobLane): boolean {
    return !lane.closed && lane.queue.length > 0 && lane.held < lane.max;
  }

  /** The waiting lane holding the fewest slots; ties go to the oldest request. */
  #next(): JobLane | undefined {
    let best: JobLane | undefined;
    for (const lane of this.#lanes) {
      if (!this.#eligible(lane)) continue;
      if (!best || lane.held < best.held || (lane.held === best.held && lane.queue[0].ticket < best.queue[0].ticket))
        best = lane;
    }
    return best;
  }

  #preempt(): void {
    const waiting = [...this.#lanes].filter((l) => this.#eligible(l)).sort((a, b) => a.held - b.held);
    let asked = 0;
    for (const lane of this.#lanes) asked += lane.preempting;
    for (const w of waiting.slice(asked)) {
      let victim: JobLane | undefined;
      for (const lane of this.#lanes) {
        if (lane === w || !lane.onPreempt) continue;
        const keeps = lane.held - lane.preempting;
        if (keeps > w.held + 1 && (!victim || keeps > victim.held - victim.preempting)) victim = lane;
      }
      if (!victim) continue;
      victim.preempting++;
      victim.onPreempt!();
    }
  }

  #slot(lane: JobLane): Slot {
    lane.held++;
    this.#held++;
    let released = false;
    let watch = 0;
    const release = (): void => {
      if (released) return;
      released = true;
      lane.held--;
      this.#held--;
      if (lane.preempting > 0) lane.preempting--;
      this.pump();
    };
    return {
      get released() {
        return released;
      },
      release,
      releaseWhen: (done) => {
        const token = ++watch;
        const settle = (): void => {
          if (token === watch) release();
        };
        done.then(settle, settle);
      },
      keep: () => void watch++,
    };
  }
}
