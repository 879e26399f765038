// Issue 17: fair and bounded connections. A scripted host (jobs report and finish when the test says) and fake
// timers: every assertion counts messages, none depends on how fast this machine is.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobOutput, ServerMessage } from '../../src-shared/contract/messages';
import type { PauseControl } from '../tf/tf-host';
import { LabConnectionImpl, type ConnectionHost, type ConnectionOptions } from './connection';

const measureParams = { sigmaW2: 2, depth: 4, width: 8, inputDim: 8, samples: 8, seed: 1 };

interface Run {
  onProgress: (o: JobOutput) => void;
  resolve: (o: JobOutput) => void;
  signal: AbortSignal;
  pause: PauseControl;
}

/** A host whose jobs report and finish when the test says; `slots` is the service-wide cap. */
function scripted(opts: { slots?: number; pausable?: boolean; progress?: 'snapshot' | 'record' } = {}) {
  const runs: Run[] = [];
  let seq = 0;
  const state = { reserved: 0, tfJobs: 0 };
  const slots = opts.slots ?? 100;
  const host: ConnectionHost = {
    checkJob: (job) => ({
      kind: job.kind,
      params: job.params,
      pausable: opts.pausable ?? false,
      progress: opts.progress ?? 'snapshot',
      run: () => Promise.reject(new Error('runs through runJob')),
    }),
    runJob: (_job, onProgress, signal, pause) =>
      new Promise<JobOutput>((resolve) => runs.push({ onProgress, resolve, signal, pause })),
    info: () => {
      throw new Error('not asked');
    },
    setTfWorkers: () => {
      throw new Error('not asked');
    },
    nextJobId: () => `job-${++seq}`,
    reserveJob: () => (state.reserved < slots ? (state.reserved++, true) : false),
    releaseJob: () => void state.reserved--,
    maxJobs: slots,
    tfJobs: () => state.tfJobs,
  };
  return { host, runs, state };
}

function connect(host: ConnectionHost, options: ConnectionOptions = {}) {
  const sent: ServerMessage[] = [];
  const conn = new LabConnectionImpl(host, (m) => sent.push(m), 'in-process', undefined, options);
  const start = (id: string) =>
    conn.handle({ kind: 'request', id, method: 'job.start', job: { kind: 'measure', params: measureParams } });
  const events = (event: string, jobId?: string) =>
    sent.filter((m) => m.kind === 'event' && m.event === event && (jobId === undefined || m.jobId === jobId));
  return { conn, sent, start, events };
}

/** A progress output that carries its sequence number (in `samples`) so the test can tell which one was sent. */
const progress = (n: number) => ({ kind: 'measure', result: { samples: n } }) as unknown as JobOutput;
const seqOf = (m: ServerMessage) =>
  m.kind === 'event' && m.event === 'job.progress' ? (m.output as unknown as { result: { samples: number } }) : null;
