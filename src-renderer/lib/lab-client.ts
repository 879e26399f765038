// The renderer's LabClient over either transport: request/response correlation by id, job events routed by jobId
// to their MeasureHandle, readable errors, and a lazy reconnect after a dropped WebSocket.
import './zod-jitless'; // first: before any schema is built (see the file)
import type { MeasureParamsInput, MeasureResult } from '../../src-shared/contract/measure';
import {
  type JobOutput,
  type JobSpecInput,
  labInfoSchema,
  serverMessageSchema,
  startResultSchema,
  type LabError,
  type LabEvent,
  type LabInfo,
  type RequestInput,
} from '../../src-shared/contract/messages';
import type { LabClient, MeasureHandle, PausableJobHandle } from './lab-api';
import { openIpcTransport } from './transport-ipc';
import type { LabTransport, TransportOpener } from './transport-types';
import { openWebSocketTransport, webSocketUrlFor } from './transport-ws';

export type LabClientErrorCode = LabError['code'] | 'disconnected';

/** What LabClient promises reject with: a user-readable message plus a machine-readable code. */
export class LabClientError extends Error {
  readonly code: LabClientErrorCode;
  constructor(code: LabClientErrorCode, message: string) {
    super(message);
    this.name = 'LabClientError';
    this.code = code;
  }
}

export interface ConnectedLabClient extends LabClient {
  /** Connection state changes: 'closed' (with a reason) when the pipe drops, 'open' when it is re-established. */
  onConnectionChange(cb: (state: 'open' | 'closed', reason?: string) => void): () => void;
  /** Close the pipe; pending work rejects with code 'disconnected'. */
  close(): void;
}

type Pending = { resolve(result: unknown): void; reject(err: LabClientError): void };
type Job = {
  channel?: string;
  settled: boolean;
  /** The newer job on its channel that settled this one: the lab cancels this one when it accepts that start. */
  supersededBy?: Job;
  /** A superseded predecessor's jobId, cancelled here only if the lab refuses this job's start. */
  cancelIfRefused?: string;
  /** The lab refused this job's start (it then superseded nothing). */
  startRefused?: boolean;
  jobId?: string;
  onProgress?: (o: JobOutput) => void;
  resolve(o: JobOutput): void;
  reject(err: LabClientError): void;
};
type RequestBody = RequestInput extends infer R ? (R extends unknown ? Omit<R, 'kind' | 'id'> : never) : never;

/** Events that may arrive before the response that tells us their jobId (IPC delivers the two on different paths). */
const EARLY_EVENT_LIMIT = 256;

