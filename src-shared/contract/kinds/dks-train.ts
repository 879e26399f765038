// dks-train: "Does it train?" — MNIST training of a deep plain MLP under EOC, SELU and DKS (Martens et al. 2021).
import { z } from 'zod';
import { dksTrainConfigSchema, dksTrainParamsSchema, dksTrainRecordSchema } from '../dks-train';
import { defineKind } from './define';

/** Progress: the configs (first), then one record per (config, recorded step); done: every record. */
export const dksTrainKind = defineKind('dks-train', dksTrainParamsSchema, {
  configs: z.array(dksTrainConfigSchema).optional(),
  record: dksTrainRecordSchema.optional(),
  records: z.array(dksTrainRecordSchema).optional(),
  stoppedEarly: z.boolean().optional(),
});
