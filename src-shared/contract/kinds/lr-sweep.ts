// lr-sweep: networks trained at η = ρ·η_theory over depths and ρ (Xiao et al. 2020, §5, Fig. 2).
import { z } from 'zod';
import { lrSweepJobParamsSchema, lrSweepPointSchema } from '../lr-sweep';
import { storeSummarySchema } from '../store-summary';
import { defineKind } from './define';

/**
 * Params checked with parseLrSweepParams. Progress: one finished (depth, ρ) point, depth-major, ρ ascending; done:
 * every point and the status ('cancelled' reaches only in-process callers: on the wire a cancelled sweep ends with
 * job.error 'cancelled').
 */
export const lrSweepKind = defineKind('lr-sweep', lrSweepJobParamsSchema, {
  backend: z.string(),
  point: lrSweepPointSchema.optional(),
  points: z.array(lrSweepPointSchema).optional(),
  status: z.enum(['complete', 'cancelled']).optional(),
  /** With a store (the CLI's --out, in-process only): where, which sweep, the points of this run (its shard's). */
  store: storeSummarySchema.optional(),
});
