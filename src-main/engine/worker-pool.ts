// A pool of worker threads that run measurement jobs block by block. A job of N networks is split into blocks of
// blockSize; block i is runBlock(params, i, count), which depends only on (params, i), so merging blocks in index
// order gives the same samples whatever the number of workers. Workers are created lazily, reused, and replaced
// when they die; a dying worker fails only the job whose block it was running.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { MeasureParams } from '../../src-shared/contract/measure';
import { BLOCK_ARRAYS, blockShapeError, workSamples, type BlockArrays, type PoolWork } from './pool-work';
import { BLOCK_SIZE } from './sample-block';
import { spawnWorker as spawnThread, toUrl, workerEntryNear } from './spawn-worker';
import type { BlockReply, BlockRequest, SampleWorkerData } from './sample-worker';
import { checkThreadPriority, type ThreadPriority } from './thread-priority';

/**
 * Θ samples of one block: theta[j] = Θ(x, x) of network j; thetaOff[j] = Θ(x, x̃) when an input pair was asked for;
 * after-step arrays for gd-step work.
 */
export type BlockOutput = BlockArrays;

export interface WorkerPoolOptions {
  /** Number of worker threads (default: os.availableParallelism()). */
  workers?: number;
  /** Worker entry (default: defaultWorkerEntry()). A .ts entry is started through tsx's ESM loader. */
  workerEntry?: string | URL;
  /** Tests only: a module whose `runBlock` replaces the sampler inside the workers. */
  blockModule?: string | URL;
  /** Networks per block (default BLOCK_SIZE). Results depend on it, so only tests change it. */
  blockSize?: number;
  /**
   * When new work waits for a worker, a worker still busy with a block of a cancelled job is terminated and
   * replaced if that block is expected to run longer than this (ms); shorter ones finish and are discarded.
   * Default 250 (about the cost of starting a worker).
   */
  cancelKillMs?: number;
  /**
   * The workers' scheduling priority (thread-priority.ts): 'below-normal' when the pool serves an interactive lab,
   * so that the interface keeps the CPU while it is busy. Default 'normal'.
   */
  priority?: ThreadPriority;
}

export interface PoolRunOptions {
  /** Called with each newly complete contiguous run of blocks, in block order, starting at block `firstBlock`. */
  onBlocks?: (blocks: BlockOutput[], firstBlock: number) => void;
  signal?: AbortSignal;
}

/** Why a job did not complete: cancelled (abort / pool closed) or failed (sampler threw, worker died). */
export class PoolJobError extends Error {
  readonly code: 'cancelled' | 'failed';
  constructor(code: 'cancelled' | 'failed', message: string) {
    super(message);
    this.name = 'PoolJobError';
    this.code = code;
  }
}

/** Sizes of the blocks a job of `samples` networks is split into. */
export function blockCounts(samples: number, blockSize: number): number[] {
  if (!Number.isInteger(samples) || samples < 1)
    throw new RangeError(`samples must be an integer ≥ 1 (got ${samples})`);
  if (!Number.isInteger(blockSize) || blockSize < 1)
    throw new RangeError(`blockSize must be an integer ≥ 1 (got ${blockSize})`);
  const counts: number[] = [];
  for (let start = 0; start < samples; start += blockSize) counts.push(Math.min(blockSize, samples - start));
  return counts;
}

/**
 * The worker entry that matches how this module runs: from source (tsx, vitest) it is the sibling
 * sample-worker.ts; inside the Electron build it is out/main/sample-worker.js next to the main bundle.
 */
export function defaultWorkerEntry(): URL {
  return workerEntryNear(import.meta.url, 'sample-worker');
}

interface Task {
  id: number;
  job: Job;
  block: number;
  startedAt: number;
}

interface Slot {
  worker: Worker;
  task: Task | null;
  /** Loaded and able to take blocks. Blocks go only to ready workers, so a starting worker never delays a job. */
  ready: boolean;
  dead: boolean;
  /** The thread's nice value once ready (null: not set per thread on this platform). */
  nice?: number | null;
  /** Settles when the worker is ready or dies first. */
  started: Promise<void>;
  markStarted(err?: Error): void;
}

/** Workers that die before they are ready in a row before the pool stops starting new ones (until one succeeds). */
const MAX_STARTUP_FAILURES = 3;

interface Job {
  work: PoolWork;
  counts: number[];
  /** Next block to dispatch. */
  next: number;
  /** Finished blocks not yet delivered (they wait for the blocks before them). */
  waiting: Map<number, BlockOutput>;
  /** Blocks delivered so far (a contiguous prefix). */
  prefix: number;
  onBlocks?: PoolRunOptions['onBlocks'];
  settled: boolean;
  msSum: number;
  msCount: number;
  finish(err?: PoolJobError): void;
}

export class WorkerPool {
  readonly size: number;
  readonly blockSize: number;
  private readonly entry: URL;
  private readonly data: SampleWorkerData;
  private readonly cancelKillMs: number;
  private slots: Slot[] = [];
  private jobs: Job[] = [];
  private roundRobin = 0;
  private taskSeq = 0;
  private closed = false;
  private reapTimer: ReturnType<typeof setTimeout> | undefined;
  private startupFailures = 0;