const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('LabConnection: progress coalesced across jobs', () => {
  it('8 jobs reporting every millisecond for 2 s send ≤ 20 progress messages per second, each the latest, in turn', async () => {
    const { host, runs } = scripted();
    const { conn, sent, start, events } = connect(host);
    for (let i = 0; i < 8; i++) start(`s${i}`);
    expect(runs).toHaveLength(8);
    const latest = new Map<string, number>();
    const stale: string[] = [];
    const checked: ServerMessage[] = [];
    // check, at each send, that the message is the newest progress its job had reported by then
    const check = () => {
      for (const m of sent.splice(0)) {
        const s = seqOf(m);
        if (s && m.kind === 'event' && s.result.samples !== latest.get(m.jobId)) stale.push(m.jobId);
        if (m.kind === 'event') checked.push(m);
      }
    };
    for (let ms = 0; ms < 2000; ms++) {
      runs.forEach((r, i) => {
        latest.set(`job-${i + 1}`, ms);
        r.onProgress(progress(ms));
      });
      check();
      vi.advanceTimersByTime(1);
      check();
    }
    const progressCount = checked.filter((m) => m.kind === 'event' && m.event === 'job.progress').length;
    expect(progressCount).toBeGreaterThanOrEqual(39); // one per 50 ms, not 16,000
    expect(progressCount).toBeLessThanOrEqual(41);
    expect(stale).toEqual([]);
    // fair: the jobs take turns, so each got its share
    for (let i = 1; i <= 8; i++) {
      const mine = checked.filter((m) => m.kind === 'event' && m.jobId === `job-${i}`).length;
      expect(mine).toBeGreaterThanOrEqual(4);
    }
    // final results are never coalesced or delayed, and no stale progress follows them
    runs.forEach((r) => r.onProgress(progress(9999)));
    runs.forEach((r) => r.resolve(progress(10_000)));
    await settle();
    sent.splice(0, 0, ...checked);
    expect(events('job.done')).toHaveLength(8);
    const before = sent.length;
    vi.advanceTimersByTime(1000);
    expect(sent.length).toBe(before);
    conn.close();
  });

  it('a lone job reports at once; the next progress waits for the interval', () => {
    const { host, runs } = scripted();
    const { conn, start, events } = connect(host, { progressIntervalMs: 100 });
    start('a');
    runs[0].onProgress(progress(1));
    expect(events('job.progress')).toHaveLength(1);
    runs[0].onProgress(progress(2));
    runs[0].onProgress(progress(3));
    vi.advanceTimersByTime(99);
    expect(events('job.progress')).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(events('job.progress').map((m) => seqOf(m)!.result.samples)).toEqual([1, 3]);
    conn.close();
  });
});

describe('LabConnection: records are never coalesced', () => {
  it('every point of a sweep (a record, not a snapshot) is delivered, in order', () => {
    const { host, runs } = scripted({ progress: 'record' });
    const { conn, start, events } = connect(host);
    start('a');
    start('b');
    for (let n = 0; n < 100; n++) runs.forEach((r) => r.onProgress(progress(n)));
    const seqs = (jobId: string) => events('job.progress', jobId).map((m) => seqOf(m)!.result.samples);
    expect(seqs('job-1')).toEqual([...Array(100).keys()]);
    expect(seqs('job-2')).toEqual([...Array(100).keys()]);
    conn.close();
  });
});

describe('LabConnection: back-pressure from a client that does not read', () => {
  it('holds progress while the backlog is above 1 MiB, keeps results and answers, and resumes when it drains', async () => {
    const { host, runs } = scripted();
    let backlog = 0;
    const { conn, start, events, sent } = connect(host, { backlog: () => backlog });
    start('a');
    start('b');
    backlog = 2 << 20; // a slow client: 2 MiB unsent
    for (let ms = 0; ms < 500; ms++) {
      runs[0].onProgress(progress(ms));
      vi.advanceTimersByTime(1);
    }
    expect(events('job.progress')).toHaveLength(0);
    runs[1].resolve(progress(7)); // a final result still goes out
    await settle();
    expect(events('job.done', 'job-2')).toHaveLength(1);
    conn.handle({ kind: 'request', id: 'c', method: 'job.cancel', jobId: 'nope' });
    expect(sent.at(-1)).toMatchObject({ kind: 'response', id: 'c', ok: true });
    backlog = 0;
    vi.advanceTimersByTime(50);
    expect(events('job.progress').map((m) => seqOf(m)!.result.samples)).toEqual([499]); // only the latest
    conn.close();
  });

  it('closes a client whose backlog passes 16 MiB: terminates the transport, cancels its jobs, frees their slots', async () => {
    const { host, runs, state } = scripted();
    let backlog = 0;
    const terminate = vi.fn();
    const { conn, start, sent } = connect(host, { backlog: () => backlog, terminate });
    start('a');
    start('b');
    expect(state.reserved).toBe(2);
    backlog = 17 << 20;
    const count = sent.length;
    conn.handle({ kind: 'request', id: 'i', method: 'job.cancel', jobId: 'job-1' });
    expect(terminate).toHaveBeenCalledTimes(1);
    expect(sent.length).toBe(count);
    expect(runs.every((r) => r.signal.aborted)).toBe(true);
    expect(state.reserved).toBe(0);
    conn.handle({ kind: 'request', id: 'j', method: 'lab.info' });
    expect(sent.length).toBe(count);
  });
});

