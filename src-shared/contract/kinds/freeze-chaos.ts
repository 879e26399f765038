// freeze-chaos: measured ϑ and Θ(x,x) of finite networks on the β line per depth, and the batch-norm Gram check
// (Jacot et al. 2019, Sec. 2.1, 5.1).
import { z } from 'zod';
import { freezeChaosBatchNormSchema, freezeChaosParamsSchema, freezeChaosPointSchema } from '../freeze-chaos';
import { defineKind } from './define';

/** Progress: one depth's point; done: every point in the order of params.depths, and the batch-norm check. */
export const freezeChaosKind = defineKind('freeze-chaos', freezeChaosParamsSchema, {
  point: freezeChaosPointSchema.optional(),
  points: z.array(freezeChaosPointSchema).optional(),
  batchNorm: freezeChaosBatchNormSchema.optional(),
});
