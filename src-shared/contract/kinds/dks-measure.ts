// dks-measure: q_l, c_l of sampled networks with the DKS-transformed φ̂ vs the Q/C maps (Martens et al. 2021 (DKS),
// Sec. 6–7), per width and recorded layer.
import { z } from 'zod';
import { dksMeasureParamsSchema, dksMeasurePointSchema, dksMeasureSetupSchema } from '../dks-measure';
import { defineKind } from './define';

/** Progress: one (width, layer) point; done: every point (widths outer, layers inner) and the setup. */
export const dksMeasureKind = defineKind('dks-measure', dksMeasureParamsSchema, {
  point: dksMeasurePointSchema.optional(),
  points: z.array(dksMeasurePointSchema).optional(),
  setup: dksMeasureSetupSchema.optional(),
});
