import { describe, expect, it } from 'vitest';
import { FrameQueue, oncePerFrame, type FrameSource } from './frame-queue';

/** Frames run by hand; a clock that each job advances by its cost. */
function harness(budgetMs = 8) {
  let clock = 0;
  let next = 1;
  const waiting = new Map<number, () => void>();
  const frames: FrameSource = {
    request: (run) => {
      waiting.set(next, run);
      return next++;
    },
    cancel: (h) => void waiting.delete(h),
  };
  const queue = new FrameQueue({ budgetMs, now: () => clock, frames });
  const log: string[] = [];
  const job = (name: string, cost: number) => () => {
    log.push(name);
    clock += cost;
  };
  const frame = () => {
    const runs = [...waiting.values()];
    waiting.clear();
    for (const run of runs) run();
  };
  return { queue, log, job, frame, requested: () => waiting.size };
}

describe('FrameQueue', () => {
  it('runs nothing until the frame, then the newest job of each key once', () => {
    const h = harness();
    const a = {},
      b = {};
    h.queue.put(a, h.job('a1', 1));
    h.queue.put(b, h.job('b1', 1));
    h.queue.put(a, h.job('a2', 1));
    expect(h.log).toEqual([]);
    expect(h.requested()).toBe(1); // one frame request however many puts
    h.frame();
    // a2 replaced a1 in a1's turn: a still runs before b
    expect(h.log).toEqual(['a2', 'b1']);
    expect(h.queue.pending).toBe(0);
    expect(h.requested()).toBe(0);
  });

  it('leaves what exceeds the budget to the next frame, always running at least one job', () => {
    const h = harness(8);
    const a = {},
      b = {},
      c = {};
    h.queue.put(a, h.job('a', 12)); // over budget alone: runs anyway
    h.queue.put(b, h.job('b', 3));
    h.queue.put(c, h.job('c', 3));
    h.frame();
    expect(h.log).toEqual(['a']);
    expect(h.queue.pending).toBe(2);
    h.frame();
    expect(h.log).toEqual(['a', 'b', 'c']); // 3 + 3 < 8: both fit one frame
  });

  it('a job queued while a frame runs waits for the next frame, even under a key that just ran', () => {
    const h = harness();
    const a = {};
    h.queue.put(a, () => {
      h.log.push('a1');
      h.queue.put(a, h.job('a2', 1));
    });
    h.frame();
    expect(h.log).toEqual(['a1']);
    h.frame();
    expect(h.log).toEqual(['a1', 'a2']);
  });

  it('drops a key’s job and cancels the frame when nothing is left', () => {
    const h = harness();
    const a = {};
    h.queue.put(a, h.job('a', 1));
    h.queue.drop(a);
    expect(h.requested()).toBe(0);
    h.frame();
    expect(h.log).toEqual([]);
  });

  it('a failing job does not stop the others', async () => {
    const h = harness();
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    try {
      h.queue.put({}, () => {
        throw new Error('boom');
      });
      h.queue.put({}, h.job('after', 1));
      h.frame();
      expect(h.log).toEqual(['after']);
      await new Promise((r) => setTimeout(r, 0));
      expect(errors).toHaveLength(1);
    } finally {
      process.off('uncaughtException', onError);
    }
  });

  it('oncePerFrame applies only the newest value of a burst, at the frame', () => {
    const h = harness();
    const seen: number[] = [];
    const update = oncePerFrame((v: number) => seen.push(v), h.queue);
    update(1);
    update(2);
    update(3);
    expect(seen).toEqual([]);
    h.frame();
    expect(seen).toEqual([3]);
    update(4);
    h.frame();
    expect(seen).toEqual([3, 4]);
    update(5);
    update.cancel(); // its owner went away: the waiting value is dropped
    h.frame();
    expect(seen).toEqual([3, 4]);
  });
});
