// collapse-train: train an MLP on MNIST (class-balanced batches, MSE + weight decay) and record per-output kernel
// block averages, alignment with YᵀY, NC1–NC3 and the invariant every k epochs (Seleznova 2024 thesis §3.3).
import { z } from 'zod';
import { collapseTrainParamsSchema, collapseTrainRecordSchema, collapseTrainSummarySchema } from '../collapse-train';
import { defineKind } from './define';

/** Progress: one record per checkpoint; done: the summary. `backend`: tfjs label. */
export const collapseTrainKind = defineKind('collapse-train', collapseTrainParamsSchema, {
  backend: z.string(),
  record: collapseTrainRecordSchema.optional(),
  summary: collapseTrainSummarySchema.optional(),
});
