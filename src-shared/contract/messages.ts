// The wire contract between a client (renderer, tests) and the lab service. Every transport
// (Electron IPC, WebSocket) carries exactly these messages and validates them with these schemas.
import { z } from 'zod';
import { jobOutputSchema, jobSpecSchema } from './kinds';

export const CONTRACT_VERSION = 1;

const id = z.string().min(1).max(64);

/** The TensorFlow.js engine (dense networks, training): detected lazily in its own worker. */
const tensorflowInfoSchema = z.object({
  state: z.enum(['detecting', 'ready', 'failed']),
  /** tensorflow-gpu | webgpu | tensorflow | wasm | cpu, once ready. */
  backend: z.string().optional(),
  /** e.g. "CPU (WebAssembly SIMD, 1 thread)". */
  device: z.string().optional(),
  /** Why each preferred backend was not used, in order. */
  fallbacks: z.array(z.object({ backend: z.string(), reason: z.string() })).default([]),
  /** Why no backend could be started (state 'failed'). */
  error: z.string().optional(),
  tfjsVersion: z.string().optional(),
  /** The GPU adapter of the webgpu backend (Dawn); `software`: a CPU emulation such as SwiftShader. */
  adapter: z
    .object({
      vendor: z.string(),
      architecture: z.string(),
      device: z.string(),
      description: z.string(),
      software: z.boolean(),
    })
    .optional(),
  /** TF workers that jobs are spread over, once ready (one per core on wasm / cpu; 1 on a native or GPU backend). */
  workers: z.number().int().positive().optional(),
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
  /** Running jobs one connection may hold (a client's schedulers share it; a full cap answers 'busy'). */
  jobCap: z.number().int().positive().optional(),
  /**
   * The TF worker-count setting (lab.setTfWorkers): `setting` the count asked for (one per core unless changed),
   * `max` the largest the service accepts. The workers actually running are `tensorflow.workers`.
   */
  tfWorkers: z.object({ setting: z.number().int().positive(), max: z.number().int().positive() }).optional(),
});
export type LabInfo = z.infer<typeof labInfoSchema>;

export { jobSpecSchema, jobOutputSchema, JOB_KINDS, type JobKind } from './kinds';
export type JobSpec = z.infer<typeof jobSpecSchema>;
export type JobSpecInput = z.input<typeof jobSpecSchema>;
export type JobOutput = z.infer<typeof jobOutputSchema>;

const channel = z.string().min(1).max(64);

export const requestSchema = z.discriminatedUnion('method', [
  z.object({ kind: z.literal('request'), id, method: z.literal('lab.info') }),
  /**
   * Any job kind (src-shared/contract/kinds); its events are job.progress / job.done / job.error. Jobs on the same
   * channel supersede each other: starting one cancels the channel's previous job (the cursor).
   */
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
  /**
   * Set the TF worker count for the whole service (every client's sweeps): an integer from 1 to info.tfWorkers.max
   * (else 'bad-request' naming `workers`). Running tasks finish; the result is the new lab.info.
   */
  z.object({ kind: z.literal('request'), id, method: z.literal('lab.setTfWorkers'), workers: z.number() }),
]);
export type Request = z.infer<typeof requestSchema>;
export type RequestInput = z.input<typeof requestSchema>;

/** 'refused': this job can never run (too costly, leaves float64); 'busy': the job cap is momentarily full, retry. */
const errorSchema = z.object({
  code: z.enum(['bad-request', 'refused', 'busy', 'failed', 'cancelled', 'internal']),
  message: z.string(),
});
export type LabError = z.infer<typeof errorSchema>;

// Discriminated unions all the way down: a message is checked against the one schema its tags name, not tried
// against each in turn (a drag streams progress events; issue 16: drag frames).
const responseSchema = z.discriminatedUnion('ok', [
  z.object({ kind: z.literal('response'), id, ok: z.literal(true), result: z.unknown() }),
  z.object({ kind: z.literal('response'), id: z.string(), ok: z.literal(false), error: errorSchema }),
]);
export type Response = z.infer<typeof responseSchema>;

const eventSchema = z.discriminatedUnion('event', [
  z.object({ kind: z.literal('event'), jobId: id, event: z.literal('job.progress'), output: jobOutputSchema }),
  z.object({ kind: z.literal('event'), jobId: id, event: z.literal('job.done'), output: jobOutputSchema }),
  z.object({ kind: z.literal('event'), jobId: id, event: z.literal('job.error'), error: errorSchema }),
]);
export type LabEvent = z.infer<typeof eventSchema>;

export const serverMessageSchema = z.discriminatedUnion('kind', [responseSchema, eventSchema]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** Result payloads per method (the `result` of an ok response). */
export const startResultSchema = z.object({ jobId: id });
export type StartResult = z.infer<typeof startResultSchema>;
