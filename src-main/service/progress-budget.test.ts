import { describe, expect, it } from 'vitest';
import { ProgressBudget } from './progress-budget';
import { SampleBuffer } from './sample-buffer';

describe('ProgressBudget: one share of the main thread for every job’s partial summaries', () => {
  it('after a summary of d ms the next (of any job) waits 4d at share 0.2, so summaries take ≤ 20% of the time', () => {
    let now = 0;
    const budget = new ProgressBudget(0.2, () => now);
    expect(budget.wait()).toBe(0);
    // 8 jobs, each asking for a 10 ms summary whenever the budget allows, over 10 s of fake time
    let summaryMs = 0;
    while (now < 10_000) {
      for (let job = 0; job < 8; job++) {
        if (budget.wait() > 0) continue;
        budget.charge(() => {
          now += 10;
          summaryMs += 10;
        });
      }
      now += 1;
    }
    expect(summaryMs / now).toBeLessThanOrEqual(0.2);
    expect(summaryMs / now).toBeGreaterThan(0.19);
  });

  it('charges a summary that throws too', () => {
    let now = 0;
    const budget = new ProgressBudget(0.5, () => now);
    expect(() =>
      budget.charge(() => {
        now += 3;
        throw new Error('not finite');
      }),
    ).toThrow('not finite');
    expect(budget.wait()).toBe(3);
  });

  it('rejects a share outside (0, 1]', () => {
    expect(() => new ProgressBudget(0)).toThrow(RangeError);
    expect(() => new ProgressBudget(1.5)).toThrow(RangeError);
  });
});

describe('SampleBuffer: memory grows with the samples that arrived, not with the samples requested', () => {
  it('holds 10⁷ requested samples in a few blocks’ worth until more arrive, and ends at exactly the count', () => {
    const buf = new SampleBuffer(10_000_000);
    const block = Float64Array.from({ length: 500 }, (_, i) => i);
    for (let b = 0; b < 4; b++) buf.append(block);
    expect(buf.capacity).toBe(4096); // not 10⁷
    for (let b = 0; b < 100; b++) buf.append(block);
    expect(buf.length).toBe(52_000);
    expect(buf.capacity).toBeLessThan(2 * buf.length);
    expect(buf.view()[51_999]).toBe(499);
    expect(buf.view()[500]).toBe(0);
    const exact = new SampleBuffer(1200);
    for (let b = 0; b < 3; b++) exact.append(block.subarray(0, 400));
    expect(exact.capacity).toBe(1200);
    expect(() => exact.append([1])).toThrow(/exceed the 1200 requested/);
  });
});
