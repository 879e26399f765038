// One client of the lab service: validates each request, answers it exactly once, and streams its jobs' events.
// Jobs on the same channel supersede each other (the cursor's old job is cancelled when it moves). Bounded
// (issue 17): progress is coalesced across the client's jobs (progress-outbox.ts), held back while the transport's
// unsent backlog is large, and a client that stops reading is closed; jobs count against a per-connection and a
// service-wide cap; a paused TensorFlow.js job that others wait behind is cancelled after a time box.
import {
  requestSchema,
  type JobOutput,
  type JobSpec,
  type LabError,
  type LabInfo,
  type Request,
  type ServerMessage,
} from '../../src-shared/contract/messages';
import { describeZodError } from '../../src-shared/params';
import type { CheckedJob } from '../jobs';
import { PauseControl } from '../tf/tf-host';
import { LabServiceError, toLabError } from './lab-error';
import { ProgressOutbox } from './progress-outbox';

export interface LabConnection {
  /** Handle one incoming message (an object, or JSON text). Never throws; every valid request gets one response. */
  handle(raw: unknown): void;
  /** Cancel this client's jobs; nothing is sent afterwards. */
  close(): void;
}

/** What a connection needs from the service. */
export interface ConnectionHost {
  /** The job's kind check (src-main/jobs); throws LabServiceError ('bad-request' | 'refused') if it cannot run. */
  checkJob(job: JobSpec): CheckedJob;
  runJob(
    job: CheckedJob,
    onProgress: (o: JobOutput) => void,
    signal: AbortSignal,
    pause: PauseControl,
  ): Promise<JobOutput>;
  info(transport: LabInfo['transport']): LabInfo;
  /** lab.setTfWorkers; throws LabServiceError ('bad-request', naming `workers`) for a count out of range. */
  setTfWorkers(n: number): void;
  nextJobId(): string;
  /** Take one of the service's job slots (all connections together); false when they are all taken. */
  reserveJob(): boolean;
  releaseJob(): void;
  /** The service-wide cap reserveJob enforces (for the 'busy' message). */
  readonly maxJobs: number;
  /** TensorFlow.js jobs running or queued on the whole service, all connections together. */
  tfJobs(): number;
}

/** How a connection paces and bounds what it sends; the transport supplies `backlog` and `terminate`. */
export interface ConnectionOptions {
  /** Minimum time between two progress messages of this connection, ms (default 50: at most 20 per second). */
  progressIntervalMs?: number;
  /** Bytes the transport holds unsent (WebSocket: bufferedAmount). Without it nothing is held back. */
  backlog?: () => number;
  /** Drop the client at once (WebSocket: terminate); called when the backlog passes maxBacklogBytes. */
  terminate?: () => void;
  /** Above this backlog progress waits (each job keeps its latest); default 1 MiB. */
  progressBacklogBytes?: number;
  /** Above this backlog the client is taken to have stopped reading and is closed; default 16 MiB. */
  maxBacklogBytes?: number;
  /**
   * A paused TensorFlow.js job holds its worker: once paused this long (ms, default 30 000) while other
   * TensorFlow.js jobs are running or queued, it is cancelled to let them run.
   */
  pauseLimitMs?: number;
}

const PROGRESS_BACKLOG_BYTES = 1 << 20;
const MAX_BACKLOG_BYTES = 16 << 20;
const PAUSE_LIMIT_MS = 30_000;

/** Running jobs a single client may hold (each can pin up to 2 × 8 bytes × samplesMax of memory). */
export const MAX_JOBS_PER_CONNECTION = 8;

interface JobEntry {
  controller: AbortController;
  pause: PauseControl;
  /** From the kind's definition: training runs wait at their next step; sampling jobs are cheap to restart. */
  pausable: boolean;
  channel?: string;
  /** The pause time box, while paused. */
  pauseTimer?: ReturnType<typeof setTimeout>;
}

/** The request id to answer a malformed message with ('?' when it has none). */
function idOf(raw: unknown): string {
  if (typeof raw === 'object' && raw !== null) {
    const id = (raw as { id?: unknown }).id;
    if (typeof id === 'string' && id.length >= 1 && id.length <= 64) return id;
  }
  return '?';
}

