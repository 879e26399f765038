// sweep-open: read a stored sweep (merged or one shard) for the lab's Trainability tab.
import {
  lrStoreResultSchema,
  sweepOpenParamsSchema,
  sweepOpenResultSchema,
  tdStoreResultSchema,
  trustMapStoreResultSchema,
} from '../sweep-open';
import { defineKind } from './define';

/**
 * No progress: the done output carries the store, in the field of its kind: `store` (a trainability sweep), `lrSweep`
 * (a learning-rate sweep), `trainDynamics` (a training-dynamics σ_w² list) or `trustMap` (an NTK trust map).
 */
export const sweepOpenKind = defineKind('sweep-open', sweepOpenParamsSchema, {
  store: sweepOpenResultSchema.optional(),
  lrSweep: lrStoreResultSchema.optional(),
  trainDynamics: tdStoreResultSchema.optional(),
  trustMap: trustMapStoreResultSchema.optional(),
});
