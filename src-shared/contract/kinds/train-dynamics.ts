// train-dynamics: train on MNIST and record the NTK's label-awareness Θd, Θc, Θn (Seleznova & Kutyniok 2022,
// eq. (23), Fig. 4) at chosen steps.
import { z } from 'zod';
import { trainDynamicsParamsSchema, trainDynamicsRecordSchema, trainDynamicsSummarySchema } from '../train-dynamics';
import { defineKind } from './define';

/** Progress: one recorded step (kernel as a plain array on the wire); done: the summary. `backend`: tfjs label. */
export const trainDynamicsKind = defineKind('train-dynamics', trainDynamicsParamsSchema, {
  backend: z.string(),
  record: trainDynamicsRecordSchema.optional(),
  summary: trainDynamicsSummarySchema.optional(),
});
