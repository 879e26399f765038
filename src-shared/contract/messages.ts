// The wire contract between a client (renderer, tests) and the lab service. Every transport
// (Electron IPC, WebSocket) carries exactly these messages and validates them with these schemas.
import { z } from 'zod';
import { measureParamsSchema, measureResultSchema } from './measure';

export const CONTRACT_VERSION = 1;

const id = z.string().min(1).max(64);

/** Facts about the running engine, shown in the status bar. */
export const labInfoSchema = z.object({
  version: z.string(),
  contractVersion: z.number(),
  /** Compute backend for real (materialized) networks, e.g. "typed-array (float64)"; tfjs backends arrive with issue 4. */
  backend: z.string(),
  /** Why a preferred backend was not used, if it was not. */
  backendFallbackReason: z.string().optional(),
  workers: z.number(),
  transport: z.enum(['electron-ipc', 'websocket', 'in-process']),
});
export type LabInfo = z.infer<typeof labInfoSchema>;

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
]);
export type Request = z.infer<typeof requestSchema>;
export type RequestInput = z.input<typeof requestSchema>;

/** 'refused': this job can never run (too costly, leaves float64); 'busy': the job cap is momentarily full, retry. */
export const errorSchema = z.object({ code: z.enum(['bad-request', 'refused', 'busy', 'failed', 'cancelled', 'internal']), message: z.string() });
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
]);
export type LabEvent = z.infer<typeof eventSchema>;

export const serverMessageSchema = z.union([responseSchema, eventSchema]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** Result payloads per method (the `result` of an ok response). */
export const startResultSchema = z.object({ jobId: id });
export type StartResult = z.infer<typeof startResultSchema>;
