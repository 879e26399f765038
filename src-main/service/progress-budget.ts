// Main-thread time for partial results, shared by every job of the service. A throttle per job let N jobs spend
// N × its share of the main thread on summaries (issue 17: 8 measure jobs of 10⁶ samples, each summary O(N)): the
// pool's block replies then queued behind them, the workers idled and the jobs took 1,000× their work. One budget
// for all jobs keeps the summaries of every job together under `share` of the main thread.

export class ProgressBudget {
  private nextAt = -Infinity;

  /**
   * `share`: the fraction of main-thread time partial summaries may take (default 0.2); `now`: the clock in ms
   * (tests pass a fake one).
   */
  constructor(
    readonly share = 0.2,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(share > 0 && share <= 1)) throw new RangeError(`share must lie in (0, 1] (got ${share})`);
  }

  /** Milliseconds until the next partial summary of any job may start (0: now). */
  wait(): number {
    return Math.max(0, this.nextAt - this.now());
  }

  /**
   * Run one partial summary and charge its time: after d ms of summary the next may start d·(1 − share)/share ms
   * later, so summaries take at most `share` of the time whichever jobs run them.
   */
  charge<T>(summary: () => T): T {
    const t0 = this.now();
    try {
      return summary();
    } finally {
      const t1 = this.now();
      this.nextAt = t1 + ((t1 - t0) * (1 - this.share)) / this.share;
    }
  }
}
