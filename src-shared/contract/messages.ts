// The wire contract between a client (renderer, tests) and the lab service. Every transport
// (Electron IPC, WebSocket) carries exactly these messages and validates them with these schemas.
import { z } from 'zod';
import { gdStepParamsSchema, gdStepResultSchema } from './gd-step';
import { measureParamsSchema, measureResultSchema } from './measure';
import { ntkSpectrumParamsSchema, spectrumPointSchema } from './ntk-spectrum';
import { trainabilityJobParamsSchema, trainabilityProgressSchema, trainabilitySummarySchema } from './trainability';
import { lrSweepJobParamsSchema, lrSweepPointSchema } from './lr-sweep';
import { trainDynamicsParamsSchema, trainDynamicsRecordSchema, trainDynamicsSummarySchema } from './train-dynamics';

export const CONTRACT_VERSION = 1;

const id = z.string().min(1).max(64);

/** The TensorFlow.js engine (dense networks, training): detected lazily in its own worker. */
export const tensorflowInfoSchema = z.object({
  state: z.enum(['detecting', 'ready', 'failed']),
  /** tensorflow-gpu | tensorflow | wasm | cpu, once ready. */
  backend: z.string().optional(),
  /** e.g. "CPU (WebAssembly SIMD, 1 thread)". */
  device: z.string().optional(),
  /** Why each preferred backend was not used, in order. */
  fallbacks: z.array(z.object({ backend: z.string(), reason: z.string() })).default([]),
  /** Why no backend could be started (state 'failed'). */
  error: z.string().optional(),
  tfjsVersion: z.string().optional(),
});
export type TensorflowInfo = z.infer<typeof tensorflowInfoSchema>;

/** Facts about the running engine, shown in the status bar. */
export const labInfoSchema = z.object({
  version: z.string(),
  contractVersion: z.number(),
  /** Where sampled networks run (the exact samplers and the float64 dense reference). */
  backend: z.string(),
  /** TensorFlow.js engine state (absent from services that have none, e.g. test fakes). */
  tensorflow: tensorflowInfoSchema.optional(),
  /** Why a preferred backend was not used, if it was not. */
  backendFallbackReason: z.string().optional(),
  workers: z.number(),
  transport: z.enum(['electron-ipc', 'websocket', 'in-process']),
  jobCap: z.number().int().positive().optional(),
});
export type LabInfo = z.infer<typeof labInfoSchema>;

/** A job of any kind the service runs. Measurements may also use the older measure.* methods and events. */
export const jobSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('measure'), params: measureParamsSchema }),
  z.object({ kind: z.literal('gd-step'), params: gdStepParamsSchema }),
  z.object({ kind: z.literal('train-dynamics'), params: trainDynamicsParamsSchema }),
  z.object({ kind: z.literal('ntk-spectrum'), params: ntkSpectrumParamsSchema }),
  /**
   * A trainability sweep (src-shared/contract/trainability.ts; checked with parseTrainabilityParams, `paperSize`
   * allowed).
   */
  z.object({ kind: z.literal('trainability'), params: trainabilityJobParamsSchema }),
  /** A learning-rate sweep (src-shared/contract/lr-sweep.ts; checked with parseLrSweepParams). */
  z.object({ kind: z.literal('lr-sweep'), params: lrSweepJobParamsSchema }),
]);
export type JobSpec = z.infer<typeof jobSpecSchema>;
export type JobSpecInput = z.input<typeof jobSpecSchema>;
export type JobKind = JobSpec['kind'];

