// One client of the lab service: validates each request, answers it exactly once, and streams its jobs' events.
// Jobs on the same channel supersede each other (the cursor's old job is cancelled when it moves).
import type { MeasureParams, MeasureResult } from '../../src-shared/contract/measure';
import { requestSchema, type LabError, type LabInfo, type Request, type ServerMessage } from '../../src-shared/contract/messages';
import { describeZodError } from '../../src-shared/params';
import { LabServiceError, toLabError } from './lab-error';

export interface LabConnection {
  /** Handle one incoming message (an object, or JSON text). Never throws; every valid request gets one response. */
  handle(raw: unknown): void;
  /** Cancel this client's jobs; nothing is sent afterwards. */
  close(): void;
}

/** What a connection needs from the service. */
export interface ConnectionHost {
  checkFeasible(params: MeasureParams): void;
  run(params: MeasureParams, onProgress: (r: MeasureResult) => void, signal: AbortSignal): Promise<MeasureResult>;
  info(transport: LabInfo['transport']): LabInfo;
  nextJobId(): string;
}

/** Running jobs a single client may hold (each can pin up to 2 × 8 bytes × samplesMax of memory). */
export const MAX_JOBS_PER_CONNECTION = 8;

interface JobEntry {
  controller: AbortController;
  channel?: string;
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
      if (!parsed.success) return this.fail(idOf(value), 'bad-request', `invalid request: ${describeZodError(parsed.error)}`);
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
      case 'measure.cancel': {
        const cancelled = this.cancel(req.jobId, 'cancelled by request');
        return this.send({ kind: 'response', id: req.id, ok: true, result: { jobId: req.jobId, cancelled } });
      }
      case 'measure.start':
        return this.start(req.id, req.params, req.channel);
    }
  }

  private start(requestId: string, params: MeasureParams, channel: string | undefined): void {
    try {
      this.host.checkFeasible(params);
    } catch (err) {
      const e = toLabError(err);
      return this.fail(requestId, e.code, e.message);
    }
    const jobId = this.host.nextJobId();
    const previous = channel === undefined ? undefined : this.channels.get(channel);
    if (previous !== undefined) this.cancel(previous, `superseded by ${jobId} on channel ${JSON.stringify(channel)}`);
    if (this.jobs.size >= MAX_JOBS_PER_CONNECTION) {
      return this.fail(requestId, 'busy', `too many running jobs (${MAX_JOBS_PER_CONNECTION}); cancel one or start jobs on a channel`);
    }
    const entry: JobEntry = { controller: new AbortController(), channel };
    this.jobs.set(jobId, entry);
    if (channel !== undefined) this.channels.set(channel, jobId);
    this.send({ kind: 'response', id: requestId, ok: true, result: { jobId } });

    const live = (): boolean => this.jobs.get(jobId) === entry;
    this.host
      .run(params, (result) => live() && this.send({ kind: 'event', jobId, event: 'measure.progress', result }), entry.controller.signal)
      .then(
        (result) => {
          if (!live()) return;
          this.forget(jobId);
          this.send({ kind: 'event', jobId, event: 'measure.done', result });
        },
        (err: unknown) => {
          if (!live()) return;
          this.forget(jobId);
          this.send({ kind: 'event', jobId, event: 'measure.error', error: toLabError(err) });
        },
      );
  }

  /** Cancel a running job of this connection; its client gets measure.error (cancelled) right away. */
  private cancel(jobId: string, reason: string): boolean {
    const entry = this.jobs.get(jobId);
    if (!entry) return false;
    this.forget(jobId);
    entry.controller.abort(new LabServiceError('cancelled', reason));
    this.send({ kind: 'event', jobId, event: 'measure.error', error: { code: 'cancelled', message: reason } });
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
