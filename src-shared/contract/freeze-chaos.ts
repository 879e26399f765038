// The measured freeze/chaos contract (issue 13 items 2–3; Jacot et al. 2019, "Freeze and Chaos for DNNs"): finite
// networks on the β line (NTK parametrization, σ_w² = 1 − β², σ_b² = β², a standardized or normalized φ, Sec. 2.1)
// on two inputs with xᵀy/n₀ = ρ: per depth the mean over networks of ϑ = Θ(x,y)/√(Θ(x,x)Θ(y,y)) and of
// Θ(x,x) ± SE; optionally the Gram matrix of one network with post-nonlinearity batch norm over N circle points
// (Sec. 5.1, Lemma 1 with the factor N: Σ_i Θ(x_j, x_i) = Nβ²). Also the `ntk-lab freeze-chaos` JSON shape.
import { z } from 'zod';
import { int } from './number-fields';
import { NONLINEARITY_MODES, freezeChaosActivationNames } from '../theory/freeze-chaos/index';
import { seedSchema } from '../params';
import { estimateSchema } from './measure';

export const FREEZE_CHAOS_LIMITS = {
  depthMax: 10_000,
  depthsMax: 32,
  widthMax: 1 << 20,
  samplesMax: 10_000_000,
  bnPointsMax: 256,
  bnWidthMax: 4096,
  bnDepthMax: 100,
  /** Batch-norm Gram cost N²·L·M² above which the job is refused (about 5 s in JavaScript). */
  bnCostMax: 4e9,
} as const;

export const BATCH_NORM_PLACEMENTS = ['last', 'every'] as const;

const activationNames = freezeChaosActivationNames() as [string, ...string[]];

export const freezeChaosParamsSchema = z.object({
  activation: z.enum(activationNames, { error: `activation must be one of ${activationNames.join(', ')}` }),
  nonlinearity: z.enum(NONLINEARITY_MODES).default('standardized'),
  beta: z.number({ error: 'beta must be a number' }).min(0, 'beta must be in [0, 1]').max(1, 'beta must be in [0, 1]'),
  /** ρ = xᵀy/n₀ of the two inputs. */
  cos: z.number({ error: 'cos must be a number' }).min(-1, 'cos must be in [−1, 1]').max(1, 'cos must be in [−1, 1]'),
  /** Depths L (weight layers): one set of networks each, in this order. */
  depths: z
    .array(int('depth (L)', 1, FREEZE_CHAOS_LIMITS.depthMax))
    .min(1, 'depths must list at least one depth')
    .max(FREEZE_CHAOS_LIMITS.depthsMax, `at most ${FREEZE_CHAOS_LIMITS.depthsMax} depths`),
  /** Hidden width M; absent: no sampled networks (theory only, or batch norm alone needs it: see batchNorm). */
  width: int('width (M)', 1, FREEZE_CHAOS_LIMITS.widthMax).optional(),
  samples: int('samples', 2, FREEZE_CHAOS_LIMITS.samplesMax).default(1000),
  seed: seedSchema.default(1),
  /** The batch-norm Gram check on one network of width `width` and the first depth (≥ 2). */
  batchNorm: z
    .object({
      placement: z.enum(BATCH_NORM_PLACEMENTS),
      points: int('points', 2, FREEZE_CHAOS_LIMITS.bnPointsMax).default(16),
    })
    .optional(),
});
export type FreezeChaosParams = z.infer<typeof freezeChaosParamsSchema>;
export type FreezeChaosParamsInput = z.input<typeof freezeChaosParamsSchema>;

export const freezeChaosPointSchema = z.object({
  depth: z.number(),
  cos: z.number(),
  width: z.number(),
  samples: z.number(),
  seed: z.number(),
  /** Mean over networks of ϑ = Θ(x,y)/√(Θ(x,x)Θ(y,y)). */
  vartheta: estimateSchema,
  /** Mean over networks of (Θ(x,x) + Θ(y,y))/2. */
  thetaDiag: estimateSchema,
  seconds: z.number(),
});
export type FreezeChaosMeasuredPoint = z.infer<typeof freezeChaosPointSchema>;

export const freezeChaosBatchNormSchema = z.object({
  placement: z.enum(BATCH_NORM_PLACEMENTS),
  points: z.number(),
  width: z.number(),
  depth: z.number(),
  seed: z.number(),
  nBeta2: z.number(),
  rowSumMaxError: z.number(),
  rayleigh: z.number(),
  topEigenvalue: z.number(),
  topOverlap: z.number(),
  topOverMean: z.number(),
  constantEigenvalue: z.number(),
  constantOverlap: z.number(),
  meanVartheta: z.number(),
});
export type FreezeChaosBatchNorm = z.infer<typeof freezeChaosBatchNormSchema>;
