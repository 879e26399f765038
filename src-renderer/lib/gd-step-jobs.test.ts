import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GdStepParamsInput, GdStepResult } from '../../src-shared/contract/gd-step';
import { scriptedLab } from './fake-lab.test-util';
import { JobScheduler } from './job-scheduler';
import { GdStepGroup, type GdPoint, type GdTarget } from './gd-step-jobs';

const params = (sigmaW2: number): GdStepParamsInput => ({
  sigmaW2,
  depth: 10,
  width: 20,
  inputDim: 20,
  lr: 1e-3,
  samples: 100,
  seed: 1,
  method: 'exact',
});
/** σ_w² of a started job (not every kind's params have one: read it as the gd-step params it is here). */
const sigmaW2Of = (spec: { params: unknown }) => (spec.params as GdStepParamsInput).sigmaW2;
const target = (channel: string, sigmaW2: number): GdTarget => ({ channel, params: params(sigmaW2) });
const result = (samples: number, done: boolean): GdStepResult => ({
  sigmaW2: 2,
  depth: 10,
  width: 20,
  inputDim: 20,
  sigmaB2: 0,
  activation: 'relu',
  lr: 1e-3,
  target: 0,
  scale: 1,
  inputNorm: 1,
  samples,
  samplesRequested: 100,
  seed: 1,
  method: 'exact',
  backend: 'test',
  relativeChange: { estimate: 0.05, stderr: 0.004 },
  absRelativeChange: { estimate: 0.07, stderr: 0.003 },
  meanTheta: { estimate: 12, stderr: 0.5 },
  diverged: 0,
  seconds: 0.5,
  done,
});
const output = (samples: number, done: boolean) => ({ kind: 'gd-step' as const, result: result(samples, done) });

