// The first-GD-step contract (issue 4): what a client asks and what comes back, also the CLI's
// `ntk-lab gd-step --json` contract: add fields, never rename.
// Setting (Seleznova & Kutyniok 2022, Thm 4.1 / App. A.3, Hanin & Nica): one GD step on a single sample (x, y) with
// loss ½(f(x) − y)²,
// learning rate η, all weights and biases trained; ΔΘ = Θ_after(x, x) − Θ_before(x, x).
import { z } from 'zod';
import { MEASURABLE_ACTIVATIONS } from '../network/activations';
import {
  depthSchema,
  inputDimSchema,
  pairCosSchema,
  samplesSchema,
  seedSchema,
  sigmaB2Schema,
  sigmaW2Schema,
  widthSchema,
} from '../params';
import { estimateSchema } from './measure';

export const GD_STEP_METHODS = ['exact', 'dense'] as const;
export type GdStepMethod = (typeof GD_STEP_METHODS)[number];

export const ACTIVATIONS = MEASURABLE_ACTIVATIONS;
export const activationSchema = z.enum(ACTIVATIONS, { error: `activation must be one of ${ACTIVATIONS.join(', ')}` });

const finite = (what: string) =>
  z.number({ error: `${what} must be a number` }).refine(Number.isFinite, `${what} must be finite`);
const positive = (what: string) => finite(what).refine((v) => v > 0, `${what} must be > 0`);

export const gdStepParamsSchema = z.object({
  sigmaW2: sigmaW2Schema,
  depth: depthSchema,
  width: widthSchema,
  inputDim: inputDimSchema,
  sigmaB2: sigmaB2Schema.default(0),
  activation: activationSchema.default('relu'),
  /** Learning rate η > 0. */
  lr: positive('lr (η)').refine((v) => v <= 1e6, 'lr (η) must be ≤ 1e6'),
  /** Target y of the single training sample (∂L/∂f = f − y). */
  target: finite('target (y)')
    .refine((v) => Math.abs(v) <= 1e6, 'target (y) must lie in [−1e6, 1e6]')
    .default(0),
  /**
   * Lazy-training rescale α of Seleznova & Kutyniok 2022, App. B.3 (relative change ∝ 1/α²); 1 is the plain network.
   */
  scale: positive('scale (α)')
    .refine((v) => v <= 1e6, 'scale (α) must be ≤ 1e6')
    .default(1),
  /** ‖x‖ of the training input (Seleznova & Kutyniok 2022 normalizes to 1). */
  inputNorm: positive('inputNorm (‖x‖)')
    .refine((v) => v <= 1e3, 'inputNorm (‖x‖) must be ≤ 1000')
    .default(1),
  /** Cosine of a second input x̃ (same norm) whose off-diagonal Θ(x, x̃) change is measured too. */
  pairCos: pairCosSchema.optional(),
  samples: samplesSchema.refine((v) => v >= 3, 'samples (N) must be ≥ 3 for standard errors'),
  seed: seedSchema,
  method: z.enum(GD_STEP_METHODS).default('exact'),
});
export type GdStepParams = z.infer<typeof gdStepParamsSchema>;
export type GdStepParamsInput = z.input<typeof gdStepParamsSchema>;

/** A ratio beyond float64 as ln|R|, its sign (−1, 0, 1) and its relative SE (SE/|R|). */
export const logEstimateSchema = z.object({ logAbs: z.number(), sign: z.number(), relStderr: z.number() });
export type LogEstimate = z.infer<typeof logEstimateSchema>;

export const gdStepResultSchema = z.object({
  sigmaW2: z.number(),
  depth: z.number(),
  width: z.number(),
  inputDim: z.number(),
  sigmaB2: z.number(),
  activation: activationSchema,
  lr: z.number(),
  target: z.number(),
  scale: z.number(),
  inputNorm: z.number(),
  pairCos: z.number().optional(),
  /** Networks whose step stayed finite and entered the estimates. */
  samples: z.number(),
  samplesRequested: z.number(),
  seed: z.number(),
  method: z.enum(GD_STEP_METHODS),
  /** Where the networks ran, e.g. "exact lazy-Gaussian sampler (float64, worker_threads)" or a tfjs backend. */
  backend: z.string(),
  /** E[ΔΘ(x, x)]/E[Θ(x, x)] with its SE. */
  relativeChange: estimateSchema,
  /** E[|ΔΘ(x, x)|]/E[Θ(x, x)] with its SE. */
  absRelativeChange: estimateSchema,
  /** E[Θ(x, x)] before the step. */
  meanTheta: estimateSchema,
  /**
   * Off-diagonal Θ(x, x̃): E[ΔΘ(x, x̃)]/E[Θ(x, x̃)] and E[|ΔΘ(x, x̃)|]/E[Θ(x, x̃)], when pairCos was given; with their
   * log forms (as logRelativeChange below; signed sums, since Θ(x, x̃) may be negative) where a kernel left float64.
   */
  offDiagonal: z
    .object({
      relativeChange: estimateSchema,
      absRelativeChange: estimateSchema,
      logRelativeChange: logEstimateSchema.optional(),
      logAbsRelativeChange: logEstimateSchema.optional(),
    })
    .optional(),
  /**
   * Share of Σ ΔΘ(x, x)² carried by the largest 1 % of networks (at least one): near 1, a handful of networks carry
   * the variance and the SE cannot be trusted (src-shared/stats/adaptive-samples.ts). Absent from older results.
   */
  tailShare: z.number().optional(),
  /**
   * Present when Θ′ (or Θ) of some network lies beyond float64 (deep chaotic phase; for ReLU and linear the exact
   * samplers carry each vector as mantissa·2^exponent, gd-step-fast-passes.ts): R = E[ΔΘ(x, x)]/E[Θ(x, x)] as
   * ln|R|, its sign and its relative SE (SE/|R|, delta method on log-sum-exp means, src-shared/stats/log-space.ts).
   * Then relativeChange holds R and its SE where float64 can, else ±Number.MAX_VALUE (saturated: read this field).
   */
  logRelativeChange: logEstimateSchema.optional(),
  /** E[|ΔΘ(x, x)|]/E[Θ(x, x)] in the same log form, alongside logRelativeChange. */
  logAbsRelativeChange: logEstimateSchema.optional(),
  /** ln E[Θ(x, x)] and its relative SE, alongside logRelativeChange (meanTheta saturates like relativeChange). */
  logMeanTheta: z.object({ logMean: z.number(), relStderr: z.number() }).optional(),
  /** Networks whose step overflowed float64 (or float32 on tfjs): reported, never averaged in. */
  diverged: z.number(),
  seconds: z.number(),
  done: z.boolean(),
});
export type GdStepResult = z.infer<typeof gdStepResultSchema>;
