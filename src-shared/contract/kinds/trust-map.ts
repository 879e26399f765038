// trust-map: the NTK's relative change during GD over a (σ_w², L, M) grid (Seleznova 2024 thesis §3.1), one
// ntk-change cell each, resumable and sharded.
import { z } from 'zod';
import { trustMapJobParamsSchema, trustMapProgressSchema, trustMapSummarySchema } from '../trust-map';
import { defineKind } from './define';

/** Progress: a finished cell (first the cells already stored, marked `stored`); done: the summary. */
export const trustMapKind = defineKind('trust-map', trustMapJobParamsSchema, {
  backend: z.string(),
  progress: trustMapProgressSchema.optional(),
  summary: trustMapSummarySchema.optional(),
});
