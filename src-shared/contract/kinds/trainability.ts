// trainability: one trained network per (σ_w², depth) cell, train/test accuracy per cell (Xiao et al. 2020, Fig. 3).
import { z } from 'zod';
import { trainabilityJobParamsSchema, trainabilityProgressSchema, trainabilitySummarySchema } from '../trainability';
import { defineKind } from './define';

/**
 * Params: the sweep params plus the paper-size switch (parseTrainabilityParams resolves both). Progress: a finished
 * cell (first every cell already stored for these params, marked `stored`); done: the summary.
 */
export const trainabilityKind = defineKind('trainability', trainabilityJobParamsSchema, {
  backend: z.string(),
  progress: trainabilityProgressSchema.optional(),
  summary: trainabilitySummarySchema.optional(),
});
