import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { predictPoint } from '../../src-shared/theory';
import { scriptedLab, type ScriptedJob } from './fake-lab.test-util';
import { JobScheduler } from './job-scheduler';
import type { LayerView } from './measured-layer';
import { isCapacityRefusal, MeasuredLayerRunner } from './measured-layer-runner';
import { config, resultFor } from './measured-layer.test-util';

const refused = (message: string) => Object.assign(new Error(message), { code: 'refused' });
const busy = (message: string) => Object.assign(new Error(message), { code: 'busy' });
const flush = () => vi.advanceTimersByTimeAsync(0);

describe('MeasuredLayerRunner', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(opts = {}, scheduler = new JobScheduler()) {
    const { lab, jobs } = scriptedLab();
    let view: LayerView | null = null;
    const runner = new MeasuredLayerRunner(lab, scheduler, (v) => (view = v), {
      delayMs: 100,
      retryDelayMs: 50,
      ...opts,
    });
    return {
      runner,
      jobs,
      lab,
      view: () => view!,
      live: () => jobs.filter((j) => !j.cancelled && !('settled' in j)),
    };
  }

  /** Resolve the running (not cancelled) jobs in launch order, `count` of them. */
  async function land(jobs: ScriptedJob[], count: number, settled: Set<ScriptedJob>, make = resultFor): Promise<void> {
    for (const j of jobs.filter((x) => !x.cancelled && !settled.has(x)).slice(0, count)) {
      settled.add(j);
      j.resolve(make(j.params));
    }
    await flush();
  }

  it('debounces, keeps at most 6 jobs in flight, measures coarse cells first and each network once', async () => {
    const { runner, jobs, view } = setup();
    runner.configure(config({ levels: 2 }));
    expect(view().cellsPlanned).toBe(48 + 192);
    expect(jobs.length).toBe(0);
    await vi.advanceTimersByTimeAsync(99);
    expect(jobs.length).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(jobs.length).toBe(6);
    const settled = new Set<ScriptedJob>();
    const schedule = view().schedule!;
    while (view().level !== null) {
      const before = settled.size;
      await land(jobs, 6, settled);
      expect(settled.size).toBeGreaterThan(before);
      expect(view().running).toBeLessThanOrEqual(6);
    }
    expect(view().cellsDone).toBe(view().cellsPlanned);
    expect(jobs.length).toBe(schedule.jobs.length); // no job launched twice
    const launched = jobs.map((j) => `${j.params.sigmaW2}|${j.params.depth}`);
    expect(launched).toEqual(schedule.jobs.map((j) => `${j.sigmaW2}|${j.depth}`)); // coarse first, schedule order
    expect(
      jobs.every(
        (j, k) => j.params.seed === schedule.jobs[k].seed && j.params.samples === 500 && j.params.width === 30,
      ),
    ).toBe(true);
    // every finished job carries the theory at its own network
    const o = view().outcomes[3];
    const p = predictPoint({
      sigmaW2: schedule.jobs[3].sigmaW2,
      depth: schedule.jobs[3].depth,
      width: 30,
      inputDim: 30,
    });
    expect(o.predicted).toEqual({ finite: p.dispersion.finite, limit: p.dispersion.limit });
    runner.dispose();
  });

  it('switching off cancels every outstanding job and ignores their late results', async () => {
    const { runner, jobs, view } = setup();
    runner.configure(config());
    await vi.advanceTimersByTimeAsync(100);
    const settled = new Set<ScriptedJob>();
    await land(jobs, 2, settled);
    expect(view().cellsDone).toBeGreaterThanOrEqual(2);
    const inFlight = jobs.filter((j) => !settled.has(j));
    expect(inFlight.length).toBe(6);
    runner.configure(null);
    expect(inFlight.every((j) => j.cancelled)).toBe(true);
    expect(view().schedule).toBeNull();
    const version = view().version;
    for (const j of inFlight) j.resolve(resultFor(j.params)); // too late: already rejected as cancelled
    await vi.advanceTimersByTimeAsync(1000);
    expect(view().version).toBe(version);
    expect(view().cellsDone).toBe(0);
    expect(jobs.length).toBe(8); // nothing new after switching off
  });

  it('a new width cancels and restarts; an identical configuration changes nothing', async () => {
    const { runner, jobs, view } = setup();
    runner.configure(config({ width: 30 }));
    await vi.advanceTimersByTimeAsync(100);
    const first = [...jobs];
    runner.configure(config({ width: 30 }));
    expect(first.some((j) => j.cancelled)).toBe(false);
    runner.configure(config({ width: 40 }));
    expect(first.every((j) => j.cancelled)).toBe(true);
    expect(view().cellsDone).toBe(0);
    expect(view().schedule!.config.width).toBe(40);
    // an old job's rejection arrives after the restart: it must not count against the new layer
    await flush();
    expect(view().cellsFailed).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    const second = jobs.slice(first.length);
    expect(second.length).toBe(6);
    expect(
      second.every((j) => j.params.width === 40 && j.params.depth === Math.max(1, Math.round(j.params.depth))),
    ).toBe(true);
    const settled = new Set<ScriptedJob>(first);
    await land(jobs, 6, settled);
    expect(view().cellsDone).toBeGreaterThanOrEqual(6);
    runner.dispose();
  });

  it('re-queues jobs the lab refuses for lack of slots, but fails infeasible ones with the lab reason', async () => {
    const { runner, jobs, view } = setup({ maxInFlight: 3 });
    runner.configure(config({ levels: 1 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(jobs.length).toBe(3);
    jobs[2].reject(refused('Θ leaves float64: E[Θ] ≈ 1e300 … Lower the depth or σ_w².'));
    await flush();
    expect(view().outcomes[2]).toMatchObject({ status: 'failed', error: expect.stringContaining('float64') });
    expect(jobs.length).toBe(4); // a failure frees a slot: the next job starts
    jobs[1].reject(busy('too many running jobs (8); cancel one or start jobs on a channel'));
    await flush();
    expect(view().outcomes[1].status).toBe('queued'); // not failed: the lab was only busy
    // two of ours still run: the layer waits for one of them before asking again
    expect(jobs.length).toBe(4);
    jobs[0].resolve(resultFor(jobs[0].params));
    await flush();
    expect(jobs[4].params).toEqual(jobs[1].params); // job 1 again, before any new job
    expect(view().cellsFailed).toBe(view().schedule!.jobs[2].cells.length);
    runner.dispose();
  });

  it('with nothing of its own running, retries a capacity refusal after a delay', async () => {
    const { runner, jobs, view } = setup({ maxInFlight: 1 });
    runner.configure(config({ levels: 1 }));
    await vi.advanceTimersByTimeAsync(100);
    jobs[0].reject(busy('too many running jobs (8)'));
    await flush();
    expect(jobs.length).toBe(1);
    expect(view().outcomes[0].status).toBe('queued');
    await vi.advanceTimersByTimeAsync(50);
    expect(jobs.length).toBe(2);
    expect(jobs[1].params).toEqual(jobs[0].params);
    runner.dispose();
  });

  it('gives a slot back when another lane of the scheduler waits, and measures the pre-empted job later', async () => {
    const scheduler = new JobScheduler(7);
    const { runner, jobs, view } = setup({}, scheduler);
    runner.configure(config({ levels: 1 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(jobs.length).toBe(6);
    // the cursor takes the seventh slot; the slices then ask for three more
    const others: string[] = [];
    const cursor = scheduler.lane({ name: 'cursor' });
    const slices = scheduler.lane({ name: 'slices' });
    cursor.request(() => others.push('cursor'));
    for (let k = 0; k < 3; k++) slices.request(() => others.push('slice'));
    expect(others).toEqual(['cursor']);
    // fair shares of 7 slots: layer 3, cursor 1, slices 3: the layer cancels its three newest jobs, one at a time
    await flush();
    expect(view().running).toBe(3);
    expect(jobs.slice(3).every((j) => j.cancelled)).toBe(true);
    expect(jobs.slice(0, 3).some((j) => j.cancelled)).toBe(false);
    expect(others).toEqual(['cursor', 'slice', 'slice', 'slice']);
    expect(view().cellsFailed).toBe(0);
    expect(scheduler.held).toBe(7);
    const settled = new Set<ScriptedJob>();
    await land(jobs, 1, settled);
    expect(jobs.length).toBe(7);
    expect(jobs[6].params).toEqual(jobs[3].params); // the coarsest pre-empted job goes first
    runner.dispose();
  });

  it('stops for good when the connection is lost', async () => {
    const { runner, jobs, view } = setup();
    runner.configure(config({ levels: 1 }));
    await vi.advanceTimersByTimeAsync(100);
    jobs[0].reject(Object.assign(new Error('Lost the connection to the lab: closed'), { code: 'disconnected' }));
    await flush();
    expect(view().halted).toContain('Lost the connection');
    expect(jobs.slice(1).every((j) => j.cancelled)).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(jobs.length).toBe(6);
  });

  it('tells a capacity refusal (retry later) from a final one', () => {
    expect(isCapacityRefusal(busy('too many running jobs (8)'))).toBe(true);
    expect(isCapacityRefusal(refused('Θ leaves float64'))).toBe(false);
    expect(isCapacityRefusal(Object.assign(new Error('too many running jobs'), { code: 'failed' }))).toBe(false);
  });
});
