// What a storing run (the CLI's --out, in-process only) reports about its store, the same for the sweeps of runs
// and points (train-dynamics σ_w² lists, lr-sweep): where, which sweep, and the items of this process.
import { z } from 'zod';

export const storeSummarySchema = z.object({
  dir: z.string(),
  identity: z.string(),
  /** Items of this process: the whole sweep, or the shard's part. */
  total: z.number().int(),
  /** Items found in the store at start (not run again). */
  resumed: z.number().int(),
  /** Items finished and stored by this process. */
  trained: z.number().int(),
  shard: z.object({ index: z.number().int(), count: z.number().int() }).optional(),
});
export type StoreSummary = z.infer<typeof storeSummarySchema>;
