// The collapse-train contract (issue 15 item 5, small real-network mode): train an MLP on MNIST with class-balanced
// batches, MSE and weight decay, as in the neural (tangent kernel) collapse experiments of Seleznova et al. 2023
// (Seleznova 2024 thesis §3.3, App. C: SGD with Nesterov momentum 0.9, weight decay 5·10⁻⁴, exactly class-balanced
// batches), and every k epochs record the per-output kernels' block averages (γ of Θ, κ of Θ^h), their alignment with
// YᵀY, NC1–NC3 and the invariant of eq. (26). Qualitative: the thesis has no MLP numbers to match.
// Also the CLI's `ntk-lab collapse-train --json` line format (one record per line): add fields, never rename.
import { z } from 'zod';
import { int, finite } from './number-fields';
import { seedSchema, sigmaB2Schema, sigmaW2Schema } from '../params';
import { activationSchema } from './gd-step';

/** MNIST classes (one output per class, one-hot targets). */
export const COLLAPSE_TRAIN_CLASSES = 10;

export const COLLAPSE_TRAIN_LIMITS = {
  hiddenLayersMax: 8,
  widthMax: 1024,
  /** Training digits per class: the `mnist` package holds ~1,000 per class, less the test set. */
  trainPerClassMax: 500,
  kernelPerClassMax: 20,
  epochsMax: 10_000,
  recordsMax: 1000,
  testSizeMax: 2000,
  lrMax: 10,
  /** Refused above this estimated work (~3 h at the ~10 GFLOP/s of tfjs-wasm on one core). */
  flopsMax: 1e14,
} as const;

/**
 * CPU default: 784 → 128 → 64 → 10 ReLU (He init, σ_w² = 2), 20 digits per class (200), batches of 4 per class,
 * 80 epochs of SGD + Nesterov momentum 0.9 at lr 0.2 with weight decay 5·10⁻⁴, a record every 5 epochs with the
 * kernels on 6 digits per class (60: 10 per-output NTKs and 64 per-feature kernels). Measured (`ntk-lab
 * collapse-train`, 2-core VM shared by other jobs, load ≈ 26, tfjs-wasm): 58 s wall, 14 s CPU, 17 records; the train
 * error reaches 0 by epoch 15, then NC1 0.024 → 0.011, NC2 0.51 → 0.41, NC3 0.76 → 0.61 and the invariant
 * alignment 0.42 → 0.50 by epoch 80.
 */
export const collapseTrainParamsSchema = z.object({
  /** Hidden widths [n₁, …]; the last one is n, the number of features h(x) (n > C). */
  hidden: z
    .array(int('hidden width', 1, COLLAPSE_TRAIN_LIMITS.widthMax))
    .min(1, 'hidden must list at least one layer width')
    .max(COLLAPSE_TRAIN_LIMITS.hiddenLayersMax, `hidden must list at most ${COLLAPSE_TRAIN_LIMITS.hiddenLayersMax}`)
    .default([128, 64]),
  activation: activationSchema.default('relu'),
  sigmaW2: sigmaW2Schema.default(2),
  sigmaB2: sigmaB2Schema.default(0),
  trainPerClass: int('trainPerClass', 2, COLLAPSE_TRAIN_LIMITS.trainPerClassMax).default(20),
  batchPerClass: int('batchPerClass', 1, COLLAPSE_TRAIN_LIMITS.trainPerClassMax).default(4),
  testSize: int('testSize', 1, COLLAPSE_TRAIN_LIMITS.testSizeMax).default(500),
  epochs: int('epochs', 0, COLLAPSE_TRAIN_LIMITS.epochsMax).default(80),
  /** Record at epochs 0, k, 2k, … and the last one. */
  recordEvery: int('recordEvery', 1, COLLAPSE_TRAIN_LIMITS.epochsMax).default(5),
  lr: finite('lr')
    .refine((v) => v > 0, 'lr must be > 0')
    .refine((v) => v <= COLLAPSE_TRAIN_LIMITS.lrMax, `lr must be ≤ ${COLLAPSE_TRAIN_LIMITS.lrMax}`)
    .default(0.2),
  /** Nesterov momentum (0: plain SGD). */
  momentum: finite('momentum')
    .refine((v) => v >= 0 && v < 1, 'momentum must be in [0, 1)')
    .default(0.9),
  /** λ of the penalty ½λ Σ_l ‖W_l‖² (weights only, as the thesis code). */
  weightDecay: finite('weightDecay')
    .refine((v) => v >= 0 && v <= 1, 'weightDecay must be in [0, 1]')
    .default(5e-4),
  /** Digits per class on which Θ and Θ^h are computed (the thesis: 4 or 12). */
  kernelPerClass: int('kernelPerClass', 2, COLLAPSE_TRAIN_LIMITS.kernelPerClassMax).default(6),
  seed: seedSchema.default(0),
});

export type CollapseTrainParams = z.infer<typeof collapseTrainParamsSchema>;
export type CollapseTrainParamsInput = z.input<typeof collapseTrainParamsSchema>;

/** Epochs at which a record is taken: 0, k, 2k, …, and `epochs`. */
export function collapseRecordEpochs(epochs: number, every: number): number[] {
  const out: number[] = [];
  for (let e = 0; e <= epochs; e += every) out.push(e);
  if (out[out.length - 1] !== epochs) out.push(epochs);
  return out;
}

