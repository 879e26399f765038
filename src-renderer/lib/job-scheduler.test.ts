import { describe, expect, it } from 'vitest';
import { FALLBACK_JOB_CAP, jobCapOf, JobScheduler, type JobLane, type Slot } from './job-scheduler';

/** Ask `lane` for `n` slots; granted slots collect in the returned array. */
function ask(lane: JobLane, n: number): Slot[] {
  const got: Slot[] = [];
  for (let k = 0; k < n; k++) lane.request((s) => got.push(s));
  return got;
}

/** A promise settled by hand, like a job handle's `done`. */
function deferred(): { done: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { done, resolve, reject };
}

describe('jobCapOf', () => {
  it('reads the cap from lab.info and falls back to the named constant when the lab does not report one', () => {
    expect(jobCapOf({ jobCap: 3 })).toBe(3);
    expect(jobCapOf({})).toBe(FALLBACK_JOB_CAP);
    expect(jobCapOf(null)).toBe(FALLBACK_JOB_CAP);
  });
});

describe('JobScheduler', () => {
  it('never grants more than the cap in all, nor more than a lane’s max', () => {
    const s = new JobScheduler(5);
    const a = s.lane({ name: 'a', max: 2 });
    const b = s.lane({ name: 'b' });
    const ga = ask(a, 4);
    const gb = ask(b, 10);
    expect(ga.length).toBe(2);
    expect(gb.length).toBe(3);
    expect(s.held).toBe(5);
    expect(a.waiting).toBe(2);
    expect(b.waiting).toBe(7);
  });

  it('hands a freed slot to the waiting lane holding the fewest, ties to the oldest request', () => {
    const s = new JobScheduler(4);
    const big = s.lane({ name: 'big' });
    const held = ask(big, 6); // takes all 4, 2 wait
    const small = s.lane({ name: 'small' });
    const gs = ask(small, 2);
    expect(held.length).toBe(4);
    expect(gs.length).toBe(0);
    held[0].release(); // small holds 0 < big's 3: small first, though big asked earlier
    expect(gs.length).toBe(1);
    held[1].release(); // now 1 each way (small 1, big 2): small again
    expect(gs.length).toBe(2);
    held[2].release(); // small has nothing more to ask: big
    expect(held.length).toBe(5);
  });

  it('alternates between equally served lanes (no lane starves)', () => {
    const s = new JobScheduler(1);
    const a = s.lane({ name: 'a' });
    const b = s.lane({ name: 'b' });
    const order: string[] = [];
    const slots: Slot[] = [];
    for (let k = 0; k < 3; k++) {
      a.request((x) => (order.push('a'), slots.push(x)));
      b.request((x) => (order.push('b'), slots.push(x)));
    }
    for (let k = 0; k < 5; k++) slots[k].release();
    expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
  });

  it('releases the slot when the job ends: done, error or cancel (a rejected handle)', async () => {
    const s = new JobScheduler(3);
    const lane = s.lane({ name: 'jobs' });
    const [ok, failed, cancelled] = ask(lane, 3);
    const jobs = [deferred(), deferred(), deferred()];
    ok.releaseWhen(jobs[0].done);
    failed.releaseWhen(jobs[1].done);
    cancelled.releaseWhen(jobs[2].done);
    expect(s.held).toBe(3);
    jobs[0].resolve();
    jobs[1].reject(new Error('the lab failed'));
    jobs[2].reject(Object.assign(new Error('cancelled'), { code: 'cancelled' }));
    await Promise.allSettled(jobs.map((j) => j.done));
    await Promise.resolve();
    expect(s.held).toBe(0);
    expect([ok, failed, cancelled].every((x) => x.released)).toBe(true);
  });

  it('keep(): a handler that retries the job keeps its slot through the first job’s end', async () => {
    const s = new JobScheduler(1);
    const lane = s.lane({ name: 'x' });
    const [slot] = ask(lane, 1);
    const first = deferred();
    first.done.catch(() => slot.keep()); // the runner's handler, registered before releaseWhen
    slot.releaseWhen(first.done);
    first.reject(Object.assign(new Error('too many running jobs'), { code: 'busy' }));
    await first.done.catch(() => undefined);
    await Promise.resolve();
    expect(slot.released).toBe(false);
    const retry = deferred();
    slot.releaseWhen(retry.done);
    retry.resolve();
    await retry.done;
    await Promise.resolve();
    expect(slot.released).toBe(true);
    expect(s.held).toBe(0);
  });

  it('counts a slot once however often it is released', () => {
    const s = new JobScheduler(2);
    const lane = s.lane({ name: 'x' });
    const [first] = ask(lane, 1);
    first.release();
    first.release();
    expect(s.held).toBe(0);
    expect(lane.held).toBe(0);
  });

  it('withdrawn and closed lanes get nothing more', () => {
    const s = new JobScheduler(1);
    const a = s.lane({ name: 'a' });
    const b = s.lane({ name: 'b' });
    const [slot] = ask(a, 1);
    const gb = ask(b, 2);
    b.withdrawAll();
    const ga = ask(a, 1);
    slot.release();
    expect(gb.length).toBe(0);
    expect(ga.length).toBe(1);
    a.close();
    expect(() => a.request(() => {})).toThrow(/closed/);
  });

  it('a larger cap from lab.info grants waiting requests at once; a smaller one waits for releases', () => {
    const s = new JobScheduler(2);
    const lane = s.lane({ name: 'x' });
    const got = ask(lane, 5);
    expect(got.length).toBe(2);
    s.setCap(jobCapOf({ jobCap: 4 }));
    expect(got.length).toBe(4);
    s.setCap(1);
    got[0].release();
    got[1].release();
    got[2].release();
    expect(got.length).toBe(4); // 1 held = the new cap
    got[3].release();
    expect(got.length).toBe(5);
    expect(() => s.setCap(0)).toThrow(RangeError);
  });

  it('asks a preemptible lane that holds more than its share to give a slot back', () => {
    const s = new JobScheduler(4);
    let preempted = 0;
    const layer = s.lane({ name: 'layer', onPreempt: () => preempted++ });
    const held = ask(layer, 4);
    const cursor = s.lane({ name: 'cursor' });
    const gc = ask(cursor, 1);
    expect(preempted).toBe(1); // once, not again while that slot is on its way back
    expect(gc.length).toBe(0);
    held[3].release(); // the layer cancelled its newest job
    expect(gc.length).toBe(1);
    // now cursor 1, layer 3: another waiting cursor request may take one more (3 > 1 + 1)
    ask(cursor, 1);
    expect(preempted).toBe(2);
    held[2].release();
    // cursor 2, layer 2: no further preemption for a third request
    ask(cursor, 1);
    expect(preempted).toBe(2);
  });

  it('never preempts a lane without onPreempt', () => {
    const s = new JobScheduler(2);
    const a = s.lane({ name: 'a' });
    ask(a, 2);
    const b = s.lane({ name: 'b' });
    expect(ask(b, 1).length).toBe(0);
    expect(a.held).toBe(2);
  });
});
