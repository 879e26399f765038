// For unit tests only: a scripted LabClient that records every job and lets the test stream, finish, fail or watch
// the cancellation of each one by hand. Its handles behave like lab-client.ts's: cancel() rejects `done` with code
// 'cancelled', and an unobserved rejection is not reported.
import type { MeasureParamsInput, MeasureResult } from '../../src-shared/contract/measure';
import type { JobOutput, JobSpecInput } from '../../src-shared/contract/messages';
import type { PausableJobHandle, LabClient, MeasureHandle } from './lab-api';

export interface ScriptedJob {
  readonly params: MeasureParamsInput;
  readonly channel?: string;
  /** Set by the handle's cancel(). */
  cancelled: boolean;
  /** Deliver a partial result to the job's onProgress. */
  progress(r: MeasureResult): void;
  resolve(r: MeasureResult): void;
  reject(err: Error & { code?: string }): void;
  /** Reject with the lab's error shape, e.g. fail('busy', 'too many running jobs'). */
  fail(code: string, message: string): void;
}

/** A job started through lab.job() (any kind), scripted like ScriptedJob. */
export interface ScriptedSpecJob {
  readonly spec: JobSpecInput;
  readonly channel?: string;
  cancelled: boolean;
  /** Last pause(p) the code under test asked for. */
  paused?: boolean;
  progress(o: JobOutput): void;
  resolve(o: JobOutput): void;
  reject(err: Error & { code?: string }): void;
  fail(code: string, message: string): void;
}

export interface ScriptedLab {
  lab: LabClient;
  /** Every measurement started (lab.measure), in launch order. */
  jobs: ScriptedJob[];
  /** Every job started through lab.job(), in launch order. */
  specJobs: ScriptedSpecJob[];
  /** The lab.job() jobs not settled yet, in launch order. */
  runningSpecJobs(): ScriptedSpecJob[];
  /** The jobs not settled yet (neither resolved, rejected nor cancelled), in launch order. */
  running(): ScriptedJob[];
}

/** An Error carrying a LabClientError code. */
export const labError = (code: string, message: string): Error & { code: string } =>
  Object.assign(new Error(message), { code });

/** `workers` is what info() reports. */
export function scriptedLab(workers = 1): ScriptedLab {
  const jobs: ScriptedJob[] = [];
  const live = new Set<ScriptedJob>();
  const specJobs: ScriptedSpecJob[] = [];
  const liveSpec = new Set<ScriptedSpecJob>();
  const lab: LabClient = {
    transport: 'in-process',
    info: async () => ({ version: 't', contractVersion: 1, backend: 'test', workers, transport: 'in-process' }),
    setTfWorkers: () => Promise.reject(labError('bad-request', 'the scripted lab has no TF workers')),
    measure(params, opts): MeasureHandle {
      let resolve!: (r: MeasureResult) => void;
      let reject!: (e: Error) => void;
      const done = new Promise<MeasureResult>((a, b) => {
        resolve = a;
        reject = b;
      });
      done.catch(() => undefined);
      const job: ScriptedJob = {
        params,
        channel: opts?.channel,
        cancelled: false,
        progress: (r) => opts?.onProgress?.(r),
        resolve: (r) => {
          live.delete(job);
          resolve(r);
        },
        reject: (err) => {
          live.delete(job);
          reject(err);
        },
        fail: (code, message) => job.reject(labError(code, message)),
      };
      jobs.push(job);
      live.add(job);
      return {
        done,
        cancel() {
          job.cancelled = true;
          job.fail('cancelled', 'measurement cancelled');
        },
      };
    },
    job(spec, opts): PausableJobHandle<JobOutput> {
      let resolve!: (o: JobOutput) => void;
      let reject!: (e: Error) => void;
      const done = new Promise<JobOutput>((a, b) => {
        resolve = a;
        reject = b;
      });
      done.catch(() => undefined);
      const job: ScriptedSpecJob = {
        spec,
        channel: opts?.channel,
        cancelled: false,
        progress: (o) => opts?.onProgress?.(o),
        resolve: (o) => {
          liveSpec.delete(job);
          resolve(o);
        },
        reject: (err) => {
          liveSpec.delete(job);
          reject(err);
        },
        fail: (code, message) => job.reject(labError(code, message)),
      };
      specJobs.push(job);
      liveSpec.add(job);
      return {
        done,
        cancel() {
          job.cancelled = true;
          job.fail('cancelled', 'job cancelled');
        },
        async pause(paused: boolean) {
          job.paused = paused;
          return true;
        },
      };
    },
  };
  return { lab, jobs, running: () => [...live], specJobs, runningSpecJobs: () => [...liveSpec] };
}
