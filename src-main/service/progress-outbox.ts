// Progress of one connection's jobs, coalesced across jobs: at most one progress message per interval leaves the
// connection (default 50 ms: 20 messages/s however many jobs run), each job keeps only its latest partial result,
// and the job that has waited longest goes first. Final results (job.done, job.error) never pass through here: the
// connection sends them at once and drops the job's pending progress (issue 17: 8 jobs sent ~8,000 events a run).
import type { ServerMessage } from '../../src-shared/contract/messages';

export class ProgressOutbox {
  /** Latest progress per job id; a Map keeps the order in which jobs first queued, so replacing keeps a job's turn. */
  private readonly pending = new Map<string, ServerMessage>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  /**
   * `deliver` sends one message and returns true, or returns false when the transport is backed up (the message
   * stays pending and is retried after the next interval).
   */
  constructor(
    private readonly intervalMs: number,
    private readonly deliver: (msg: ServerMessage) => boolean,
  ) {
    if (!(intervalMs >= 0 && Number.isFinite(intervalMs)))
      throw new RangeError(`the progress interval must be a finite number ≥ 0 ms (got ${intervalMs})`);
  }

  /** Queue a job's latest progress (replacing any pending one); sent now if the interval since the last has passed. */
  push(jobId: string, msg: ServerMessage): void {
    if (this.closed) return;
    this.pending.set(jobId, msg);
    if (this.timer === undefined) this.flush();
  }

  /** Forget a job's pending progress (its final result goes out instead). */
  drop(jobId: string): void {
    this.pending.delete(jobId);
  }

  /** Jobs with progress waiting to be sent. */
  get size(): number {
    return this.pending.size;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private readonly flush = (): void => {
    this.timer = undefined;
    if (this.closed) return;
    const next = this.pending.entries().next();
    if (next.done) return; // idle: the next push goes out at once
    const [jobId, msg] = next.value;
    if (this.deliver(msg)) this.pending.delete(jobId);
    // the interval runs from this send (or attempt); deliver may have closed the connection
    if (!this.closed) this.timer = setTimeout(this.flush, this.intervalMs);
  };
}