describe('LabConnection: the service-wide job cap', () => {
  it('answers busy beyond the cap across connections, and a finished job frees its slot', async () => {
    const { host, runs, state } = scripted({ slots: 3 });
    const one = connect(host);
    const two = connect(host);
    one.start('a');
    one.start('b');
    two.start('c');
    two.start('d');
    expect(two.sent.at(-1)).toMatchObject({
      kind: 'response',
      id: 'd',
      ok: false,
      error: { code: 'busy', message: expect.stringMatching(/maximum of 3 jobs across all clients/) },
    });
    expect(runs).toHaveLength(3);
    runs[0].resolve(progress(1));
    await settle();
    expect(state.reserved).toBe(2);
    two.start('e');
    expect(two.sent.at(-1)).toMatchObject({ kind: 'response', id: 'e', ok: true });
    two.conn.handle({ kind: 'request', id: 'k', method: 'job.cancel', jobId: 'job-5' }); // d took job-4 and was refused
    expect(state.reserved).toBe(2);
    one.conn.close();
    two.conn.close();
    expect(state.reserved).toBe(0);
  });
});

describe('LabConnection: a paused TensorFlow.js job does not hold the worker forever', () => {
  const pause = (conn: LabConnectionImpl, jobId: string, paused: boolean) =>
    conn.handle({ kind: 'request', id: `p-${jobId}-${paused}`, method: 'job.pause', jobId, paused });

  it('is cancelled once paused past the time box while another client’s TensorFlow.js job waits', () => {
    const { host, runs, state } = scripted({ pausable: true });
    const { conn, start, events } = connect(host, { pauseLimitMs: 30_000 });
    start('a');
    state.tfJobs = 1;
    pause(conn, 'job-1', true);
    expect(runs[0].pause.paused).toBe(true);
    vi.advanceTimersByTime(120_000); // nobody waits: a pause may last
    expect(events('job.error')).toHaveLength(0);
    state.tfJobs = 2; // another client's job queues behind it
    vi.advanceTimersByTime(30_000);
    expect(events('job.error', 'job-1')).toHaveLength(1);
    expect(events('job.error', 'job-1')[0]).toMatchObject({
      error: { code: 'cancelled', message: expect.stringMatching(/paused for more than 30 s while 1 other/) },
    });
    expect(runs[0].signal.aborted).toBe(true);
    expect(state.reserved).toBe(0);
  });

  it('a resumed job is not cancelled', () => {
    const { host, state } = scripted({ pausable: true });
    const { conn, start, events } = connect(host, { pauseLimitMs: 30_000 });
    start('a');
    state.tfJobs = 2;
    pause(conn, 'job-1', true);
    vi.advanceTimersByTime(29_000);
    pause(conn, 'job-1', false);
    vi.advanceTimersByTime(60_000);
    expect(events('job.error')).toHaveLength(0);
    conn.close();
  });
});

describe('LabConnection: a live cursor (a job on every move, issue 16)', () => {
  it('200 moves on one channel beside 7 other jobs: never busy, each supersedes the last, its slot freed at once', async () => {
    const { host, runs, state } = scripted({ slots: 8 });
    const { conn, sent, events } = connect(host);
    const start = (id: string, channel?: string) =>
      conn.handle({
        kind: 'request',
        id,
        method: 'job.start',
        job: { kind: 'measure', params: measureParams },
        ...(channel ? { channel } : {}),
      });
    for (let i = 0; i < 7; i++) start(`slice${i}`, `slice-${i}`); // the connection's other lanes, all running
    for (let k = 0; k < 200; k++) start(`move${k}`, 'cursor');
    await settle();
    const answers = sent.filter((m) => m.kind === 'response');
    expect(answers).toHaveLength(207);
    expect(answers.every((m) => m.kind === 'response' && m.ok)).toBe(true);
    expect(state.reserved).toBe(8); // 7 slices + the newest cursor job: the superseded ones released their slots
    expect(runs.filter((r) => !r.signal.aborted)).toHaveLength(8);
    expect(events('job.error')).toHaveLength(199); // each superseded cursor job was told so once
    // the newest cursor job still reports
    runs[runs.length - 1].resolve({ kind: 'measure', result: { samples: 8 } } as unknown as JobOutput);
    await settle();
    expect(events('job.done')).toHaveLength(1);
  });
});
