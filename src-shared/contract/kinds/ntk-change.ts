// ntk-change: one cell of the NTK trust map, the relative change of the empirical NTK during full-batch GD
// (Seleznova 2024 thesis §3.1 = Seleznova & Kutyniok 2022a, §4).
import { z } from 'zod';
import { ntkChangeParamsSchema, ntkChangeRecordSchema, ntkChangeSummarySchema } from '../ntk-change';
import { defineKind } from './define';

/** Progress: one recorded step; done: the summary. `backend`: the tfjs backend's label. */
export const ntkChangeKind = defineKind('ntk-change', ntkChangeParamsSchema, {
  backend: z.string(),
  record: ntkChangeRecordSchema.optional(),
  summary: ntkChangeSummarySchema.optional(),
});
