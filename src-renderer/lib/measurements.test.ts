import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MeasureParamsInput, MeasureResult } from '../../src-shared/contract/measure';
import { scriptedLab } from './fake-lab.test-util';
import { JobScheduler } from './job-scheduler';
import { MeasureGroup, type MeasuredPoint } from './measurements';

const params = (sigmaW2: number): MeasureParamsInput => ({
  sigmaW2,
  depth: 10,
  width: 20,
  inputDim: 20,
  samples: 1000,
  seed: 1,
  method: 'exact',
});
const result = (samples: number, done: boolean): MeasureResult => ({
  sigmaW2: 2,
  depth: 10,
  width: 20,
  inputDim: 20,
  sigmaB2: 0,
  samples,
  samplesRequested: 1000,
  seed: 1,
  method: 'exact',
  meanTheta: { estimate: 11, stderr: 0.1 },
  dispersion: { estimate: 1.6, stderr: 0.02 },
  tailShare: 0.02,
  seconds: 0.1,
  done,
});

describe('MeasureGroup', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('debounces a burst of requests into one job per target on the named channels', () => {
    const { lab, jobs } = scriptedLab();
    const group = new MeasureGroup(lab, new JobScheduler(), { delayMs: 200 }, () => {});
    group.request([{ channel: 'cursor', params: params(1.5) }]);
    vi.advanceTimersByTime(100);
    group.request([{ channel: 'cursor', params: params(1.6) }]);
    vi.advanceTimersByTime(100);
    expect(jobs.length).toBe(0); // still inside the debounce window of the second request
    vi.advanceTimersByTime(100);
    expect(jobs.map((j) => [j.channel, j.params.sigmaW2])).toEqual([['cursor', 1.6]]);
  });

  it('with delayMs 0 starts every request without a timer and supersedes the running job (the live cursor)', async () => {
    const { lab, jobs, running } = scriptedLab();
    let seen: readonly MeasuredPoint[] = [];
    const group = new MeasureGroup(lab, new JobScheduler(), { delayMs: 0, maxConcurrent: 1 }, (p) => (seen = p));
    group.request([{ channel: 'cursor', params: params(1.5) }]);
    expect(jobs.map((j) => j.params.sigmaW2)).toEqual([1.5]); // no timer ran: started synchronously
    jobs[0].progress(result(250, false));
    group.request([{ channel: 'cursor', params: params(1.6) }]);
    expect(jobs[0].cancelled).toBe(true);
    expect(seen[0].result).toBeUndefined(); // the old point's value is not shown for the new one
    await Promise.resolve(); // the cancelled job's slot comes back in a microtask, not after a delay
    await Promise.resolve();
    expect(running().map((j) => [j.channel, j.params.sigmaW2])).toEqual([['cursor', 1.6]]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a new request while every point still waits keeps the same points array (a drag does not redraw them)', () => {
    const { lab, jobs } = scriptedLab();
    const seen: (readonly MeasuredPoint[])[] = [];
    const group = new MeasureGroup(lab, new JobScheduler(), { delayMs: 700 }, (p) => seen.push(p));
    const slice = (s: number) => [0, 1, 2].map((k) => ({ channel: `slice-${k}`, params: params(s + k / 10) }));
    group.request(slice(1));
    group.request(slice(1.1));
    group.request(slice(1.2));
    expect(seen.length).toBe(1);
    expect(seen[0].map((p) => p.status)).toEqual(['waiting', 'waiting', 'waiting']);
    group.request(slice(1.2).slice(0, 2)); // a different number of points: a new array
    expect(seen.length).toBe(2);
    vi.advanceTimersByTime(700);
    // the jobs are those of the last request
    expect(jobs.map((j) => [j.channel, j.params.sigmaW2])).toEqual([
      ['slice-0', 1.2],
      ['slice-1', 1.3],
    ]);
  });

  it('streams progress, keeps the final result, and ignores an identical request', async () => {
    const { lab, jobs } = scriptedLab();
    let seen: readonly MeasuredPoint[] = [];
    const group = new MeasureGroup(lab, new JobScheduler(), { delayMs: 0 }, (p) => (seen = p));
    group.request([{ channel: 'cursor', params: params(2) }]);
    vi.advanceTimersByTime(0);
    expect(seen[0].status).toBe('running');
    jobs[0].progress(result(250, false));
    expect(seen[0]).toMatchObject({ status: 'running', result: { samples: 250 } });
    jobs[0].resolve(result(1000, true));
    await vi.runAllTimersAsync();
    expect(seen[0]).toMatchObject({ status: 'done', result: { samples: 1000, done: true } });
    group.request([{ channel: 'cursor', params: params(2) }]);
    vi.advanceTimersByTime(10);
    expect(jobs.length).toBe(1);
    expect(seen[0].status).toBe('done');
  });

  it('cancels running jobs when the targets change and drops their late messages', async () => {
    const { lab, jobs } = scriptedLab();
    let seen: readonly MeasuredPoint[] = [];
    const group = new MeasureGroup(lab, new JobScheduler(), { delayMs: 0 }, (p) => (seen = p));
    group.request([
      { channel: 'slice-lambda-0', params: params(1) },
      { channel: 'slice-lambda-1', params: params(3) },
    ]);
    vi.advanceTimersByTime(0);
    expect(jobs.length).toBe(2);
    group.request([{ channel: 'slice-lambda-0', params: params(1.2) }]);
    expect(jobs[0].cancelled && jobs[1].cancelled).toBe(true);
    jobs[1].progress(result(10, false)); // from the superseded generation
    await vi.runAllTimersAsync();
    expect(seen.length).toBe(1);
    expect(seen[0].result).toBeUndefined();
    expect(jobs.length).toBe(3);
    expect(jobs[2].params.sigmaW2).toBe(1.2);
  });

  it('reports engine errors but not cancellations', async () => {
    const { lab, jobs } = scriptedLab();
    let seen: readonly MeasuredPoint[] = [];
    const group = new MeasureGroup(lab, new JobScheduler(), { delayMs: 0 }, (p) => (seen = p));
    group.request([{ channel: 'cursor', params: params(2) }]);
    vi.advanceTimersByTime(0);
    jobs[0].reject(new Error('depth (L) must be ≤ 100000'));
    await vi.runAllTimersAsync();
    expect(seen[0]).toMatchObject({ status: 'error', error: 'depth (L) must be ≤ 100000' });
    group.clear();
    expect(seen).toEqual([]);
  });

  it('runs at most maxConcurrent jobs and starts the next as each finishes', async () => {
    const { lab, jobs } = scriptedLab();
    let seen: readonly MeasuredPoint[] = [];
    const group = new MeasureGroup(lab, new JobScheduler(), { delayMs: 0, maxConcurrent: 2 }, (p) => (seen = p));
    group.request([0, 1, 2, 3].map((k) => ({ channel: `slice-sigma-${k}`, params: params(1 + k / 4) })));
    vi.advanceTimersByTime(0);
    expect(jobs.map((j) => j.channel)).toEqual(['slice-sigma-0', 'slice-sigma-1']);
    expect(seen.map((p) => p.status)).toEqual(['running', 'running', 'waiting', 'waiting']);
    jobs[1].resolve(result(1000, true));
    await vi.runAllTimersAsync();
    expect(jobs.map((j) => j.channel)).toEqual(['slice-sigma-0', 'slice-sigma-1', 'slice-sigma-2']);
    jobs[0].reject(new Error('failed in a worker'));
    await vi.runAllTimersAsync();
    expect(jobs.length).toBe(4);
    expect(seen.map((p) => p.status)).toEqual(['error', 'done', 'running', 'running']);
  });

  it('retries a job the lab refused because its job cap was momentarily full', async () => {
    const { lab, jobs } = scriptedLab();
    let seen: readonly MeasuredPoint[] = [];
    const group = new MeasureGroup(
      lab,
      new JobScheduler(),
      { delayMs: 0, refusedRetries: 1, retryDelayMs: 100 },
      (p) => (seen = p),
    );
    group.request([{ channel: 'cursor', params: params(2) }]);
    vi.advanceTimersByTime(0);
    jobs[0].reject(Object.assign(new Error('too many running jobs (8)'), { code: 'busy' }));
    await vi.advanceTimersByTimeAsync(50);
    expect(jobs.length).toBe(1);
    await vi.advanceTimersByTimeAsync(60);
    expect(jobs.length).toBe(2); // retried once
    jobs[1].reject(Object.assign(new Error('too many running jobs (8)'), { code: 'busy' }));
    await vi.runAllTimersAsync();
    expect(jobs.length).toBe(2); // retries exhausted: the refusal is shown
    expect(seen[0]).toMatchObject({ status: 'error', error: 'too many running jobs (8)' });
  });

  it('takes its slots from the shared scheduler: two groups stay under the cap together', async () => {
    const { lab, jobs, running } = scriptedLab();
    const scheduler = new JobScheduler(3);
    const cursor = new MeasureGroup(lab, scheduler, { delayMs: 0, maxConcurrent: 1, name: 'cursor' }, () => {});
    const slice = new MeasureGroup(lab, scheduler, { delayMs: 0, name: 'slice' }, () => {});
    slice.request([0, 1, 2, 3].map((k) => ({ channel: `slice-${k}`, params: params(1 + k / 4) })));
    vi.advanceTimersByTime(0);
    expect(running().length).toBe(3);
    cursor.request([{ channel: 'cursor', params: params(2) }]);
    vi.advanceTimersByTime(0);
    expect(running().length).toBe(3); // the cursor waits for a slot
    jobs[0].resolve(result(1000, true));
    await vi.advanceTimersByTimeAsync(0);
    // the freed slot goes to the cursor (it holds none), not to the slice's fourth point
    expect(running().map((j) => j.channel)).toEqual(['slice-1', 'slice-2', 'cursor']);
    cursor.clear();
    await vi.advanceTimersByTimeAsync(0);
    expect(running().map((j) => j.channel)).toEqual(['slice-1', 'slice-2', 'slice-3']);
    expect(scheduler.held).toBe(3);
  });
});
