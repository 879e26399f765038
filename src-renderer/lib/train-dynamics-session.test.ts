import { describe, expect, it } from 'vitest';
import { scriptedLab } from './fake-lab.test-util';
import { planRuns } from './train-dynamics-view';
import { TrainSession, TRAIN_CHANNEL, type SessionSnapshot } from './train-dynamics-session';
import { JobScheduler } from './job-scheduler';
import { diverged, progress, record, summary, tiny } from './train-dynamics.test-util';

describe('TrainSession', () => {
  const plan = planRuns(tiny);

  function session() {
    const fake = scriptedLab();
    const seen: SessionSnapshot[] = [];
    let t = 0;
    const s = new TrainSession(fake.lab, new JobScheduler(), plan, (x) => seen.push(x), { now: () => t });
    return { fake, s, seen, last: () => seen[seen.length - 1], tick: (ms: number) => (t += ms) };
  }

  it('runs the σ_w² one after another on one channel, streaming records, and ends done', async () => {
    const { fake, s, last } = session();
    s.start();
    expect(fake.specJobs).toHaveLength(1);
    const j0 = fake.specJobs[0];
    expect(j0.channel).toBe(TRAIN_CHANNEL);
    expect(j0.spec).toEqual({ kind: 'train-dynamics', params: plan[0].params });
    expect(last().status).toBe('running');
    expect(last().runs.map((r) => r.status)).toEqual(['running', 'queued', 'queued']);
    for (const st of [0, 3, 6]) j0.progress(progress(record(st)));
    expect(last().runs[0].records.map((r) => r.step)).toEqual([0, 3, 6]);
    expect(last().runs[0].backend).toBe('wasm');
    j0.resolve(summary(3));
    await Promise.resolve();
    expect(fake.specJobs).toHaveLength(2);
    expect((fake.specJobs[1].spec.params as { sigmaW2: number }).sigmaW2).toBe(2);
    fake.specJobs[1].resolve(summary(0));
    await Promise.resolve();
    fake.specJobs[2].resolve(summary(0));
    await Promise.resolve();
    expect(last().status).toBe('done');
    expect(last().runs.map((r) => r.status)).toEqual(['done', 'done', 'done']);
    expect(last().current).toBeNull();
  });

  it('pauses and resumes the running job; a run ending while paused does not start the next until Resume', async () => {
    const { fake, s, last, tick } = session();
    s.start();
    const j0 = fake.specJobs[0];
    j0.progress(progress(record(0)));
    expect(await s.pause()).toBe(true);
    expect(j0.paused).toBe(true);
    expect(last().status).toBe('paused');
    expect(last().runs[0].status).toBe('paused');
    tick(500);
    expect(await s.resume()).toBe(true);
    expect(j0.paused).toBe(false);
    expect(last().runs[0].pauses).toEqual([{ startMs: 0, endMs: 500, afterRecords: 1 }]);
    await s.pause();
    j0.resolve(summary(1));
    await Promise.resolve();
    expect(fake.specJobs).toHaveLength(1);
    expect(last().status).toBe('paused');
    expect(last().runs.map((r) => r.status)).toEqual(['done', 'queued', 'queued']);
    await s.resume();
    expect(fake.specJobs).toHaveLength(2);
    expect(last().runs[1].status).toBe('running');
  });

  it('stays running when the lab cannot pause', async () => {
    const fake = scriptedLab();
    const lab = {
      ...fake.lab,
      job: (...a: Parameters<typeof fake.lab.job>) => ({ ...fake.lab.job(...a), pause: async () => false }),
    };
    const seen: SessionSnapshot[] = [];
    const s = new TrainSession(lab, new JobScheduler(), plan, (x) => seen.push(x));
    s.start();
    expect(await s.pause()).toBe(false);
    expect(seen[seen.length - 1].status).toBe('running');
    expect(seen[seen.length - 1].runs[0].status).toBe('running');
    expect(seen[seen.length - 1].runs[0].pauses).toEqual([]);
    s.cancel();
  });

  it('cancel keeps the records in, cancels the job and never starts the queued runs', async () => {
    const { fake, s, last } = session();
    s.start();
    const j0 = fake.specJobs[0];
    j0.progress(progress(record(0)));
    j0.progress(progress(record(3)));
    s.cancel();
    expect(j0.cancelled).toBe(true);
    await Promise.resolve();
    expect(last().status).toBe('cancelled');
    expect(last().runs.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(last().runs[0].records.map((r) => r.step)).toEqual([0, 3]);
    j0.progress(progress(record(6))); // a late message from the cancelled job is ignored
    expect(last().runs[0].records).toHaveLength(2);
    expect(fake.specJobs).toHaveLength(1);
  });

  it('a failed run does not stop the others; the session ends failed with the reason; a diverged run is marked', async () => {
    const { fake, s, last } = session();
    s.start();
    fake.specJobs[0].fail('failed', 'worker crashed');
    await Promise.resolve();
    expect(last().runs[0].status).toBe('failed');
    expect(last().runs[0].error).toBe('worker crashed');
    const j1 = fake.specJobs[1];
    j1.progress(progress(record(0)));
    j1.progress(progress(diverged(3)));
    j1.resolve(summary(2));
    await Promise.resolve();
    expect(last().runs[1].status).toBe('diverged');
    expect(last().runs[1].divergedAt).toBe(3);
    fake.specJobs[2].resolve(summary(0));
    await Promise.resolve();
    expect(last().status).toBe('failed');
    expect(last().error).toBe('σ_w² = 1: worker crashed');
  });

  it('a job cancelled by the lab (superseded on its channel) stops the session like Cancel', async () => {
    const { fake, s, last } = session();
    s.start();
    fake.specJobs[0].fail('cancelled', 'superseded by a newer job');
    await Promise.resolve();
    expect(last().status).toBe('cancelled');
    expect(last().runs[0].error).toBe('superseded by a newer job');
    expect(fake.specJobs).toHaveLength(1);
  });
});
