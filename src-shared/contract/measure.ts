// The measurement contract: what a client asks the lab service to measure and what comes back.
// The result shape is also the CLI's `ntk-lab measure --json` contract (issue 3): add fields, never rename.
import { z } from 'zod';
import {
  depthSchema,
  inputDimSchema,
  LIMITS,
  pairCosSchema,
  samplesSchema,
  seedSchema,
  sigmaB2Schema,
  sigmaW2Schema,
  widthSchema,
} from '../params';

export const MEASURE_METHODS = ['exact', 'dense'] as const;
export type MeasureMethod = (typeof MEASURE_METHODS)[number];

export const measureParamsSchema = z.object({
  sigmaW2: sigmaW2Schema,
  depth: depthSchema,
  width: widthSchema,
  inputDim: inputDimSchema,
  sigmaB2: sigmaB2Schema.default(0),
  /** Cosine ⟨x⁰, x̃⁰⟩ of a second unit-norm input; when given, the off-diagonal Θ(x, x̃) is measured too. */
  pairCos: pairCosSchema.optional(),
  /** N ≥ 3: the leave-one-out dispersion estimator (Seleznova & Kutyniok 2022, App. C.3) needs at least 3 networks. */
  samples: samplesSchema.refine(
    (v) => v >= 3,
    'samples (N) must be ≥ 3: the dispersion estimator needs at least 3 networks',
  ),
  seed: seedSchema,
  method: z.enum(MEASURE_METHODS).default('exact'),
  /**
   * Also measure the components Θ = Θ_W + Θ_b (weight and bias gradients; Seleznova & Kutyniok 2022, eq. 19):
   * exact sampler only (σ_b² = 0, no pairCos, method 'exact').
   */
  components: z.boolean().optional(),
  /**
   * A general width profile [n₀, n₁, …, n_{L−1}] (Seleznova & Kutyniok 2022, Thm 3.2; App. B.2 Fig. 6): length
   * `depth`, widths[0] = inputDim; `width` then only labels the run. Absent: constant width M.
   */
  widths: z
    .array(
      z
        .number({ error: 'widths must hold numbers' })
        .int('widths must hold integers')
        .min(1, 'widths must be ≥ 1')
        .max(LIMITS.inputDimMax, `widths must be ≤ ${LIMITS.inputDimMax}`),
    )
    .optional(),
});
export type MeasureParams = z.infer<typeof measureParamsSchema>;
export type MeasureParamsInput = z.input<typeof measureParamsSchema>;

export const estimateSchema = z.object({ estimate: z.number(), stderr: z.number() });
export type Estimate = z.infer<typeof estimateSchema>;

/** Measured component moments (params.components): sample means over the N networks with SE = sd/√N. */
const componentsResultSchema = z.object({
  meanW: estimateSchema,
  meanB: estimateSchema,
  meanW2: estimateSchema,
  meanB2: estimateSchema,
  meanWB: estimateSchema,
  /**
   * Shares, ratios of means over the same networks with delta-method SEs: E[Θ_W]/E[Θ], E[Θ_W²]/E[Θ²],
   * E[Θ_b²]/E[Θ²], 2E[Θ_WΘ_b]/E[Θ²].
   */
  shares: z.object({
    meanW: estimateSchema,
    secondW: estimateSchema,
    secondB: estimateSchema,
    secondWB: estimateSchema,
  }),
});
export type ComponentsResult = z.infer<typeof componentsResultSchema>;

export const measureResultSchema = z.object({
  sigmaW2: z.number(),
  depth: z.number(),
  width: z.number(),
  inputDim: z.number(),
  sigmaB2: z.number(),
  /** Number of sampled networks merged so far (grows while a job streams). */
  samples: z.number(),
  /** Number of networks requested. */
  samplesRequested: z.number(),
  seed: z.number(),
  method: z.enum(MEASURE_METHODS),
  meanTheta: estimateSchema,
  dispersion: estimateSchema,
  /** Heavy-tail diagnostic: share of Σθ² carried by the largest 1% of samples (≈0.01–0.03 for light tails). */
  tailShare: z.number(),
  offDiagonal: z
    .object({
      meanRatio: z.number(),
      /** Delta-method SE of meanRatio (ratio of two means over the same networks). */
      meanRatioStderr: z.number().optional(),
      dispersion: estimateSchema,
    })
    .optional(),
  /** With params.components: the component moments of Θ_W and Θ_b. */
  components: componentsResultSchema.optional(),
  /** With params.widths: the width profile that was sampled. */
  widths: z.array(z.number()).optional(),
  /**
   * How dispersion.stderr was computed: bootstrap for final results up to 10⁵ samples, delta method for partial ones.
   */
  stderrMethod: z.enum(['bootstrap', 'delta-method']).optional(),
  seconds: z.number(),
  /** Where the networks ran when not the sampling pool's float64 samplers (e.g. a tfjs backend for method 'dense'). */
  backend: z.string().optional(),
  done: z.boolean(),
});
export type MeasureResult = z.infer<typeof measureResultSchema>;