export class LabConnectionImpl implements LabConnection {
  private readonly jobs = new Map<string, JobEntry>();
  private readonly channels = new Map<string, string>();
  private closed = false;
  private readonly outbox: ProgressOutbox;
  private readonly opts: Required<Omit<ConnectionOptions, 'backlog' | 'terminate'>> &
    Pick<ConnectionOptions, 'backlog' | 'terminate'>;

  constructor(
    private readonly host: ConnectionHost,
    private readonly sendRaw: (msg: ServerMessage) => void,
    private readonly transport: LabInfo['transport'],
    private readonly onClose: () => void = () => undefined,
    options: ConnectionOptions = {},
  ) {
    this.opts = {
      progressIntervalMs: 50,
      progressBacklogBytes: PROGRESS_BACKLOG_BYTES,
      maxBacklogBytes: MAX_BACKLOG_BYTES,
      pauseLimitMs: PAUSE_LIMIT_MS,
      ...options,
    };
    this.outbox = new ProgressOutbox(this.opts.progressIntervalMs, (msg) => {
      if ((this.opts.backlog?.() ?? 0) > this.opts.progressBacklogBytes) return false; // the client is behind
      this.send(msg);
      return true;
    });
  }

  handle(raw: unknown): void {
    if (this.closed) return;
    let value = raw;
    try {
      if (typeof raw === 'string') {
        try {
          value = JSON.parse(raw);
        } catch (err) {
          return this.fail('?', 'bad-request', `malformed JSON: ${(err as Error).message}`);
        }
      }
      const parsed = requestSchema.safeParse(value);
      if (!parsed.success)
        return this.fail(idOf(value), 'bad-request', `invalid request: ${describeZodError(parsed.error)}`);
      this.dispatch(parsed.data);
    } catch (err) {
      this.fail(idOf(value), 'internal', err instanceof Error ? err.message : String(err));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.outbox.close();
    for (const entry of this.jobs.values()) {
      clearTimeout(entry.pauseTimer);
      entry.controller.abort();
      this.host.releaseJob();
    }
    this.jobs.clear();
    this.channels.clear();
    this.onClose();
  }

  private dispatch(req: Request): void {
    switch (req.method) {
      case 'lab.info':
        return this.send({ kind: 'response', id: req.id, ok: true, result: this.host.info(this.transport) });
      case 'lab.setTfWorkers':
        try {
          this.host.setTfWorkers(req.workers);
        } catch (err) {
          const e = toLabError(err);
          return this.fail(req.id, e.code, e.message);
        }
        return this.send({ kind: 'response', id: req.id, ok: true, result: this.host.info(this.transport) });
      case 'job.cancel': {
        const cancelled = this.cancel(req.jobId, 'cancelled by request');
        return this.send({ kind: 'response', id: req.id, ok: true, result: { jobId: req.jobId, cancelled } });
      }
      case 'job.start':
        return this.start(req.id, req.job, req.channel);
      case 'job.pause': {
        const entry = this.jobs.get(req.jobId);
        // a trainability sweep pauses by cancel + resume from its store (not pausable here)
        const supported = entry?.pausable === true;
        if (entry && supported) this.setPaused(req.jobId, entry, req.paused);
        return this.send({
          kind: 'response',
          id: req.id,
          ok: true,
          result: { jobId: req.jobId, paused: supported ? req.paused : false, supported },
        });
      }
    }
  }

  private start(requestId: string, spec: JobSpec, channel: string | undefined): void {
    let job: CheckedJob;
    try {
      job = this.host.checkJob(spec);
    } catch (err) {
      const e = toLabError(err);
      return this.fail(requestId, e.code, e.message);
    }
    const jobId = this.host.nextJobId();
    const previous = channel === undefined ? undefined : this.channels.get(channel);
    if (previous !== undefined) this.cancel(previous, `superseded by ${jobId} on channel ${JSON.stringify(channel)}`);
    if (this.jobs.size >= MAX_JOBS_PER_CONNECTION) {
      return this.fail(
        requestId,
        'busy',
        `too many running jobs (${MAX_JOBS_PER_CONNECTION}); cancel one or start jobs on a channel`,
      );
    }
    if (!this.host.reserveJob()) {
      return this.fail(
        requestId,
        'busy',
        `the lab is running its maximum of ${this.host.maxJobs} jobs across all clients; retry when one finishes`,
      );
    }
    const entry: JobEntry = {
      controller: new AbortController(),
      pause: new PauseControl(),
      pausable: job.pausable,
      channel,
    };
    this.jobs.set(jobId, entry);
    if (channel !== undefined) this.channels.set(channel, jobId);
    this.send({ kind: 'response', id: requestId, ok: true, result: { jobId } });

    const live = (): boolean => this.jobs.get(jobId) === entry;
    this.host
      .runJob(
        job,
        (output) => {
          if (!live()) return;
          const msg: ServerMessage = { kind: 'event', jobId, event: 'job.progress', output };
          // snapshots coalesce (the latest wins); records (a point, a step, a cell) are each delivered
          if (job.progress === 'snapshot') this.outbox.push(jobId, msg);
          else this.send(msg);
        },
        entry.controller.signal,
        entry.pause,
      )
      .then(
        (output) => {
          if (!live()) return;
          this.forget(jobId);
          this.send({ kind: 'event', jobId, event: 'job.done', output });
        },
        (err: unknown) => {
          if (!live()) return;
          this.forget(jobId);
          this.sendError(jobId, toLabError(err));
        },
      );
  }

  /** Pause or resume; a pause is time-boxed while other TensorFlow.js jobs wait (see ConnectionOptions). */
  private setPaused(jobId: string, entry: JobEntry, paused: boolean): void {
    clearTimeout(entry.pauseTimer);
    entry.pauseTimer = undefined;
    entry.pause.set(paused);
    if (!paused) return;
    const limit = this.opts.pauseLimitMs;
    const check = (): void => {
      if (this.jobs.get(jobId) !== entry || !entry.pause.paused) return;
      const others = this.host.tfJobs() - 1;
      if (others > 0)
        this.cancel(
          jobId,
          `paused for more than ${limit / 1000} s while ${others} other TensorFlow.js job(s) waited for the worker: ` +
            'cancelled to let them run',
        );
      else entry.pauseTimer = setTimeout(check, limit);
    };
    entry.pauseTimer = setTimeout(check, limit);
  }

  private sendError(jobId: string, error: LabError): void {
    this.send({ kind: 'event', jobId, event: 'job.error', error });
  }

  /** Cancel a running job of this connection; its client gets job.error (cancelled) right away. */
  private cancel(jobId: string, reason: string): boolean {
    const entry = this.jobs.get(jobId);
    if (!entry) return false;
    this.forget(jobId);
    entry.controller.abort(new LabServiceError('cancelled', reason));
    this.sendError(jobId, { code: 'cancelled', message: reason });
    return true;
  }

  private forget(jobId: string): void {
    const entry = this.jobs.get(jobId);
    if (!entry) return;
    this.jobs.delete(jobId);
    this.outbox.drop(jobId); // its final event goes out instead
    clearTimeout(entry.pauseTimer);
    this.host.releaseJob();
    if (entry.channel !== undefined && this.channels.get(entry.channel) === jobId) this.channels.delete(entry.channel);
  }

  private fail(id: string, code: LabError['code'], message: string): void {
    this.send({ kind: 'response', id, ok: false, error: { code, message } });
  }

  /**
   * Send now (responses, final events; progress comes through the outbox). A client whose unsent backlog passed
   * maxBacklogBytes has stopped reading: it is dropped rather than let the server's memory grow without bound. A
   * transport that throws while sending has lost its client; nothing useful can be done here.
   */
  private send(msg: ServerMessage): void {
    if (this.closed) return;
    if ((this.opts.backlog?.() ?? 0) > this.opts.maxBacklogBytes) {
      this.opts.terminate?.();
      this.close();
      return;
    }
    try {
      this.sendRaw(msg);
    } catch {
      // the transport closes the connection when it notices
    }
  }
}
