// Samples merged as blocks arrive, in a buffer that grows with them (doubling, up to the requested count) rather
// than 8 B × samples allocated when the job starts: a job that waits behind others, or is cancelled early, pins
// only the samples it has (issue 17: 40 accepted jobs each allocated 8 B × 10⁷ up front).

/** First capacity: a few blocks' worth, so that small jobs never reallocate. */
const INITIAL_CAPACITY = 4096;

export class SampleBuffer {
  private data: Float64Array;
  private count = 0;

  /** `max`: the most samples it will hold (the job's requested count). */
  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 0) throw new RangeError(`max must be an integer ≥ 0 (got ${max})`);
    this.data = new Float64Array(Math.min(max, INITIAL_CAPACITY));
  }

  get length(): number {
    return this.count;
  }

  /** Allocated capacity (samples). */
  get capacity(): number {
    return this.data.length;
  }

  append(values: ArrayLike<number>): void {
    const need = this.count + values.length;
    if (need > this.max) throw new RangeError(`${need} samples exceed the ${this.max} requested`);
    if (need > this.data.length) {
      let cap = Math.max(1, this.data.length);
      while (cap < need) cap *= 2;
      const grown = new Float64Array(Math.min(cap, this.max));
      grown.set(this.data.subarray(0, this.count));
      this.data = grown;
    }
    this.data.set(values, this.count);
    this.count = need;
  }

  /** The samples so far (a view: valid until the next append). */
  view(): Float64Array {
    return this.data.subarray(0, this.count);
  }
}
