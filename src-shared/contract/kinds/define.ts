// One job kind's wire contract: the kind's name, its params schema and the shape of its outputs (progress and done
// events carry the same tagged object). The unions of src-shared/contract/messages.ts are built from the list in
// ./index.ts, so a kind exists on the wire exactly when it is listed there.
import { z } from 'zod';

export interface KindContract<K extends string, P extends z.ZodType, O extends z.ZodRawShape> {
  kind: K;
  /** Params as they cross the wire (zod-checked by every transport). */
  params: P;
  /** `{ kind, params }`: one member of jobSpecSchema. */
  spec: z.ZodObject<{ kind: z.ZodLiteral<K>; params: P }>;
  /** `{ kind, …output }`: one member of jobOutputSchema (job.progress and job.done). */
  output: z.ZodObject<{ kind: z.ZodLiteral<K> } & O>;
}

export function defineKind<K extends string, P extends z.ZodType, O extends z.ZodRawShape>(
  kind: K,
  params: P,
  output: O,
): KindContract<K, P, O> {
  return {
    kind,
    params,
    spec: z.object({ kind: z.literal(kind), params }),
    output: z.object({ kind: z.literal(kind), ...output }) as z.ZodObject<{ kind: z.ZodLiteral<K> } & O>,
  };
}
