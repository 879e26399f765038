// The learning-rate sweep contract (issue 5 item 3; Xiao et al. 2020, §5 "Maximum Learning Rates", Fig. 2): at one
// (φ, σ_w², σ_b²) and width M, train one network per (depth, ρ) with SGD at η = ρ·η_theory and record accuracy.
// Xiao et al. 2020, Fig. 2's x-axis is ρ = η/η_theory on a log scale, ρ ∈ [10⁻¹, 10¹] (10 values); ρ = 1 is the
// prediction
// that η_theory = 2/λ_max is the largest convergent rate. Network, loss and η_theory as the trainability sweep
// (trainability.ts; train-cell.ts): NTK parametrization, MSE averaged over the batch, so η_theory = 2B/λ_max.
// Xiao et al. 2020 reports the best accuracy during training; we record the final one (as the trainability sweep does).
import { z } from 'zod';
import { int } from './number-fields';
import { seedSchema, sigmaB2Schema, sigmaW2Schema } from '../params';
import { activationSchema } from './gd-step';
import {
  checkTrainingData,
  DEFAULT_GRID,
  estimateSweepFlops,
  TRAINABILITY_DATASETS,
  TRAINABILITY_LIMITS,
} from './trainability';

export const LR_SWEEP_LIMITS = {
  depthsMax: 20,
  rhosMax: 40,
  /** ρ range accepted: Xiao et al. 2020, Fig. 2 spans [0.1, 10]; wider lets a user see the divergence edge clearly. */
  rhoMin: 1e-3,
  rhoMax: 1000,
} as const;

/** Xiao et al. 2020, Fig. 2 spans ρ ∈ [0.1, 10] log-spaced; 7 values keep the CPU default short. */
const DEFAULT_RHOS = [0.1, 0.3, 1, 2, 3, 5, 10] as const;

const rhoValue = z
  .number({ error: 'rho (ρ) must be a number' })
  .refine(Number.isFinite, 'rho (ρ) must be finite')
  .refine((v) => v >= LR_SWEEP_LIMITS.rhoMin, `rho (ρ) must be ≥ ${LR_SWEEP_LIMITS.rhoMin}`)
  .refine((v) => v <= LR_SWEEP_LIMITS.rhoMax, `rho (ρ) must be ≤ ${LR_SWEEP_LIMITS.rhoMax}`);

/**
 * CPU default (a reduced-size replica of Xiao et al. 2020, Fig. 2: there M = 2048, 1k CIFAR-10 images, L ∈ {5, 10, 20,
 * 40},
 * σ_b = 0.43, 10 values of ρ): erf, σ_b² = 0.185, σ_w² = 1.5 (ordered, near the critical σ_w² ≈ 1.76), M = 128,
 * L ∈ {2, 8, 16}, 7 values of ρ, 100 SGD steps of batch 128 on 1,000 MNIST digits (500 test). Measured: 42 s for
 * all 21 networks with tfjs-wasm on the 2-core VM; train accuracy peaks at ρ = 1–2 and every depth diverges by ρ = 3–5.
 */
const lrSweepParamsSchema = z
  .object({
    activation: activationSchema.default('erf'),
    sigmaW2: sigmaW2Schema.refine((v) => v <= 16, 'sigmaW2 (σ_w²) must be ≤ 16').default(1.5),
    sigmaB2: sigmaB2Schema.refine((v) => v <= 16, 'sigmaB2 (σ_b²) must be ≤ 16').default(0.185),
    width: int('width (M)', 1, TRAINABILITY_LIMITS.widthMax).default(128),
    depths: z
      .array(int('depth (L)', 1, TRAINABILITY_LIMITS.depthMax), { error: 'depths must be an array of integers' })
      .min(1, 'depths needs at least one depth')
      .max(LR_SWEEP_LIMITS.depthsMax, `depths has at most ${LR_SWEEP_LIMITS.depthsMax} values`)
      .refine((d) => new Set(d).size === d.length, 'depths must not repeat')
      .default([2, 8, 16]),
    rhos: z
      .array(rhoValue, { error: 'rhos must be an array of numbers' })
      .min(1, 'rhos needs at least one ρ')
      .max(LR_SWEEP_LIMITS.rhosMax, `rhos has at most ${LR_SWEEP_LIMITS.rhosMax} values`)
      .refine((r) => new Set(r).size === r.length, 'rhos must not repeat')
      .default([...DEFAULT_RHOS]),
    steps: int('steps', 1, TRAINABILITY_LIMITS.stepsMax).default(100),
    batchSize: int('batchSize', 1, TRAINABILITY_LIMITS.syntheticMax).default(128),
    dataset: z
      .enum(TRAINABILITY_DATASETS, { error: `dataset must be one of ${TRAINABILITY_DATASETS.join(', ')}` })
      .default('mnist'),
    trainSize: int('trainSize', 1, TRAINABILITY_LIMITS.syntheticMax).default(1000),
    testSize: int('testSize', 1, TRAINABILITY_LIMITS.syntheticMax).default(500),
    seed: seedSchema.default(0),
  })
  .strict()
  .superRefine(checkTrainingData);

export type LrSweepParams = z.infer<typeof lrSweepParamsSchema>;
export type LrSweepParamsInput = z.input<typeof lrSweepParamsSchema>;

/** Estimated work (flops) of a sweep: every depth trained once per ρ (trainability.ts estimateSweepFlops). */
function estimateLrSweepFlops(p: LrSweepParams): number {
  return estimateSweepFlops({ ...p, grid: DEFAULT_GRID, rho: 1 }, p.depths, p.rhos.length);
}

/** Parse and bound a sweep; throws RangeError with one readable line per problem (and for too much work). */
export function parseLrSweepParams(raw: unknown): LrSweepParams {
  const r = lrSweepParamsSchema.safeParse(raw ?? {});
  if (!r.success)
    throw new RangeError(
      r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '),
    );
  const flops = estimateLrSweepFlops(r.data);
  if (flops > TRAINABILITY_LIMITS.flopsMax)
    throw new RangeError(
      `the learning-rate sweep would take ≈ ${flops.toExponential(1)} flops; at most ${TRAINABILITY_LIMITS.flopsMax.toExponential(0)}`,
    );
  return r.data;
}

/**
 * One trained (depth, ρ) point. Diverged: accuracies at chance (0.1), trainLoss null — never NaN. Failed (no positive
 * float64 η_theory at this depth, see CellRecord.failed): not trained, lr = etaTheory = 0, accuracies at chance.
 */
export const lrSweepPointSchema = z.object({
  depth: z.number().int(),
  rho: z.number(),
  /** η = ρ·η_theory actually used (0 for a failed point: nothing was trained). */
  lr: z.number(),
  /** 2B/λ_max of the infinite-width NTK on the first batch (src-main/tf/sweep/learning-rate.ts). */
  etaTheory: z.number(),
  trainAccuracy: z.number(),
  testAccuracy: z.number(),
  trainLoss: z.number().nullable(),
  diverged: z.boolean(),
  seconds: z.number(),
  /** Why the point could not be trained; absent when it was. */
  failed: z.string().optional(),
});
export type LrSweepPoint = z.infer<typeof lrSweepPointSchema>;

/** Job params on the wire (parseLrSweepParams resolves defaults and checks them). */
export const lrSweepJobParamsSchema = z.record(z.string(), z.unknown());