describe('GdStepGroup', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('refine: runs a finished point again with the networks it asks for, on its slot, until it says stop', async () => {
    const { lab, specJobs, runningSpecJobs } = scriptedLab();
    let seen: readonly GdPoint[] = [];
    const asked: number[] = [];
    const refine = (r: GdStepResult) => {
      asked.push(r.samples);
      return r.samples < 400 ? r.samples * 4 : null;
    };
    const scheduler = new JobScheduler(1);
    const group = new GdStepGroup(lab, scheduler, { delayMs: 0, maxConcurrent: 1, refine }, (p) => (seen = p));
    group.request([target('a', 1), target('b', 2)]);
    await vi.advanceTimersByTimeAsync(0);
    expect(specJobs.map((j) => (j.spec.params as GdStepParamsInput).samples)).toEqual([100]);
    specJobs[0].resolve(output(100, true));
    await vi.advanceTimersByTimeAsync(0);
    // the same point again with 400 networks, before 'b' gets the one slot; the 100-network value stays shown
    expect(runningSpecJobs().map((j) => [j.channel, (j.spec.params as GdStepParamsInput).samples])).toEqual([
      ['a', 400],
    ]);
    expect(seen[0]).toMatchObject({ status: 'running', result: { samples: 100 } });
    specJobs[1].resolve(output(400, true));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen[0]).toMatchObject({ status: 'done', result: { samples: 400 } });
    expect(asked).toEqual([100, 400]);
    expect(runningSpecJobs().map((j) => j.channel)).toEqual(['b']);
    // new targets start from their own count again
    group.request([target('a', 1.5)]);
    await vi.advanceTimersByTimeAsync(0);
    expect((runningSpecJobs()[0].spec.params as GdStepParamsInput).samples).toBe(100);
    expect(scheduler.held).toBe(1);
  });

  it('debounces, runs gd-step jobs on their channels at most maxConcurrent at a time, and streams progress', async () => {
    const { lab, specJobs, runningSpecJobs } = scriptedLab();
    let seen: readonly GdPoint[] = [];
    const group = new GdStepGroup(lab, new JobScheduler(), { delayMs: 200, maxConcurrent: 2 }, (p) => (seen = p));
    group.request([target('a', 1), target('b', 2), target('c', 2.2)]);
    vi.advanceTimersByTime(150);
    group.request([target('a', 1.1), target('b', 2), target('c', 2.2)]);
    vi.advanceTimersByTime(150);
    expect(specJobs.length).toBe(0);
    vi.advanceTimersByTime(50);
    expect(specJobs.map((j) => [j.channel, j.spec.kind, sigmaW2Of(j.spec)])).toEqual([
      ['a', 'gd-step', 1.1],
      ['b', 'gd-step', 2],
    ]);
    expect(seen.map((p) => p.status)).toEqual(['running', 'running', 'waiting']);
    specJobs[0].progress(output(30, false));
    expect(seen[0]).toMatchObject({ status: 'running', result: { samples: 30 } });
    specJobs[0].resolve(output(100, true));
    await vi.runAllTimersAsync();
    expect(seen[0]).toMatchObject({ status: 'done', result: { samples: 100 } });
    expect(runningSpecJobs().map((j) => j.channel)).toEqual(['b', 'c']); // the freed slot went to the queue
  });

  it('cancels running jobs when the targets change and drops their late messages', async () => {
    const { lab, specJobs } = scriptedLab();
    let seen: readonly GdPoint[] = [];
    const group = new GdStepGroup(lab, new JobScheduler(), { delayMs: 0, maxConcurrent: 4 }, (p) => (seen = p));
    group.request([target('a', 1)]);
    vi.advanceTimersByTime(0);
    const old = specJobs[0];
    group.request([target('a', 3)]);
    expect(old.cancelled).toBe(true);
    old.progress(output(50, false)); // a late message from the superseded job
    expect(seen[0].status).toBe('waiting');
    vi.advanceTimersByTime(0);
    expect(sigmaW2Of(specJobs[1].spec)).toBe(3);
    await vi.runAllTimersAsync();
    expect(seen[0].status).toBe('running');
  });

  it('shows the lab’s reason inline and keeps a partial result, marked failed', async () => {
    const { lab, specJobs } = scriptedLab();
    let seen: readonly GdPoint[] = [];
    const group = new GdStepGroup(lab, new JobScheduler(), { delayMs: 0, maxConcurrent: 1 }, (p) => (seen = p));
    group.request([target('a', 1)]);
    vi.advanceTimersByTime(0);
    specJobs[0].progress(output(20, false));
    specJobs[0].fail('refused', 'dense method: 4 GB of weights, over the limit');
    await vi.runAllTimersAsync();
    expect(seen[0]).toMatchObject({
      status: 'error',
      error: 'dense method: 4 GB of weights, over the limit',
      result: { samples: 20 },
    });
  });

  it('never sends a target whose parameters are invalid; it shows why at once', () => {
    const { lab, specJobs } = scriptedLab();
    let seen: readonly GdPoint[] = [];
    const group = new GdStepGroup(lab, new JobScheduler(), { delayMs: 0, maxConcurrent: 2 }, (p) => (seen = p));
    group.request([{ channel: 'a', params: { invalid: 'lr (η) must be > 0' } }, target('b', 2)]);
    expect(seen[0]).toEqual({ status: 'error', error: 'lr (η) must be > 0' });
    vi.advanceTimersByTime(0);
    expect(specJobs.map((j) => j.channel)).toEqual(['b']);
  });

  it('retries a busy answer after a delay, then gives the lab’s reason when retries run out', async () => {
    const { lab, specJobs } = scriptedLab();
    let seen: readonly GdPoint[] = [];
    const group = new GdStepGroup(
      lab,
      new JobScheduler(),
      { delayMs: 0, maxConcurrent: 1, busyRetries: 1, retryDelayMs: 300 },
      (p) => (seen = p),
    );
    group.request([target('a', 1)]);
    vi.advanceTimersByTime(0);
    specJobs[0].fail('busy', 'too many running jobs');
    await vi.advanceTimersByTimeAsync(299);
    expect(specJobs.length).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(specJobs.length).toBe(2);
    specJobs[1].fail('busy', 'too many running jobs');
    await vi.runAllTimersAsync();
    expect(specJobs.length).toBe(2);
    expect(seen[0]).toMatchObject({ status: 'error', error: 'too many running jobs' });
  });

  it('suspend cancels what runs and keeps what finished; the same request resumes only the unfinished', async () => {
    const { lab, specJobs, runningSpecJobs } = scriptedLab();
    let seen: readonly GdPoint[] = [];
    const group = new GdStepGroup(lab, new JobScheduler(), { delayMs: 0, maxConcurrent: 2 }, (p) => (seen = p));
    const targets = [target('a', 1), target('b', 2), target('c', 2.2)];
    group.request(targets);
    vi.advanceTimersByTime(0);
    specJobs[0].resolve(output(100, true));
    await vi.runAllTimersAsync();
    expect(runningSpecJobs().map((j) => j.channel)).toEqual(['b', 'c']);
    group.suspend();
    expect(runningSpecJobs()).toEqual([]);
    expect(seen.map((p) => p.status)).toEqual(['done', 'waiting', 'waiting']);
    await vi.runAllTimersAsync();
    expect(specJobs.length).toBe(3); // nothing restarts while suspended
    group.request(targets.map((t) => ({ ...t })));
    await vi.advanceTimersByTimeAsync(0);
    expect(specJobs.slice(3).map((j) => j.channel)).toEqual(['b', 'c']);
    expect(seen[0]).toMatchObject({ status: 'done', result: { samples: 100 } });
    group.dispose();
    expect(runningSpecJobs()).toEqual([]);
  });

  it('holds new targets while not running: no stale result is shown and nothing starts until run', async () => {
    const { lab, specJobs, runningSpecJobs } = scriptedLab();
    let seen: readonly GdPoint[] = [];
    const group = new GdStepGroup(lab, new JobScheduler(), { delayMs: 0, maxConcurrent: 2 }, (p) => (seen = p));
    group.request([target('a', 1)]);
    vi.advanceTimersByTime(0);
    specJobs[0].resolve(output(100, true));
    await vi.runAllTimersAsync();
    group.request([target('a', 1.5)], false); // the parameters change while stopped
    expect(seen).toEqual([{ status: 'waiting' }]);
    await vi.runAllTimersAsync();
    expect(specJobs.length).toBe(1);
    group.request([target('a', 1.5)], false); // same held targets: still nothing
    await vi.runAllTimersAsync();
    expect(specJobs.length).toBe(1);
    group.request([target('a', 1.5)], true);
    await vi.advanceTimersByTimeAsync(0);
    expect(runningSpecJobs().map((j) => sigmaW2Of(j.spec))).toEqual([1.5]);
    group.request([target('a', 1.5)], false); // stop while running: cancelled, unfinished
    expect(specJobs[1].cancelled).toBe(true);
    expect(seen[0].status).toBe('waiting');
  });
});