  constructor(opts: WorkerPoolOptions = {}) {
    const size = opts.workers ?? availableParallelism();
    if (!Number.isInteger(size) || size < 1 || size > 256)
      throw new RangeError(`workers must be an integer in 1–256 (got ${String(opts.workers)})`);
    this.size = size;
    this.blockSize = opts.blockSize ?? BLOCK_SIZE;
    blockCounts(1, this.blockSize); // validates blockSize
    this.entry = toUrl(opts.workerEntry ?? defaultWorkerEntry());
    // checked here, not only in the worker: a bad value fails the pool's construction, not each worker's start
    const priority = checkThreadPriority(opts.priority ?? 'normal');
    this.data = {
      ...(opts.blockModule === undefined ? {} : { blockModule: toUrl(opts.blockModule).href }),
      priority,
    };
    this.cancelKillMs = opts.cancelKillMs ?? 250;
  }

  /** Number of live worker threads (they are started on demand, up to `size`). */
  get liveWorkers(): number {
    return this.slots.length;
  }

  /** The ready workers' nice values (null where the platform sets none per thread). */
  get workerNice(): (number | null)[] {
    return this.slots.filter((s) => s.ready).map((s) => s.nice ?? null);
  }

  /**
   * Run all blocks of a job (`samples` networks): a measurement's MeasureParams or any PoolWork. Resolves after the
   * last block was delivered through onBlocks.
   */
  run(job: MeasureParams | PoolWork, opts: PoolRunOptions = {}): Promise<void> {
    if (this.closed) return Promise.reject(new PoolJobError('cancelled', 'the sampling pool is closed'));
    const work: PoolWork = 'kind' in job ? job : { kind: 'measure', params: job };
    let counts: number[];
    try {
      counts =
        work.kind === 'bootstrap'
          ? blockCounts(work.params.replicates, work.params.chunk)
          : blockCounts(workSamples(work), this.blockSize);
    } catch (err) {
      return Promise.reject(err);
    }
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(new PoolJobError('cancelled', 'cancelled'));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => this.stop(job, new PoolJobError('cancelled', 'cancelled'));
      const job: Job = {
        work,
        counts,
        next: 0,
        waiting: new Map(),
        prefix: 0,
        onBlocks: opts.onBlocks,
        settled: false,
        msSum: 0,
        msCount: 0,
        finish: (err) => {
          signal?.removeEventListener('abort', onAbort);
          if (err) reject(err);
          else resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.jobs.push(job);
      this.pump();
    });
  }

  /** Start all `size` workers now and resolve once they are ready (otherwise they start on first use). */
  async warm(): Promise<void> {
    if (this.closed) throw new Error('the sampling pool is closed');
    while (this.slots.length < this.size) this.spawn();
    await Promise.all(this.slots.map((s) => s.started));
  }

  /** Cancel every job and terminate the workers. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reapTimer);
    for (const job of [...this.jobs]) this.stop(job, new PoolJobError('cancelled', 'the sampling pool was closed'));
    const slots = this.slots;
    this.slots = [];
    await Promise.all(
      slots.map((slot) => {
        slot.dead = true;
        return slot.worker.terminate();
      }),
    );
  }

  /** Hand pending blocks to idle ready workers, taking jobs in turn; start workers (up to `size`) for what is left. */
  private pump(): void {
    if (this.closed) return;
    for (;;) {
      const job = this.nextJob();
      if (!job) break;
      const slot = this.slots.find((s) => s.ready && s.task === null);
      if (!slot) break;
      const task: Task = { id: ++this.taskSeq, job, block: job.next++, startedAt: performance.now() };
      slot.task = task;
      slot.worker.ref();
      const req: BlockRequest = {
        type: 'run',
        task: task.id,
        work: job.work,
        block: task.block,
        count: job.counts[task.block],
      };
      slot.worker.postMessage(req);
    }
    let pending = 0;
    for (const job of this.jobs) pending += job.counts.length - job.next;
    if (pending === 0) return;
    if (this.slots.length >= this.size) this.reapOrphans();
    const starting = this.slots.filter((s) => !s.ready).length;
    let more = Math.min(this.size - this.slots.length, pending - starting);
    while (more-- > 0 && this.startupFailures < MAX_STARTUP_FAILURES) this.spawn();
  }

  private nextJob(): Job | undefined {
    const n = this.jobs.length;
    for (let k = 0; k < n; k++) {
      const i = (this.roundRobin + k) % n;
      const job = this.jobs[i];
      if (job.next < job.counts.length) {
        this.roundRobin = i + 1;
        return job;
      }
    }
    return undefined;
  }

  private spawn(): Slot {
    const worker = spawnThread(this.entry, this.data, 'ntk-sampler');
    let markStarted: Slot['markStarted'] = () => undefined;
    const started = new Promise<void>((resolve, reject) => {
      markStarted = (err) => (err ? reject(err) : resolve());
    });
    started.catch(() => undefined); // only warm() cares; jobs hear about it in onDeath
    const slot: Slot = { worker, task: null, ready: false, dead: false, started, markStarted };
    worker.on('message', (reply: BlockReply) => this.onReply(slot, reply));
    worker.on('error', (err: Error) => this.onDeath(slot, err.message || String(err)));
    worker.on('exit', (code: number) => this.onDeath(slot, `the worker exited with code ${code}`));
    this.slots.push(slot);
    return slot;
  }

