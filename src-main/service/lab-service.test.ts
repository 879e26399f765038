import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import {
  serverMessageSchema,
  type JobOutput,
  type LabEvent,
  type Response,
  type ServerMessage,
} from '../../src-shared/contract/messages';
import type { MeasureParamsInput, MeasureResult } from '../../src-shared/contract/measure';
import { FIXTURE_EXIT_SEED } from '../engine/worker-pool.fixture';
import { LabConnectionImpl, type ConnectionHost } from './connection';
import { BACKEND, LabService, LabServiceError, type LabConnection } from './lab-service';

const fixture = new URL('../engine/worker-pool.fixture.ts', import.meta.url);
const services: LabService[] = [];
function service(opts: ConstructorParameters<typeof LabService>[0]): LabService {
  const s = new LabService(opts);
  services.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(services.map((s) => s.close()));
});

/** Let `n` macrotasks run (each setImmediate callback queued before this one runs first): counted turns, no clock. */
async function macrotasks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
}

/** A client that records every message (each checked against the wire schema) and can wait for one. */
class Client {
  readonly messages: ServerMessage[] = [];
  readonly connection: LabConnection;
  private waiters: (() => void)[] = [];
  /** `onMessage` runs synchronously as each message is sent (a test may answer it at once, e.g. with job.pause). */
  constructor(svc: LabService, onMessage?: (msg: ServerMessage, client: Client) => void) {
    this.connection = svc.connect((msg) => {
      const valid = serverMessageSchema.safeParse(msg);
      if (!valid.success) throw new Error(`invalid server message: ${JSON.stringify(msg)}`);
      this.messages.push(msg);
      onMessage?.(msg, this);
      for (const w of this.waiters.splice(0)) w();
    }, 'in-process');
  }
  async waitFor<T extends ServerMessage>(pred: (m: ServerMessage) => m is T, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(pred);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`timed out; got ${JSON.stringify(this.messages.map((m) => ('event' in m ? m.event : m.id)))}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }
  response(id: string): Promise<Response> {
    return this.waitFor((m): m is Response => m.kind === 'response' && m.id === id);
  }
  event(jobId: string, event: LabEvent['event'], timeoutMs?: number): Promise<LabEvent> {
    return this.waitFor((m): m is LabEvent => m.kind === 'event' && m.jobId === jobId && m.event === event, timeoutMs);
  }
  eventsOf(jobId: string): LabEvent[] {
    return this.messages.filter((m): m is LabEvent => m.kind === 'event' && m.jobId === jobId);
  }
  async start(id: string, params: MeasureParamsInput, channel?: string): Promise<string> {
    this.connection.handle({
      kind: 'request',
      id,
      method: 'job.start',
      job: { kind: 'measure', params },
      ...(channel ? { channel } : {}),
    });
    const r = await this.response(id);
    if (!r.ok) throw new Error(`start refused: ${r.error.message}`);
    return (r.result as { jobId: string }).jobId;
  }
}

const small = { sigmaW2: 2, depth: 10, width: 20, inputDim: 20, samples: 100, seed: 3 } satisfies MeasureParamsInput;

describe('LabService requests', () => {
  // progressShare 1: the progress budget never holds a summary back, so the counts below do not depend on the clock
  const svc = service({ workers: 2, blockSize: 16, progressIntervalMs: 0, progressShare: 1 });
  // One worker delivers blocks one at a time in order, so a job of 7 blocks always streams progress before done
  // (with two, a slow block 0 can let all 7 arrive in one delivery: no partial result, correctly).
  const serial = service({ workers: 1, blockSize: 16, progressIntervalMs: 0, progressShare: 1 });

  it('answers malformed messages with bad-request and keeps serving', async () => {
    const c = new Client(svc);
    const bad: [unknown, string, RegExp][] = [
      [42, '?', /expected object/],
      ['{not json', '?', /malformed JSON/],
      [{ kind: 'request', id: 'u1', method: 'measure.explode' }, 'u1', /method/],
      [{ kind: 'request', method: 'lab.info' }, '?', /id/],
      [
        {
          kind: 'request',
          id: 'w1',
          method: 'job.start',
          job: { kind: 'measure', params: { ...small, width: 'NaN' } },
        },
        'w1',
        /job\.params\.width: width \(M\) must be a number/,
      ],
      [
        { kind: 'request', id: 'd1', method: 'job.start', job: { kind: 'measure', params: { ...small, depth: -3 } } },
        'd1',
        /job\.params\.depth: depth \(L\) must be ≥ 1/,
      ],
      [{ kind: 'request', id: 'x'.repeat(65), method: 'lab.info' }, '?', /id/],
    ];
    for (const [raw, id, message] of bad) {
      const before = c.messages.length;
      expect(() => c.connection.handle(raw)).not.toThrow();
      expect(c.messages.length).toBe(before + 1); // answered synchronously, exactly once
      const r = c.messages[before] as Response;
      expect(r).toMatchObject({ kind: 'response', id, ok: false, error: { code: 'bad-request' } });
      if (!r.ok) expect(r.error.message).toMatch(message);
    }
    c.connection.handle({ kind: 'request', id: 'i1', method: 'lab.info' });
    const info = await c.response('i1');
    expect(info.ok && info.result).toMatchObject({
      backend: BACKEND,
      workers: 2,
      transport: 'in-process',
      contractVersion: 1,
      jobCap: 8, // the per-connection cap the client's schedulers share (MAX_JOBS_PER_CONNECTION)
    });
  });

  it('refuses what the sampler cannot do and what the summary cannot summarize', async () => {
    const c = new Client(svc);
    // (σ_w²/2)^L = 8^100000: Θ leaves float64 (the sampler's checkFeasible says so)
    c.connection.handle({
      kind: 'request',
      id: 'r1',
      method: 'job.start',
      job: { kind: 'measure', params: { ...small, sigmaW2: 16, depth: 100_000 } },
    });
    const refused = await c.response('r1');
    expect(refused).toMatchObject({ ok: false, error: { code: 'refused' } });
    if (!refused.ok) expect(refused.error.message).toMatch(/float64/);
    c.connection.handle({
      kind: 'request',
      id: 'r2',
      method: 'job.start',
      job: { kind: 'measure', params: { ...small, samples: 2 } },
    });
    expect(await c.response('r2')).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/≥ 3/) },
    });
    expect(c.messages.filter((m) => m.kind === 'event')).toEqual([]); // no job was started
    await expect(svc.measure({ ...small, sigmaW2: 16, depth: 100_000 })).rejects.toMatchObject({ code: 'refused' });
  });

  it('streams progress with growing sample counts, then done with samples = requested', async () => {
    const c = new Client(serial);
    const jobId = await c.start('s1', small);
    const done = await c.event(jobId, 'job.done');
    const events = c.eventsOf(jobId);
    const progress = events.filter((e) => e.event === 'job.progress');
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(events[events.length - 1]).toBe(done); // nothing after done
    let prev = 0;
    for (const p of progress) {
      if (p.event !== 'job.progress' || p.output.kind !== 'measure') throw new Error('expected measure progress');
      expect(p.output.result.done).toBe(false);
      expect(p.output.result.samples).toBeGreaterThan(prev);
      expect(p.output.result.samples % 16).toBe(0); // whole blocks, merged in order
      prev = p.output.result.samples;
    }
    if (done.event !== 'job.done' || done.output.kind !== 'measure') throw new Error('unreachable');
    expect(done.output.result).toMatchObject({
      done: true,
      samples: 100,
      samplesRequested: 100,
      sigmaW2: 2,
      depth: 10,
      width: 20,
      seed: 3,
      method: 'exact',
    });
  });

  it('measure() validates, reports progress and resolves the final result', async () => {
    const progress: MeasureResult[] = [];
    const r = await serial.measure(small, (p) => progress.push(p));
    expect(r.samples).toBe(100);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    await expect(svc.measure({ ...small, width: 0 })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(svc.measure({ ...small, sigmaW2: Number.NaN })).rejects.toBeInstanceOf(LabServiceError);
  });

  it('gives identical numbers with 1 and 2 workers (same seed)', async () => {
    const one = service({ workers: 1, blockSize: 16 });
    await Promise.all([one.warmUp(), svc.warmUp()]); // both of svc's workers take blocks
    const params = { ...small, samples: 150, pairCos: 0.4 };
    const [a, b] = await Promise.all([one.measure(params), svc.measure(params)]);
    const strip = ({ seconds: _s, ...rest }: MeasureResult) => rest;
    expect(strip(a)).toEqual(strip(b));
    expect(a.offDiagonal).toBeDefined();
  });
});

describe('LabService jobs (fixture sampler)', () => {
  // fixture knob: blocks sleep 0.5–1.5 × sigmaB2 seconds
  const svc = service({ workers: 2, blockModule: fixture, blockSize: 8, progressIntervalMs: 0 });
  const slow = { ...small, samples: 64, sigmaB2: 0.2 };

  it('a new job on a channel supersedes the old one, which gets job.error cancelled', async () => {
    const c = new Client(svc);
    const first = await c.start('c1', slow, 'cursor');
    const second = await c.start('c2', { ...small, samples: 24 }, 'cursor');
    const err = c.eventsOf(first).find((e) => e.event === 'job.error');
    expect(err).toMatchObject({ error: { code: 'cancelled' } }); // sent before the new job's response
    if (err?.event === 'job.error') expect(err.error.message).toMatch(/superseded by job-\d+ on channel "cursor"/);
    const done = await c.event(second, 'job.done');
    expect(done.event === 'job.done' && done.output.kind === 'measure' && done.output.result.samples).toBe(24);
    expect(c.eventsOf(first).length).toBe(1); // (that nothing follows a cancellation: 'LabConnection' below)
  });

  it('job.cancel stops a job; cancelling an unknown or finished job answers cancelled: false', async () => {
    const c = new Client(svc);
    const jobId = await c.start('k1', slow);
    c.connection.handle({ kind: 'request', id: 'k2', method: 'job.cancel', jobId });
    expect(await c.response('k2')).toMatchObject({ ok: true, result: { jobId, cancelled: true } });
    expect(c.eventsOf(jobId).at(-1)).toMatchObject({ event: 'job.error', error: { code: 'cancelled' } });
    c.connection.handle({ kind: 'request', id: 'k3', method: 'job.cancel', jobId });
    expect(await c.response('k3')).toMatchObject({ ok: true, result: { cancelled: false } });
  });

  it('a crashing worker fails only its job; the other job and the service carry on', async () => {
    const c = new Client(svc);
    const healthy = await c.start('h1', { ...small, samples: 80, seed: 5 });
    const crashing = await c.start('h2', { ...small, seed: FIXTURE_EXIT_SEED });
    const err = await c.event(crashing, 'job.error');
    expect(err).toMatchObject({ error: { code: 'failed' } });
    if (err.event === 'job.error')
      expect(err.error.message).toMatch(/crashed on block 1: the worker exited with code 3/);
    const done = await c.event(healthy, 'job.done');
    expect(done.event === 'job.done' && done.output.kind === 'measure' && done.output.result.samples).toBe(80);
    const again = await c.start('h3', { ...small, samples: 16 });
    await c.event(again, 'job.done');
  });

  it('closing a connection aborts its jobs; the service keeps serving', async () => {
    const c = new Client(svc);
    await c.start('z1', slow);
    const count = c.messages.length;
    c.connection.close();
    c.connection.handle({ kind: 'request', id: 'z2', method: 'lab.info' });
    expect(c.messages.length).toBe(count);
    expect((await svc.measure({ ...small, samples: 8 })).samples).toBe(8);
  });

  it('refuses more than 8 concurrent jobs on one connection', async () => {
    const c = new Client(svc);
    for (let i = 0; i < 8; i++) await c.start(`m${i}`, slow);
    c.connection.handle({ kind: 'request', id: 'm8', method: 'job.start', job: { kind: 'measure', params: slow } });
    expect(await c.response('m8')).toMatchObject({ ok: false, error: { code: 'busy' } });
    c.connection.close();
  });
});

describe('LabConnection: nothing follows a cancellation (a scripted host, no waiting)', () => {
  /** A host whose jobs finish when the test says so; each run's progress callback is kept. */
  function scripted() {
    const runs: { onProgress: (o: JobOutput) => void; resolve: (o: JobOutput) => void }[] = [];
    let seq = 0;
    const host: ConnectionHost = {
      checkJob: (job) => ({
        kind: job.kind,
        params: job.params,
        pausable: false,
        progress: 'snapshot',
        run: () => Promise.reject(new Error('runs through runJob')),
      }),
      runJob: (_job, onProgress) => new Promise<JobOutput>((resolve) => runs.push({ onProgress, resolve })),
      info: () => {
        throw new Error('not asked');
      },
      setTfWorkers: () => {
        throw new Error('not asked');
      },
      nextJobId: () => `job-${++seq}`,
      reserveJob: () => true,
      releaseJob: () => undefined,
      maxJobs: 16,
      tfJobs: () => 0,
    };
    const sent: ServerMessage[] = [];
    return { host, runs, sent };
  }
  const output = { kind: 'measure', result: {} } as unknown as JobOutput;
  /** Every pending promise callback has run once the next macrotask starts. */
  const settle = () => new Promise<void>((r) => setImmediate(r));
  const start = (conn: LabConnection, id: string, channel?: string) =>
    conn.handle({ kind: 'request', id, method: 'job.start', job: { kind: 'measure', params: small }, channel });

  it('a superseded or cancelled job sends no progress and no done, even when its run still reports', async () => {
    const { host, runs, sent } = scripted();
    const conn = new LabConnectionImpl(host, (m) => sent.push(m), 'in-process');
    start(conn, 's1', 'cursor');
    start(conn, 's2', 'cursor'); // supersedes job-1
    start(conn, 's3');
    conn.handle({ kind: 'request', id: 'k', method: 'job.cancel', jobId: 'job-3' });
    for (const run of runs) run.onProgress(output);
    for (const run of runs) run.resolve(output);
    await settle();
    const events = (jobId: string) => sent.flatMap((m) => (m.kind === 'event' && m.jobId === jobId ? [m.event] : []));
    expect(events('job-1')).toEqual(['job.error']);
    expect(events('job-3')).toEqual(['job.error']);
    expect(events('job-2')).toEqual(['job.progress', 'job.done']);
  });

  it('a closed connection sends nothing more: no answers, no events of its jobs', async () => {
    const { host, runs, sent } = scripted();
    const conn = new LabConnectionImpl(host, (m) => sent.push(m), 'in-process');
    start(conn, 'z1');
    const count = sent.length;
    conn.close();
    conn.handle({ kind: 'request', id: 'z2', method: 'lab.info' });
    runs[0].onProgress(output);
    runs[0].resolve(output);
    await settle();
    expect(sent.length).toBe(count);
  });
});

describe('LabService: first-GD-step jobs (job.start)', () => {
  const gd = { sigmaW2: 2, depth: 6, width: 16, inputDim: 16, lr: 0.01, samples: 600, seed: 5 };

  it('streams job.progress and ends with job.done carrying a gd-step result', async () => {
    const svc = service({ workers: 2, blockSize: 100 });
    const c = new Client(svc);
    c.connection.handle({ kind: 'request', id: 'g1', method: 'job.start', job: { kind: 'gd-step', params: gd } });
    const r = await c.response('g1');
    expect(r.ok).toBe(true);
    const jobId = (r as { result: { jobId: string } }).result.jobId;
    const done = await c.event(jobId, 'job.done');
    if (done.event !== 'job.done' || done.output.kind !== 'gd-step') throw new Error('expected gd-step output');
    const res = done.output.result;
    expect(res.samples + res.diverged).toBe(600);
    expect(res.done).toBe(true);
    expect(Number.isFinite(res.relativeChange.estimate) && res.relativeChange.stderr > 0).toBe(true);
    // |E[ΔΘ]| ≤ E[|ΔΘ|] holds for the estimates themselves (same denominator)
    expect(Math.abs(res.relativeChange.estimate)).toBeLessThanOrEqual(res.absRelativeChange.estimate + 1e-12);
    expect(c.eventsOf(jobId).every((e) => e.event.startsWith('job.'))).toBe(true);
  });

  it('the same seed gives the same result whatever the number of workers', async () => {
    const one = await service({ workers: 1, blockSize: 100 }).gdStep(gd);
    const two = await service({ workers: 2, blockSize: 100 }).gdStep(gd);
    expect(two.relativeChange).toEqual(one.relativeChange);
    expect(two.absRelativeChange).toEqual(one.absRelativeChange);
  });

  it('answers bad parameters with bad-request and an unaffordable dense run with refused', async () => {
    const svc = service({ workers: 1 });
    const c = new Client(svc);
    c.connection.handle({
      kind: 'request',
      id: 'b1',
      method: 'job.start',
      job: { kind: 'gd-step', params: { ...gd, lr: -1 } },
    });
    const bad = await c.response('b1');
    expect(bad.ok === false && bad.error.code).toBe('bad-request');
    await expect(svc.gdStep({ ...gd, lr: Number.NaN })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(
      svc.gdStep({ ...gd, method: 'dense', width: 5000, depth: 400, samples: 100000 }),
    ).rejects.toMatchObject({ code: 'refused' });
  });

  it('a step beyond float64 is kept in log form: no network is lost, the change is a log value ± relative SE', async () => {
    const svc = service({ workers: 1, blockSize: 100 });
    // chaotic, λ ≈ 1.9 (issue 16: "≈ 1.22e+294 … beyond float64"): networks whose ΔΘ leaves float64 used to be
    // dropped as diverged; the sampler now carries them as mantissa·2^k and the summary in log space
    const r = await svc.gdStep({ ...gd, sigmaW2: 3, depth: 30, lr: 1 });
    expect(r.diverged).toBe(0);
    expect(r.samples).toBe(600);
    const log = r.logRelativeChange!;
    expect(log.sign).toBe(1);
    expect(log.logAbs).toBeGreaterThan(Math.log(Number.MAX_VALUE)); // beyond float64: the plain field saturates
    expect(r.relativeChange.estimate).toBe(Number.MAX_VALUE);
    expect(log.relStderr > 0 && log.relStderr < 1).toBe(true);
    expect(r.logAbsRelativeChange!.logAbs).toBeCloseTo(log.logAbs, 9); // ΔΘ > 0 in every network here (sign +1)
    // E[Θ] itself is inside float64: its log form is its logarithm
    expect(r.logMeanTheta!.logMean).toBeCloseTo(Math.log(r.meanTheta.estimate), 9);
    expect(r.tailShare).toBeGreaterThan(0.5); // a few networks carry it: flagged heavy-tailed
    // the same networks (seed) with a 10⁶× larger η: ΔΘ grows at least ∝ η (first order in η, higher orders beyond)
    const big = await svc.gdStep({ ...gd, sigmaW2: 3, depth: 30, lr: 1e6 });
    expect(big.diverged).toBe(0);
    expect(big.logRelativeChange!.logAbs).toBeGreaterThan(log.logAbs + Math.log(1e6) - 1);
  });
});

describe('LabService: the TensorFlow.js engine', () => {
  it('detects a backend when a client connects and reports it (with the fallbacks) in lab.info', async () => {
    const svc = service({ workers: 1 });
    expect(svc.info('in-process').tensorflow).toBeUndefined(); // nobody asked yet: no TF worker
    const c = new Client(svc);
    expect(svc.info('in-process').tensorflow?.state).toBe('detecting'); // connecting started the detection
    await svc.tensorflow(); // the detection the connection started (the same promise), not a poll
    const tf = svc.info('in-process').tensorflow;
    expect(tf?.state).toBe('ready');
    // neither native package is installed here and no GPU adapter: the fallbacks are listed with a reason, then wasm
    expect(tf?.backend).toBe('wasm');
    expect(tf?.fallbacks.map((f) => f.backend)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow']);
    expect(tf?.fallbacks[0].reason).toMatch(/CUDA 11\.2/);
    c.connection.close();
  });

  it('tfWorkers: wasm runs that many TF workers, reported in lab.info; bad counts name the option', async () => {
    const svc = service({ workers: 1, tfBackend: 'wasm', tfWorkers: 2 });
    await svc.tensorflow();
    expect(svc.info('in-process').tensorflow).toMatchObject({ state: 'ready', backend: 'wasm', workers: 2 });
    for (const bad of [0, -1, 1.5, 1e6])
      expect(() => new LabService({ tfWorkers: bad })).toThrow(/tfWorkers must be an integer from 1 to/);
  });

  it("runs method 'dense' on tfjs when told to, with E[Θ] matching theory within SE and the backend named", async () => {
    const svc = service({ workers: 1, denseEngine: 'tfjs', tfBackend: 'wasm' });
    const p = {
      sigmaW2: 2,
      depth: 5,
      width: 24,
      inputDim: 24,
      samples: 3000,
      seed: 9,
      method: 'dense',
    } satisfies MeasureParamsInput;
    const r = await svc.measure(p);
    expect(r.backend).toMatch(/^tfjs wasm/);
    // Seleznova & Kutyniok 2022, eq. (11)–(12) at the EOC with n₀ = M: E[Θ] = L + L = 10 (σ_b = 0, ‖x‖ = 1)
    expect(Math.abs(r.meanTheta.estimate - 10)).toBeLessThan(4 * r.meanTheta.stderr);
    const g = await svc.gdStep({
      sigmaW2: 2,
      depth: 5,
      width: 24,
      inputDim: 24,
      lr: 0.02,
      samples: 2000,
      seed: 4,
      method: 'dense',
    });
    expect(g.backend).toMatch(/^tfjs wasm/);
    const ref = await svc.gdStep({
      sigmaW2: 2,
      depth: 5,
      width: 24,
      inputDim: 24,
      lr: 0.02,
      samples: 2000,
      seed: 5,
      method: 'exact',
    });
    const z =
      (g.relativeChange.estimate - ref.relativeChange.estimate) /
      Math.hypot(g.relativeChange.stderr, ref.relativeChange.stderr);
    expect(Math.abs(z)).toBeLessThan(4);
  });
});

describe('LabService: training dynamics (job.start train-dynamics, job.pause)', () => {
  const tiny = {
    depth: 3,
    width: 16,
    steps: 12,
    recordAt: [0, 6, 12],
    trainSize: 200,
    testSize: 100,
    batchSize: 50,
    lr: 1e-3,
    seed: 3,
  };

  it('streams one record per recorded step (kernel as a plain 100×100 array), pauses and resumes, ends with the summary', async () => {
    const svc = service({ workers: 1, tfBackend: 'wasm' });
    const c = new Client(svc);
    c.connection.handle({
      kind: 'request',
      id: 't1',
      method: 'job.start',
      job: { kind: 'train-dynamics', params: tiny },
    });
    const r = await c.response('t1');
    if (!r.ok) throw new Error(r.error.message);
    const jobId = (r.result as { jobId: string }).jobId;
    await c.event(jobId, 'job.progress');
    c.connection.handle({ kind: 'request', id: 'p1', method: 'job.pause', jobId, paused: true });
    const paused = await c.response('p1');
    expect(paused.ok && paused.result).toMatchObject({ paused: true, supported: true });
    c.connection.handle({ kind: 'request', id: 'p2', method: 'job.pause', jobId, paused: false });
    const done = await c.event(jobId, 'job.done');
    if (done.event !== 'job.done' || done.output.kind !== 'train-dynamics')
      throw new Error('expected train-dynamics output');
    expect(done.output.summary).toEqual({ records: 3, stoppedEarly: false });
    const records = c
      .eventsOf(jobId)
      .flatMap((e) =>
        e.event === 'job.progress' && e.output.kind === 'train-dynamics' && e.output.record ? [e.output.record] : [],
      );
    expect(records.map((x) => x.step)).toEqual([0, 6, 12]);
    expect(Array.isArray(records[0].kernel) && records[0].kernel.length).toBe(100 * 100);
    expect(done.output.backend).toMatch(/^tfjs wasm/);
  });

  it('a paused run holds at its next step until resumed (in-process tasks: counted steps, no clock)', async () => {
    const svc = service({ workers: 1, tfBackend: 'wasm', tfInProcess: true });
    // paused from inside the first record's event, before the task can take another step
    const c = new Client(svc, (m, client) => {
      if (m.kind === 'event' && m.event === 'job.progress' && client.eventsOf(m.jobId).length === 1)
        client.connection.handle({ kind: 'request', id: 'p1', method: 'job.pause', jobId: m.jobId, paused: true });
    });
    c.connection.handle({
      kind: 'request',
      id: 't1',
      method: 'job.start',
      job: { kind: 'train-dynamics', params: tiny },
    });
    const r = await c.response('t1');
    if (!r.ok) throw new Error(r.error.message);
    const jobId = (r.result as { jobId: string }).jobId;
    await c.event(jobId, 'job.progress');
    expect(await c.response('p1')).toMatchObject({ ok: true, result: { paused: true, supported: true } });
    // a task takes at most one step per macrotask (each step passes a checkpoint that yields): unpaused, these
    // turns would take it past step 6, the next record
    await macrotasks(100);
    expect(c.eventsOf(jobId)).toHaveLength(1);
    c.connection.handle({ kind: 'request', id: 'p2', method: 'job.pause', jobId, paused: false });
    const done = await c.event(jobId, 'job.done');
    if (done.event !== 'job.done' || done.output.kind !== 'train-dynamics') throw new Error('expected the summary');
    expect(done.output.summary).toEqual({ records: 3, stoppedEarly: false });
  });

  it('refuses impossible runs with the reason and cancels a running one', async () => {
    const svc = service({ workers: 1, tfBackend: 'wasm' });
    const c = new Client(svc);
    c.connection.handle({
      kind: 'request',
      id: 'x1',
      method: 'job.start',
      job: { kind: 'train-dynamics', params: { ...tiny, trainSize: 9500, testSize: 1000 } },
    });
    const refused = await c.response('x1');
    expect(!refused.ok && refused.error).toMatchObject({ code: 'refused' });
    expect(!refused.ok && refused.error.message).toMatch(/10000 digits/);
    c.connection.handle({
      kind: 'request',
      id: 'x2',
      method: 'job.start',
      job: { kind: 'train-dynamics', params: { ...tiny, steps: 5000, recordAt: [0, 5000] } },
    });
    const started = await c.response('x2');
    const jobId = (started as { result: { jobId: string } }).result.jobId;
    await c.event(jobId, 'job.progress');
    c.connection.handle({ kind: 'request', id: 'x3', method: 'job.cancel', jobId });
    const err = await c.event(jobId, 'job.error');
    expect(err.event === 'job.error' && err.error.code).toBe('cancelled');
  });
});

describe('LabService: trainability sweeps (job.start trainability)', () => {
  const tiny = {
    dataset: 'synthetic',
    width: 16,
    steps: 20,
    batchSize: 32,
    trainSize: 256,
    testSize: 128,
    seed: 7,
    grid: { sigmaW2: { values: [1, 2] }, depth: { values: [2, 4] } },
  };

  it('stores every finished cell; a cancelled sweep restarted shows the stored cells first and trains only the rest', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dataDir = mkdtempSync(join(tmpdir(), 'ntk-lab-data-'));
    const svc = service({ workers: 1, tfBackend: 'wasm', dataDir });
    const c = new Client(svc);
    c.connection.handle({
      kind: 'request',
      id: 's1',
      method: 'job.start',
      job: { kind: 'trainability', params: tiny },
    });
    const r1 = await c.response('s1');
    if (!r1.ok) throw new Error(r1.error.message);
    const job1 = (r1.result as { jobId: string }).jobId;
    const first = await c.event(job1, 'job.progress'); // one cell done: stop here
    c.connection.handle({ kind: 'request', id: 's2', method: 'job.cancel', jobId: job1 });
    await c.event(job1, 'job.error');
    if (first.event !== 'job.progress' || first.output.kind !== 'trainability' || !first.output.progress)
      throw new Error('expected a cell');
    const kept = first.output.progress.cell;

    c.connection.handle({
      kind: 'request',
      id: 's3',
      method: 'job.start',
      job: { kind: 'trainability', params: tiny },
    });
    const r2 = await c.response('s3');
    if (!r2.ok) throw new Error(r2.error.message);
    const job2 = (r2.result as { jobId: string }).jobId;
    const done = await c.event(job2, 'job.done', 60_000);
    if (done.event !== 'job.done' || done.output.kind !== 'trainability' || !done.output.summary)
      throw new Error('expected a summary');
    const cells = c
      .eventsOf(job2)
      .flatMap((e) =>
        e.event === 'job.progress' && e.output.kind === 'trainability' && e.output.progress
          ? [e.output.progress.cell]
          : [],
      );
    expect(cells[0]).toEqual(kept); // re-emitted from the store before any training
    expect(cells).toHaveLength(4);
    expect(done.output.summary).toMatchObject({ total: 4, done: 4, status: 'complete' });
    expect(done.output.summary.resumed).toBeGreaterThanOrEqual(1);
    expect(done.output.summary.trained).toBe(4 - done.output.summary.resumed);
  });

  it('refuses impossible sweeps with the reason', async () => {
    const svc = service({ workers: 1, detectTensorflowOnConnect: false });
    expect(() =>
      svc.checkJob({ kind: 'trainability', params: { ...tiny, dataset: 'mnist', trainSize: 9500, testSize: 1000 } }),
    ).toThrow(/10000|digits/);
    expect(() => svc.checkJob({ kind: 'trainability', params: { grid: { sigmaW2: { values: [1] } } } })).toThrow(
      /exactly one of depth/,
    );
  });
});

describe('LabService: learning-rate sweeps (job.start lr-sweep)', () => {
  // Xiao et al. 2020, Fig. 2: η_theory = 2/λ_max is the largest convergent rate, so ρ = 50 must do worse than ρ = 0.3
  const tiny = {
    dataset: 'synthetic',
    width: 16,
    depths: [2],
    rhos: [50, 0.3],
    steps: 40,
    batchSize: 32,
    trainSize: 256,
    testSize: 128,
    seed: 7,
  };

  it('streams one point per ρ in ascending order; far above η_theory training fails, below it learns', async () => {
    const svc = service({ workers: 1, tfBackend: 'wasm' });
    const c = new Client(svc);
    c.connection.handle({ kind: 'request', id: 'l1', method: 'job.start', job: { kind: 'lr-sweep', params: tiny } });
    const r = await c.response('l1');
    if (!r.ok) throw new Error(r.error.message);
    const jobId = (r.result as { jobId: string }).jobId;
    const done = await c.event(jobId, 'job.done', 60_000);
    if (done.event !== 'job.done' || done.output.kind !== 'lr-sweep' || !done.output.points)
      throw new Error('expected the points');
    const streamed = c
      .eventsOf(jobId)
      .flatMap((e) =>
        e.event === 'job.progress' && e.output.kind === 'lr-sweep' && e.output.point ? [e.output.point] : [],
      );
    expect(streamed).toHaveLength(2);
    expect(done.output.points).toEqual(streamed);
    const [low, high] = streamed;
    expect([low.rho, high.rho]).toEqual([0.3, 50]);
    expect(low.etaTheory).toBeGreaterThan(0);
    expect(high.etaTheory).toBe(low.etaTheory); // same first batch, same theory
    expect(low.lr).toBeCloseTo(0.3 * low.etaTheory, 12);
    expect(low.diverged).toBe(false);
    expect(low.trainAccuracy).toBeGreaterThan(0.3); // 10 classes: chance is 0.1
    expect(high.diverged || high.trainAccuracy < low.trainAccuracy - 0.1).toBe(true);
    for (const p of streamed) expect(Number.isFinite(p.trainAccuracy) && Number.isFinite(p.testAccuracy)).toBe(true);
  });

  it('holds at the next SGD step while paused and resumes (in-process tasks: counted steps, no clock)', async () => {
    const svc = service({ workers: 1, tfBackend: 'wasm', tfInProcess: true });
    const c = new Client(svc, (m, client) => {
      if (m.kind === 'event' && m.event === 'job.progress' && client.eventsOf(m.jobId).length === 1)
        client.connection.handle({ kind: 'request', id: 'q2', method: 'job.pause', jobId: m.jobId, paused: true });
    });
    c.connection.handle({
      kind: 'request',
      id: 'q1',
      method: 'job.start',
      job: { kind: 'lr-sweep', params: { ...tiny, rhos: [0.1, 0.2, 0.3], steps: 30 } },
    });
    const r = await c.response('q1');
    if (!r.ok) throw new Error(r.error.message);
    const jobId = (r.result as { jobId: string }).jobId;
    await c.event(jobId, 'job.progress', 60_000);
    expect(await c.response('q2')).toMatchObject({ ok: true, result: { paused: true, supported: true } });
    await macrotasks(100); // unpaused, 100 turns finish the next network's 30 steps
    expect(c.eventsOf(jobId)).toHaveLength(1);
    c.connection.handle({ kind: 'request', id: 'q3', method: 'job.pause', jobId, paused: false });
    const done = await c.event(jobId, 'job.done', 60_000);
    if (done.event !== 'job.done' || done.output.kind !== 'lr-sweep' || !done.output.points)
      throw new Error('expected the points');
    expect(done.output.points.map((p) => p.rho)).toEqual([0.1, 0.2, 0.3]);
  });

  it('pauses and resumes in the TensorFlow.js worker (job.pause answers supported)', async () => {
    const svc = service({ workers: 1, tfBackend: 'wasm' });
    const c = new Client(svc);
    c.connection.handle({
      kind: 'request',
      id: 'w1',
      method: 'job.start',
      job: { kind: 'lr-sweep', params: { ...tiny, rhos: [0.1, 0.2], steps: 30 } },
    });
    const r = await c.response('w1');
    if (!r.ok) throw new Error(r.error.message);
    const jobId = (r.result as { jobId: string }).jobId;
    await c.event(jobId, 'job.progress', 60_000);
    c.connection.handle({ kind: 'request', id: 'w2', method: 'job.pause', jobId, paused: true });
    expect(await c.response('w2')).toMatchObject({ ok: true, result: { paused: true, supported: true } });
    c.connection.handle({ kind: 'request', id: 'w3', method: 'job.pause', jobId, paused: false });
    const done = await c.event(jobId, 'job.done', 60_000);
    expect(done.event === 'job.done' && done.output.kind === 'lr-sweep' && done.output.points?.length).toBe(2);
  });

  it('refuses impossible sweeps with the reason', async () => {
    const svc = service({ workers: 1, detectTensorflowOnConnect: false });
    expect(() => svc.checkJob({ kind: 'lr-sweep', params: { ...tiny, rhos: [0.3, -1] } })).toThrow(
      /rho \(ρ\) must be ≥/,
    );
    expect(() => svc.checkJob({ kind: 'lr-sweep', params: { ...tiny, depths: [] } })).toThrow(/at least one depth/);
    expect(() =>
      svc.checkJob({ kind: 'lr-sweep', params: { dataset: 'mnist', trainSize: 9500, testSize: 1000 } }),
    ).toThrow(/10000/);
    expect(() =>
      svc.checkJob({ kind: 'lr-sweep', params: { width: 4096, depths: [200], steps: 1_000_000, batchSize: 1000 } }),
    ).toThrow(/flops/);
  });
});

describe('lab.setTfWorkers', () => {
  it('sets the TF worker count for the service (lab.info says so) and refuses 0, absurd counts and non-integers', async () => {
    const max = 4 * availableParallelism();
    const svc = service({ workers: 1, workerEntry: fixture, detectTensorflowOnConnect: false, tfWorkers: 2 });
    const c = new Client(svc);
    c.connection.handle({ kind: 'request', id: 's0', method: 'lab.info' });
    expect((await c.response('s0')) as Response).toMatchObject({
      ok: true,
      result: { tfWorkers: { setting: 2, max } },
    });
    c.connection.handle({ kind: 'request', id: 's1', method: 'lab.setTfWorkers', workers: 1 });
    expect((await c.response('s1')) as Response).toMatchObject({
      ok: true,
      result: { tfWorkers: { setting: 1, max } },
    });
    for (const [i, bad] of [0, max + 1, 2.5, -3, 1e9].entries()) {
      c.connection.handle({ kind: 'request', id: `b${i}`, method: 'lab.setTfWorkers', workers: bad });
      const r = (await c.response(`b${i}`)) as Response;
      expect(r).toMatchObject({ ok: false, error: { code: 'bad-request' } });
      if (!r.ok) expect(r.error.message).toMatch(new RegExp(`^workers must be an integer from 1 to ${max}`));
    }
    c.connection.handle({ kind: 'request', id: 'b9', method: 'lab.setTfWorkers', workers: 'many' });
    const r = (await c.response('b9')) as Response;
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    if (!r.ok) expect(r.error.message).toMatch(/workers/);
    c.connection.handle({ kind: 'request', id: 's2', method: 'lab.info' });
    expect((await c.response('s2')) as Response).toMatchObject({ ok: true, result: { tfWorkers: { setting: 1 } } });
  });
});
