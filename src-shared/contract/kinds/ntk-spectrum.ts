// ntk-spectrum: the NTK Gram matrix of finite networks on m inputs, E[λ_max], E[bulk] and κ per depth (Xiao et al.
// 2020, Fig. 1 on finite networks).
import { z } from 'zod';
import { ntkSpectrumParamsSchema, spectrumPointSchema } from '../ntk-spectrum';
import { defineKind } from './define';

/** Progress: one depth's point; done: every point, in the order of params.depths. */
export const ntkSpectrumKind = defineKind('ntk-spectrum', ntkSpectrumParamsSchema, {
  point: spectrumPointSchema.optional(),
  points: z.array(spectrumPointSchema).optional(),
});
