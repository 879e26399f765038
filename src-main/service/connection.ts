// One client of the lab service: validates each request, answers it exactly once, and streams its jobs' events.
// Jobs on the same channel supersede each other (the cursor's old job is cancelled when it moves).
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
import { PauseControl } from '../tf/tf-host';
import { LabServiceError, toLabError } from './lab-error';

export interface LabConnection {
  /** Handle one incoming message (an object, or JSON text). Never throws; every valid request gets one response. */
  handle(raw: unknown): void;
  /** Cancel this client's jobs; nothing is sent afterwards. */
  close(): void;
}

/** What a connection needs from the service. */
export interface ConnectionHost {
  /** Throws LabServiceError ('bad-request' | 'refused') for a job that cannot run. */
  checkJob(job: JobSpec): void;
  runJob(
    job: JobSpec,
    onProgress: (o: JobOutput) => void,
    signal: AbortSignal,
    pause: PauseControl,
  ): Promise<JobOutput>;
  info(transport: LabInfo['transport']): LabInfo;
  nextJobId(): string;
}

/** Running jobs a single client may hold (each can pin up to 2 × 8 bytes × samplesMax of memory). */
export const MAX_JOBS_PER_CONNECTION = 8;

interface JobEntry {
  controller: AbortController;
  pause: PauseControl;
  kind: JobSpec['kind'];
  channel?: string;
  /** Started by measure.start (events measure.*, carrying the bare result) or job.start (events job.*). */
  style: 'measure' | 'job';
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

  constructor(
    private readonly host: ConnectionHost,
    private readonly sendRaw: (msg: ServerMessage) => void,
    private readonly transport: LabInfo['transport'],
    private readonly onClose: () => void = () => undefined,
  ) {}

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
    for (const entry of this.jobs.values()) entry.controller.abort();
    this.jobs.clear();
    this.channels.clear();
    this.onClose();
  }

  private dispatch(req: Request): void {
    switch (req.method) {
      case 'lab.info':
        return this.send({ kind: 'response', id: req.id, ok: true, result: this.host.info(this.transport) });
      case 'measure.cancel':
      case 'job.cancel': {
        const cancelled = this.cancel(req.jobId, 'cancelled by request');
        return this.send({ kind: 'response', id: req.id, ok: true, result: { jobId: req.jobId, cancelled } });
      }
      case 'measure.start':
        return this.start(req.id, { kind: 'measure', params: req.params }, req.channel, 'measure');
      case 'job.start':
        return this.start(req.id, req.job, req.channel, 'job');
      case 'job.pause': {
        const entry = this.jobs.get(req.jobId);
        // training runs pause (the TF worker waits at the next step); sampling jobs are cheap to cancel and restart,
        // and
        // a trainability sweep pauses by cancel + resume from its store
        const supported = entry?.kind === 'train-dynamics' || entry?.kind === 'lr-sweep';
        if (entry && supported) entry.pause.set(req.paused);
        return this.send({
          kind: 'response',
          id: req.id,
          ok: true,
          result: { jobId: req.jobId, paused: supported ? req.paused : false, supported },
        });
      }
    }
  }

  private start(requestId: string, job: JobSpec, channel: string | undefined, style: JobEntry['style']): void {
    try {
      this.host.checkJob(job);
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
    const entry: JobEntry = {
      controller: new AbortController(),
      pause: new PauseControl(),
      kind: job.kind,
      channel,
      style,
    };
    this.jobs.set(jobId, entry);
    if (channel !== undefined) this.channels.set(channel, jobId);
    this.send({ kind: 'response', id: requestId, ok: true, result: { jobId } });

    const live = (): boolean => this.jobs.get(jobId) === entry;
    this.host
      .runJob(
        job,
        (output) => live() && this.sendOutput(jobId, entry, 'progress', output),
        entry.controller.signal,
        entry.pause,
      )
      .then(
        (output) => {
          if (!live()) return;
          this.forget(jobId);
          this.sendOutput(jobId, entry, 'done', output);
        },
        (err: unknown) => {
          if (!live()) return;
          this.forget(jobId);
          this.sendError(jobId, entry, toLabError(err));
        },
      );
  }

  private sendOutput(jobId: string, entry: JobEntry, what: 'progress' | 'done', output: JobOutput): void {
    if (entry.style === 'job') return this.send({ kind: 'event', jobId, event: `job.${what}`, output });
    if (output.kind !== 'measure') throw new Error(`a measure.start job produced ${output.kind} output`);
    this.send({ kind: 'event', jobId, event: `measure.${what}`, result: output.result });
  }

  private sendError(jobId: string, entry: JobEntry, error: LabError): void {
    this.send({ kind: 'event', jobId, event: entry.style === 'job' ? 'job.error' : 'measure.error', error });
  }

  /** Cancel a running job of this connection; its client gets measure.error / job.error (cancelled) right away. */
  private cancel(jobId: string, reason: string): boolean {
    const entry = this.jobs.get(jobId);
    if (!entry) return false;
    this.forget(jobId);
    entry.controller.abort(new LabServiceError('cancelled', reason));
    this.sendError(jobId, entry, { code: 'cancelled', message: reason });
    return true;
  }

  private forget(jobId: string): void {
    const entry = this.jobs.get(jobId);
    this.jobs.delete(jobId);
    if (entry?.channel !== undefined && this.channels.get(entry.channel) === jobId) this.channels.delete(entry.channel);
  }

  private fail(id: string, code: LabError['code'], message: string): void {
    this.send({ kind: 'response', id, ok: false, error: { code, message } });
  }

  /** A transport that throws while sending has lost its client; nothing useful can be done here. */
  private send(msg: ServerMessage): void {
    if (this.closed) return;
    try {
      this.sendRaw(msg);
    } catch {
      // the transport closes the connection when it notices
    }
  }
}