/** Trainable parameters and work of a run (flop), from its sizes. */
export function estimateCollapseTrainCost(p: CollapseTrainParams): { parameters: number; flops: number } {
  const widths = [784, ...p.hidden, COLLAPSE_TRAIN_CLASSES];
  let parameters = 0;
  for (let l = 1; l < widths.length; l++) parameters += widths[l] * (widths[l - 1] + 1);
  const C = COLLAPSE_TRAIN_CLASSES;
  const records = collapseRecordEpochs(p.epochs, p.recordEvery).length;
  const kernelInputs = C * p.kernelPerClass;
  const kernels = C + p.hidden[p.hidden.length - 1];
  // a step: ~6 flop per parameter and sample; a record: forward passes over train + test, and one forward-backward
  // pass per kernel on the kernel digits
  const flops =
    6 * p.epochs * C * p.trainPerClass * parameters +
    records * (2 * (C * p.trainPerClass + p.testSize) * parameters + kernels * 6 * kernelInputs * parameters);
  return { parameters, flops };
}

/** Parse and check; throws a RangeError with one readable line per problem, each naming its field. */
export function parseCollapseTrainParams(input: unknown): CollapseTrainParams {
  const parsed = collapseTrainParamsSchema.safeParse(input ?? {});
  if (!parsed.success)
    throw new RangeError(
      parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '),
    );
  const p = parsed.data;
  const problems: string[] = [];
  const n = p.hidden[p.hidden.length - 1];
  if (n <= COLLAPSE_TRAIN_CLASSES)
    problems.push(
      `hidden: the last width is the feature count n = ${n}, and the theory needs n > C = ${COLLAPSE_TRAIN_CLASSES}`,
    );
  if (p.batchPerClass > p.trainPerClass)
    problems.push(`batchPerClass (${p.batchPerClass}) must be ≤ trainPerClass (${p.trainPerClass})`);
  if (p.kernelPerClass > p.trainPerClass)
    problems.push(`kernelPerClass (${p.kernelPerClass}) must be ≤ trainPerClass (${p.trainPerClass})`);
  const records = collapseRecordEpochs(p.epochs, p.recordEvery).length;
  if (records > COLLAPSE_TRAIN_LIMITS.recordsMax)
    problems.push(
      `recordEvery ${p.recordEvery} gives ${records} records (at most ${COLLAPSE_TRAIN_LIMITS.recordsMax})`,
    );
  if (!problems.length) {
    const { flops } = estimateCollapseTrainCost(p);
    if (flops > COLLAPSE_TRAIN_LIMITS.flopsMax)
      problems.push(
        `estimated work ${flops.toExponential(1)} flop exceeds ${COLLAPSE_TRAIN_LIMITS.flopsMax.toExponential(0)}: ` +
          'reduce epochs, trainPerClass or the hidden widths',
      );
  }
  if (problems.length) throw new RangeError(problems.join('; '));
  return p;
}

const num = z.number().nullable();
const blocks = z.object({ d: num, c: num, n: num });

/**
 * One record (every recordEvery epochs). Numbers are finite; null when `diverged` (non-finite loss or kernel; the
 * run's last record), and invariantAlignment / invariantRelative also null when the measured κ are not
 * block-structured (μ_single ≤ 0 or μ_class ≤ 0).
 */
export const collapseTrainRecordSchema = z.object({
  epoch: z.number().int().min(0),
  /** Optimizer updates done. */
  step: z.number().int().min(0),
  /** Mean over the training digits of ½‖f − y‖² (without the weight-decay penalty). */
  trainLoss: num,
  trainAccuracy: num,
  testAccuracy: num,
  /** Block averages of Θ_kk (per output k, averaged over the 10 outputs) on the kernel digits: Def. 3.1. */
  gamma: blocks,
  /** Block averages of Θ^h_kk (per feature k of the last hidden layer, averaged over the n features). */
  kappa: blocks,
  /** A(Σ_k Θ_kk, YᵀY) and A(Σ_k Θ^h_kk, YᵀY), thesis eq. (2.63). */
  thetaAlignment: num,
  thetaHAlignment: num,
  /** NC1–NC3 as the thesis code, ‖H₂‖_F and ‖⟨h⟩‖ on all training digits (features h = last hidden layer). */
  nc1: num,
  nc2: num,
  nc3: num,
  h2Norm: num,
  meanFeatureNorm: num,
  /** Cosine of (1/m)WᵀW and the feature side of eq. (26) with the measured κ, m = trainPerClass. */
  invariantAlignment: num,
  /** ‖E‖_F / ‖(1/m)WᵀW‖_F. */
  invariantRelative: num,
  /** ‖R_global‖, ‖R_class − R_global‖, ‖R − R_class‖ of the training residual R = f − Y (eqs. 16–18). */
  residual: z.object({ global: num, class: num, single: num }),
  diverged: z.boolean(),
  seconds: z.number().min(0),
});
export type CollapseTrainRecord = z.infer<typeof collapseTrainRecordSchema>;

export const collapseTrainSummarySchema = z.object({
  records: z.number().int().min(0),
  stoppedEarly: z.boolean(),
});
export type CollapseTrainSummary = z.infer<typeof collapseTrainSummarySchema>;