export function createLabClient(kind: LabInfo['transport'], open: TransportOpener): ConnectedLabClient {
  let transport: LabTransport | undefined;
  let connecting: Promise<LabTransport> | undefined;
  let everConnected = false;
  let nextId = 1;
  const pending = new Map<string, Pending>();
  const jobs = new Map<string, Job>();
  const latestOnChannel = new Map<string, Job>();
  let startsInFlight = 0;
  let earlyEvents: LabEvent[] = [];
  const listeners = new Set<(state: 'open' | 'closed', reason?: string) => void>();

  const notify = (state: 'open' | 'closed', reason?: string): void => {
    for (const cb of listeners) cb(state, reason);
  };

  const settle = (job: Job, outcome: { result: JobOutput } | { error: LabClientError }): void => {
    if (job.settled) return;
    job.settled = true;
    if (job.jobId) jobs.delete(job.jobId);
    if (job.channel && latestOnChannel.get(job.channel) === job) latestOnChannel.delete(job.channel);
    if ('result' in outcome) job.resolve(outcome.result);
    else job.reject(outcome.error);
  };

  const routeEvent = (ev: LabEvent): void => {
    const job = jobs.get(ev.jobId);
    if (!job) {
      if (startsInFlight > 0 && earlyEvents.length < EARLY_EVENT_LIMIT) earlyEvents.push(ev);
      return; // otherwise a job we already settled (cancelled, superseded): nothing to do
    }
    if (ev.event === 'job.progress') {
      try {
        job.onProgress?.(ev.output);
      } catch (err) {
        console.error('lab: onProgress callback threw', err);
      }
    } else if (ev.event === 'job.done') settle(job, { result: ev.output });
    else settle(job, { error: new LabClientError(ev.error.code, ev.error.message) });
  };

  const onMessage = (raw: unknown): void => {
    const parsed = serverMessageSchema.safeParse(raw);
    if (!parsed.success) {
      console.warn('lab: ignored an invalid message from the lab', raw);
      return;
    }
    const msg = parsed.data;
    if (msg.kind === 'event') return routeEvent(msg);
    const waiter = pending.get(msg.id);
    if (!waiter) {
      // id '?' is the lab answering something it could not parse at all; that is a bug on our side, so say it.
      if (!msg.ok) console.warn(`lab: ${msg.error.code}: ${msg.error.message}`);
      return;
    }
    pending.delete(msg.id);
    if (msg.ok) waiter.resolve(msg.result);
    else waiter.reject(new LabClientError(msg.error.code, msg.error.message));
  };

  const onClose = (reason: string): void => {
    transport = undefined;
    const err = new LabClientError('disconnected', `Lost the connection to the lab: ${reason}`);
    for (const waiter of pending.values()) waiter.reject(err);
    pending.clear();
    for (const job of [...jobs.values()]) settle(job, { error: err });
    earlyEvents = [];
    notify('closed', reason);
  };

  const ensureTransport = (): Promise<LabTransport> => {
    if (transport) return Promise.resolve(transport);
    connecting ??= open({ onMessage, onClose }).then(
      (t) => {
        transport = t;
        connecting = undefined;
        if (everConnected) notify('open');
        everConnected = true;
        return t;
      },
      (err: unknown) => {
        connecting = undefined;
        throw new LabClientError('disconnected', err instanceof Error ? err.message : String(err));
      },
    );
    return connecting;
  };

  /** Send a request; `waiter` is called synchronously when its response arrives (keeps start → events ordered). */
  const call = async (body: RequestBody, waiter: Pending): Promise<void> => {
    const t = await ensureTransport();
    const id = `r${nextId++}`;
    pending.set(id, waiter);
    try {
      t.send({ kind: 'request', id, ...body });
    } catch (err) {
      pending.delete(id);
      throw new LabClientError('disconnected', (err as Error).message);
    }
  };

  const request = (body: RequestBody): Promise<unknown> =>
    new Promise((resolve, reject) => {
      call(body, { resolve, reject }).catch(reject);
    });

  /** Start a job (job.start); events are routed to it as JobOutputs. */
  const startJob = (
    body: RequestBody & { method: 'job.start' },
    opts: { channel?: string; onProgress?: (o: JobOutput) => void },
  ): PausableJobHandle<JobOutput> => {
    let resolve!: (r: JobOutput) => void;
    let reject!: (err: LabClientError) => void;
    const done = new Promise<JobOutput>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Superseded cursor jobs are routinely dropped unobserved; that must not surface as an unhandled rejection.
    done.catch(() => undefined);
    const job: Job = { channel: opts.channel, settled: false, onProgress: opts.onProgress, resolve, reject };
    let cancelRequested = false;

    if (opts.channel) {
      // The lab cancels the channel's previous job too; settling it here makes its handle reject at once.
      // (a settled job leaves latestOnChannel, so `previous` is still running)
      const previous = latestOnChannel.get(opts.channel);
      if (previous) {
        previous.supersededBy = job;
        settle(previous, {
          error: new LabClientError('cancelled', `superseded by a newer job on channel "${opts.channel}"`),
        });
      }
      latestOnChannel.set(opts.channel, job);
    }

    const sendCancel = (jobId: string): void => {
      request({ method: 'job.cancel', jobId }).catch(() => undefined); // best effort: the job is settled already
    };

    startsInFlight++;
    let counted = true;
    const uncount = (): void => {
      if (!counted) return;
      counted = false;
      if (--startsInFlight === 0) earlyEvents = [];
    };
    /** The lab refused the start, or it was never sent: a superseded predecessor still runs there. */
    const refused = (err: LabClientError): void => {
      uncount();
      job.startRefused = true;
      if (job.cancelIfRefused) sendCancel(job.cancelIfRefused);
      settle(job, { error: err });
    };
    call(
      { ...body, ...(opts.channel ? { channel: opts.channel } : {}) },
      {
        resolve(result) {
          const started = startResultSchema.safeParse(result);
          if (!started.success) {
            uncount();
            settle(job, { error: new LabClientError('internal', 'the lab sent a malformed start response') });
            return;
          }
          const { jobId } = started.data;
          job.jobId = jobId;
          if (job.settled || cancelRequested) {
            uncount();
            // A superseded job is cancelled by the lab when it accepts the newer start, sent after this one on the
            // same connection (a drag would otherwise send a cancel, and get its answer, at every cursor step).
            // Only if the lab refuses that start does the job still run: its refusal sends the cancel.
            const next = cancelRequested ? undefined : job.supersededBy;
            if (next && !next.startRefused) next.cancelIfRefused = jobId;
            else sendCancel(jobId);
            return;
          }
          jobs.set(jobId, job);
          const mine = earlyEvents.filter((e) => e.jobId === jobId);
          earlyEvents = earlyEvents.filter((e) => e.jobId !== jobId);
          uncount();
          for (const ev of mine) routeEvent(ev);
        },
        reject: refused,
      },
    ).catch(refused);

    return {
      done,
      cancel() {
        if (job.settled) return;
        cancelRequested = true;
        settle(job, { error: new LabClientError('cancelled', 'cancelled') });
        if (job.jobId) sendCancel(job.jobId);
      },
      async pause(paused: boolean) {
        if (job.settled || !job.jobId) return false;
        const result = (await request({ method: 'job.pause', jobId: job.jobId, paused })) as {
          paused?: unknown;
          supported?: unknown;
        };
        return result.supported === true && result.paused === paused;
      },
    };
  };

  const client: ConnectedLabClient = {
    transport: kind,

    async info() {
      const result = await request({ method: 'lab.info' });
      const info = labInfoSchema.safeParse(result);
      if (!info.success) throw new LabClientError('internal', 'the lab sent malformed info');
      return info.data;
    },

    async setTfWorkers(workers: number) {
      const result = await request({ method: 'lab.setTfWorkers', workers });
      const info = labInfoSchema.safeParse(result);
      if (!info.success) throw new LabClientError('internal', 'the lab sent malformed info');
      return info.data;
    },

    measure(
      params: MeasureParamsInput,
      opts: { channel?: string; onProgress?: (r: MeasureResult) => void } = {},
    ): MeasureHandle {
      const onProgress = opts.onProgress;
      const handle = startJob(
        { method: 'job.start', job: { kind: 'measure', params } },
        { channel: opts.channel, onProgress: onProgress && ((o) => o.kind === 'measure' && onProgress(o.result)) },
      );
      const done = handle.done.then((o) => {
        if (o.kind !== 'measure')
          throw new LabClientError('internal', `the lab answered a measurement with ${o.kind} output`);
        return o.result;
      });
      done.catch(() => undefined);
      return { done, cancel: handle.cancel };
    },

    job(
      spec: JobSpecInput,
      opts: { channel?: string; onProgress?: (o: JobOutput) => void } = {},
    ): PausableJobHandle<JobOutput> {
      return startJob({ method: 'job.start', job: spec }, opts);
    },

    onConnectionChange(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },

    close() {
      const t = transport;
      if (t) {
        t.close();
        onClose('the client closed the connection');
      }
    },
  };
  return client;
}

/**
 * Connect to the lab: Electron's preload bridge when present, else the web-mode WebSocket of this page's host.
 * Rejects with a readable Error when the page has no token or the lab cannot be reached.
 */
export async function connectLab(): Promise<ConnectedLabClient> {
  const bridge = window.lab;
  if (bridge) {
    const client = createLabClient('electron-ipc', async (handlers) => openIpcTransport(bridge, handlers));
    await client.info(); // fail now, not on the first click, if the main process refuses us
    return client;
  }
  const url = webSocketUrlFor(window.location);
  const client = createLabClient('websocket', (handlers) =>
    openWebSocketTransport(url, handlers, (u) => new WebSocket(u)),
  );
  await client.info();
  return client;
}
