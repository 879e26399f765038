// dks-measure: q_l, c_l of sampled networks with the DKS-transformed φ̂ vs the Q/C maps (Martens et al. 2021 (DKS),
// Sec. 6–7), per width and recorded layer.
import { z } from 'zod';
import {
  dksMeasureNtkPointSchema,
  dksMeasureParamsSchema,
  dksMeasurePointSchema,
  dksMeasureSetupSchema,
} from '../dks-measure';
import { defineKind } from './define';

/**
 * Progress: one (width, layer) point, or one NTK width (ntkPoint); done: every point (widths outer, layers inner),
 * the NTK points (with params.ntk) and the setup.
 */
export const dksMeasureKind = defineKind('dks-measure', dksMeasureParamsSchema, {
  point: dksMeasurePointSchema.optional(),
  points: z.array(dksMeasurePointSchema).optional(),
  setup: dksMeasureSetupSchema.optional(),
  ntkPoint: dksMeasureNtkPointSchema.optional(),
  ntkPoints: z.array(dksMeasureNtkPointSchema).optional(),
});