  private onReply(slot: Slot, reply: BlockReply): void {
    if (reply.type === 'ready') {
      if (slot.dead) return;
      slot.ready = true;
      slot.nice = reply.nice;
      this.startupFailures = 0;
      slot.markStarted();
      this.pump();
      if (!slot.task) slot.worker.unref(); // an idle pool must not keep the process alive
      return;
    }
    const task = slot.task;
    if (slot.dead || !task || reply.task !== task.id) return;
    slot.task = null;
    slot.worker.unref(); // an idle pool must not keep the process alive
    const job = task.job;
    if (!job.settled) {
      if (reply.type === 'error')
        this.stop(job, new PoolJobError('failed', `sampler failed on block ${task.block}: ${reply.message}`));
      else {
        const out: BlockOutput = { theta: reply.theta };
        for (const key of BLOCK_ARRAYS) if (reply[key] !== undefined) out[key] = reply[key];
        if (reply.diverged !== undefined) out.diverged = reply.diverged;
        this.pump(); // give the freed worker its next block before onBlocks (merge, progress summary) runs here
        this.accept(job, task, out);
      }
    }
    this.pump();
  }

  private accept(job: Job, task: Task, out: BlockOutput): void {
    const bad = blockShapeError(out, job.counts[task.block]);
    if (bad) {
      this.stop(job, new PoolJobError('failed', `sampler returned a malformed ${bad} for block ${task.block}`));
      return;
    }
    job.msSum += performance.now() - task.startedAt;
    job.msCount++;
    job.waiting.set(task.block, out);
    const first = job.prefix;
    const ready: BlockOutput[] = [];
    for (let b = job.waiting.get(job.prefix); b; b = job.waiting.get(job.prefix)) {
      job.waiting.delete(job.prefix);
      ready.push(b);
      job.prefix++;
    }
    if (ready.length === 0) return;
    try {
      job.onBlocks?.(ready, first);
    } catch (err) {
      this.stop(job, new PoolJobError('failed', err instanceof Error ? err.message : String(err)));
      return;
    }
    if (job.prefix === job.counts.length && !job.settled) {
      job.settled = true;
      this.jobs = this.jobs.filter((j) => j !== job);
      job.finish();
    }
  }

  private onDeath(slot: Slot, why: string): void {
    if (slot.dead) return;
    slot.dead = true;
    this.slots = this.slots.filter((s) => s !== slot);
    const task = slot.task;
    slot.task = null;
    void slot.worker.terminate(); // after an 'error' the thread may still be winding down
    if (!slot.ready) {
      slot.markStarted(new Error(`sampler worker failed to start: ${why}`));
      this.startupFailures++;
      // nobody can run blocks: fail what waits instead of retrying forever (the next run() tries afresh)
      if (!this.slots.some((s) => s.ready)) {
        for (const job of [...this.jobs])
          this.stop(job, new PoolJobError('failed', `sampler worker failed to start: ${why}`));
        this.startupFailures = 0;
      }
    }
    if (task && !task.job.settled)
      this.stop(task.job, new PoolJobError('failed', `sampler worker crashed on block ${task.block}: ${why}`));
    this.pump(); // replacements start on demand
  }

  /** Settle a job with an error. Its in-flight blocks become orphans: discarded when they finish (see reapOrphans). */
  private stop(job: Job, err: PoolJobError): void {
    if (job.settled) return;
    job.settled = true;
    this.jobs = this.jobs.filter((j) => j !== job);
    job.waiting.clear();
    job.finish(err);
    this.pump();
  }

  /**
   * Work is waiting and every worker is busy: replace the workers stuck on orphaned blocks (of cancelled or
   * failed jobs) that are expected to run longer than cancelKillMs. With no finished block to time, a block that
   * has already run t ms is guessed to need about t more, so it is re-checked once t reaches cancelKillMs.
   */
  private reapOrphans(): void {
    const now = performance.now();
    let recheckIn = Infinity;
    for (const slot of [...this.slots]) {
      const task = slot.task;
      if (!task || !task.job.settled) continue;
      const elapsed = now - task.startedAt;
      const timed = task.job.msCount > 0;
      const remaining = timed ? task.job.msSum / task.job.msCount - elapsed : elapsed;
      if (remaining > this.cancelKillMs) {
        slot.dead = true;
        slot.task = null;
        this.slots = this.slots.filter((s) => s !== slot);
        void slot.worker.terminate();
      } else if (!timed) {
        recheckIn = Math.min(recheckIn, this.cancelKillMs - elapsed + 1);
      }
    }
    if (recheckIn < Infinity && !this.reapTimer) {
      this.reapTimer = setTimeout(
        () => {
          this.reapTimer = undefined;
          this.pump();
        },
        Math.max(1, recheckIn),
      );
      this.reapTimer.unref();
    }
  }
}
