// Test double of LabService's connection surface, scriptable enough to exercise transports and the client
// (request/response correlation, event routing, superseded jobs, events racing their start response).
// It contains no science: results are schema-valid placeholders whose `samples` field counts blocks.
import { CONTRACT_VERSION, requestSchema, type LabInfo, type ServerMessage } from '../../src-shared/contract/messages';
import type { MeasureResult } from '../../src-shared/contract/measure';
import { describeZodError } from '../../src-shared/params';

export interface FakeConnection {
  transport: LabInfo['transport'];
  handled: unknown[];
  closed: boolean;
  send(msg: ServerMessage): void;
  handle(raw: unknown): void;
  close(): void;
}

export function placeholderResult(samples: number, samplesRequested: number, done: boolean): MeasureResult {
  return {
    sigmaW2: 2,
    depth: 3,
    width: 8,
    inputDim: 8,
    sigmaB2: 0,
    samples,
    samplesRequested,
    seed: 1,
    method: 'exact',
    meanTheta: { estimate: 1, stderr: 0 },
    dispersion: { estimate: 1, stderr: 0 },
    tailShare: 0.01,
    seconds: 0,
    done,
  };
}

export interface FakeServiceOptions {
  /** Progress blocks per job before `job.done` (default 2). */
  blocks?: number;
  /** Emit a job's first progress event before its start response (what IPC may do). */
  eventsBeforeResponse?: boolean;
  /** Milliseconds between blocks (default 5). */
  blockMs?: number;
}

export class FakeLabService {
  readonly connections: FakeConnection[] = [];
  private nextJob = 1;
  constructor(private readonly opts: FakeServiceOptions = {}) {}

  connect(send: (msg: ServerMessage) => void, transport: LabInfo['transport']): FakeConnection {
    const jobs = new Map<string, { channel?: string; timer?: ReturnType<typeof setTimeout> }>();
    const blocks = this.opts.blocks ?? 2;
    const blockMs = this.opts.blockMs ?? 5;
    const finish = (jobId: string, msg: ServerMessage): void => {
      const job = jobs.get(jobId);
      if (!job) return;
      clearTimeout(job.timer);
      jobs.delete(jobId);
      conn.send(msg);
    };
    const conn: FakeConnection = {
      transport,
      handled: [],
      closed: false,
      send: (msg) => {
        if (!conn.closed) send(msg);
      },
      handle: (raw) => {
        conn.handled.push(raw);
        const parsed = requestSchema.safeParse(raw);
        if (!parsed.success) {
          const id = typeof (raw as { id?: unknown } | null)?.id === 'string' ? (raw as { id: string }).id : '';
          conn.send({
            kind: 'response',
            id,
            ok: false,
            error: { code: 'bad-request', message: describeZodError(parsed.error) },
          });
          return;
        }
        const req = parsed.data;
        if (req.method === 'lab.info') {
          const info: LabInfo = {
            version: 'fake',
            contractVersion: CONTRACT_VERSION,
            backend: 'fake',
            workers: 0,
            transport,
          };
          conn.send({ kind: 'response', id: req.id, ok: true, result: info });
        } else if (req.method === 'job.start' && req.job.kind !== 'measure') {
          conn.send({
            kind: 'response',
            id: req.id,
            ok: false,
            error: { code: 'refused', message: 'the fake service runs measurements only' },
          });
        } else if (req.method === 'job.pause') {
          conn.send({
            kind: 'response',
            id: req.id,
            ok: true,
            result: { jobId: req.jobId, paused: false, supported: false },
          });
        } else if (req.method === 'job.cancel') {
          finish(req.jobId, {
            kind: 'event',
            jobId: req.jobId,
            event: 'job.error',
            error: { code: 'cancelled', message: 'cancelled' },
          });
          conn.send({ kind: 'response', id: req.id, ok: true, result: {} });
        } else if (req.method === 'job.start') {
          for (const [otherId, other] of jobs) {
            if (req.channel && other.channel === req.channel) {
              finish(otherId, {
                kind: 'event',
                jobId: otherId,
                event: 'job.error',
                error: { code: 'cancelled', message: 'superseded' },
              });
            }
          }
          const jobId = `j${this.nextJob++}`;
          const job: { channel?: string; timer?: ReturnType<typeof setTimeout> } = { channel: req.channel };
          jobs.set(jobId, job);
          let block = 0;
          const step = (): void => {
            block++;
            if (block < blocks) {
              conn.send({
                kind: 'event',
                jobId,
                event: 'job.progress',
                output: { kind: 'measure', result: placeholderResult(block, blocks, false) },
              });
              job.timer = setTimeout(step, blockMs);
            } else
              finish(jobId, {
                kind: 'event',
                jobId,
                event: 'job.done',
                output: { kind: 'measure', result: placeholderResult(blocks, blocks, true) },
              });
          };
          if (this.opts.eventsBeforeResponse) {
            step();
            conn.send({ kind: 'response', id: req.id, ok: true, result: { jobId } });
          } else {
            conn.send({ kind: 'response', id: req.id, ok: true, result: { jobId } });
            job.timer = setTimeout(step, blockMs);
          }
        }
      },
      close: () => {
        conn.closed = true;
        for (const job of jobs.values()) clearTimeout(job.timer);
        jobs.clear();
      },
    };
    this.connections.push(conn);
    return conn;
  }
}
