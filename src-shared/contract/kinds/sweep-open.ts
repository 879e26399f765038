// sweep-open: read a stored trainability sweep (merged or one shard) for the lab's Trainability tab.
import { sweepOpenParamsSchema, sweepOpenResultSchema } from '../sweep-open';
import { defineKind } from './define';

/** No progress: the done output carries the store. */
export const sweepOpenKind = defineKind('sweep-open', sweepOpenParamsSchema, {
  store: sweepOpenResultSchema.optional(),
});
