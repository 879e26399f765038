// The measured-NTK-spectrum contract (issue 5, the "NTK spectrum vs depth" panel, Xiao et al. 2020, Fig. 1): the NTK
// Gram
// matrix of finite random networks (L weight layers, width M, n₀ = M, scalar output) on m inputs with ‖x‖² = n₀ and
// pairwise cosine c, in NTK parametrization (the kernel of Xiao et al.'s recursions), its largest eigenvalue, the mean
// of the others (the bulk) and κ = E[λ_max]/E[bulk]. The infinite-width counterpart at depth L is
// kernelRecursion({ gram0: σ_w²·((1−c)I + c𝟏𝟏ᵀ) + σ_b², depth: L − 1 }) (the recursion's layer 0 is the first hidden
// layer's covariance).
import { z } from 'zod';
import { int } from './number-fields';
import { sigmaB2Schema, sigmaW2Schema, seedSchema } from '../params';
import { activationSchema } from './gd-step';
import { estimateSchema } from './measure';

export const SPECTRUM_LIMITS = {
  inputsMax: 32,
  depthsMax: 64,
  depthMax: 2000,
  widthMax: 4096,
  samplesMax: 100_000,
} as const;

export const ntkSpectrumParamsSchema = z
  .object({
    activation: activationSchema.default('relu'),
    sigmaW2: sigmaW2Schema,
    sigmaB2: sigmaB2Schema.default(0),
    /** Hidden width M (input dimension n₀ = M). */
    width: int('width (M)', 1, SPECTRUM_LIMITS.widthMax),
    /** Depths L (weight layers) to measure, each a separate set of networks. */
    depths: z
      .array(int('depth (L)', 1, SPECTRUM_LIMITS.depthMax))
      .min(1, 'depths must list at least one depth')
      .max(SPECTRUM_LIMITS.depthsMax, `at most ${SPECTRUM_LIMITS.depthsMax} depths`),
    /** m inputs (≥ 2, so that there is a bulk). */
    inputs: int('inputs (m)', 2, SPECTRUM_LIMITS.inputsMax).default(8),
    /** Pairwise cosine c of the unit inputs (the Gram (1−c)I + c𝟏𝟏ᵀ must be PSD: c ≥ −1/(m−1)). */
    inputCos: z
      .number({ error: 'inputCos must be a number' })
      .refine(Number.isFinite, 'inputCos must be finite')
      .refine((c) => c > -1 && c < 1, 'inputCos must lie in (−1, 1)')
      .default(0.5),
    samples: int('samples (N)', 3, SPECTRUM_LIMITS.samplesMax).default(200),
    seed: seedSchema.default(1),
  })
  .refine((p) => p.inputCos >= -1 / (p.inputs - 1), {
    message: 'inputCos must be ≥ −1/(m−1) for m inputs with equal pairwise cosines to exist',
    path: ['inputCos'],
  });
export type NtkSpectrumParams = z.infer<typeof ntkSpectrumParamsSchema>;
export type NtkSpectrumParamsInput = z.input<typeof ntkSpectrumParamsSchema>;

export const spectrumPointSchema = z.object({
  depth: z.number(),
  /** E[λ_max(Θ)] over networks. */
  lambdaMax: estimateSchema,
  /** E[mean of the other m − 1 eigenvalues]. */
  bulk: estimateSchema,
  /** E[λ_max]/E[bulk] (delta-method SE). */
  kappa: estimateSchema,
  samples: z.number(),
  seconds: z.number(),
});
export type SpectrumPoint = z.infer<typeof spectrumPointSchema>;