/** A partial or final output of a job, tagged with its kind. */
export const jobOutputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('measure'), result: measureResultSchema }),
  z.object({ kind: z.literal('gd-step'), result: gdStepResultSchema }),
  /**
   * Progress: one recorded step (kernel as a plain array on the wire); done: the summary. `backend` names the tfjs
   * backend.
   */
  z.object({
    kind: z.literal('train-dynamics'),
    backend: z.string(),
    record: trainDynamicsRecordSchema.optional(),
    summary: trainDynamicsSummarySchema.optional(),
  }),
  /** Progress: one depth's point; done: every point, in the order of params.depths. */
  z.object({
    kind: z.literal('ntk-spectrum'),
    point: spectrumPointSchema.optional(),
    points: z.array(spectrumPointSchema).optional(),
  }),
  /** Progress: a finished cell (first every cell already stored for these params); done: the summary. */
  z.object({
    kind: z.literal('trainability'),
    backend: z.string(),
    progress: trainabilityProgressSchema.optional(),
    summary: trainabilitySummarySchema.optional(),
  }),
  /**
   * Progress: one finished (depth, ρ) point, depth-major, ρ ascending; done: every point (a cancelled sweep ends with
   * job.error 'cancelled').
   */
  z.object({
    kind: z.literal('lr-sweep'),
    backend: z.string(),
    point: lrSweepPointSchema.optional(),
    points: z.array(lrSweepPointSchema).optional(),
  }),
]);
export type JobOutput = z.infer<typeof jobOutputSchema>;

const channel = z.string().min(1).max(64);

export const requestSchema = z.discriminatedUnion('method', [
  z.object({ kind: z.literal('request'), id, method: z.literal('lab.info') }),
  z.object({
    kind: z.literal('request'),
    id,
    method: z.literal('measure.start'),
    params: measureParamsSchema,
    /** Jobs on the same channel supersede each other: starting one cancels the channel's previous job (the cursor). */
    channel: z.string().min(1).max(64).optional(),
  }),
  z.object({ kind: z.literal('request'), id, method: z.literal('measure.cancel'), jobId: id }),
  /** Any job kind; its events are job.progress / job.done / job.error. Channels work as for measure.start. */
  z.object({
    kind: z.literal('request'),
    id,
    method: z.literal('job.start'),
    job: jobSpecSchema,
    channel: channel.optional(),
  }),
  z.object({ kind: z.literal('request'), id, method: z.literal('job.cancel'), jobId: id }),
  /** Pause or resume a running job that supports it (training); the response says whether it did. */
  z.object({ kind: z.literal('request'), id, method: z.literal('job.pause'), jobId: id, paused: z.boolean() }),
]);
export type Request = z.infer<typeof requestSchema>;
export type RequestInput = z.input<typeof requestSchema>;

/** 'refused': this job can never run (too costly, leaves float64); 'busy': the job cap is momentarily full, retry. */
export const errorSchema = z.object({
  code: z.enum(['bad-request', 'refused', 'busy', 'failed', 'cancelled', 'internal']),
  message: z.string(),
});
export type LabError = z.infer<typeof errorSchema>;

export const responseSchema = z.union([
  z.object({ kind: z.literal('response'), id, ok: z.literal(true), result: z.unknown() }),
  z.object({ kind: z.literal('response'), id: z.string(), ok: z.literal(false), error: errorSchema }),
]);
export type Response = z.infer<typeof responseSchema>;

export const eventSchema = z.discriminatedUnion('event', [
  z.object({ kind: z.literal('event'), jobId: id, event: z.literal('measure.progress'), result: measureResultSchema }),
  z.object({ kind: z.literal('event'), jobId: id, event: z.literal('measure.done'), result: measureResultSchema }),
  z.object({ kind: z.literal('event'), jobId: id, event: z.literal('measure.error'), error: errorSchema }),
  z.object({ kind: z.literal('event'), jobId: id, event: z.literal('job.progress'), output: jobOutputSchema }),
  z.object({ kind: z.literal('event'), jobId: id, event: z.literal('job.done'), output: jobOutputSchema }),
  z.object({ kind: z.literal('event'), jobId: id, event: z.literal('job.error'), error: errorSchema }),
]);
export type LabEvent = z.infer<typeof eventSchema>;

export const serverMessageSchema = z.union([responseSchema, eventSchema]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** Result payloads per method (the `result` of an ok response). */
export const startResultSchema = z.object({ jobId: id });
export type StartResult = z.infer<typeof startResultSchema>;
