// "Does it train?" (issue 14, item 4): a short MNIST training comparison of a deep plain MLP (D nonlinear layers of
// width M, linear readout, 10 outputs, softmax cross-entropy) under five initializations/activations: φ at the edge
// of chaos (σ_w² on the critical line χ₁ = 1 at σ_b² = 0.05, Poole et al. 2016), SELU with σ_w² = 1, σ_b² = 0
// (Klambauer et al. 2017), and φ̂ of deep kernel shaping at each ζ (Martens et al. 2021 (DKS): σ_w² = 1, σ_b² = 0,
// ψ = ζ^(1/D)), and φ behind Layer Norm (each hidden layer's pre-activations normalized per sample over its units,
// no learned gain or bias; σ_w² = 1, σ_b² = 0: LN removes the weights' scale). The paper's ImageNet / K-FAC results
// are cited, not re-run; this is a CPU-sized check. Inputs are scaled to ‖x‖² = 784 (q = 1, the DKS input
// convention). Also the CLI's `ntk-lab dks-train --json` lines: add, never rename.
import { z } from 'zod';
import { int } from './number-fields';
import { seedSchema } from '../params';
import { MNIST_DIGITS, TRAIN_OPTIMIZERS } from './train-dynamics';

/** Activations with TensorFlow.js ops for φ̂ (src-main/tf/train/dks-activations.ts). */
export const DKS_TRAIN_ACTIVATIONS = [
  'tanh',
  'softplus',
  'selu',
  'elu',
  'gelu',
  'erf',
  'relu',
  'swish',
  'sigmoid',
] as const;

export const DKS_TRAIN_LIMITS = {
  depthMax: 200,
  widthMax: 1024,
  stepsMax: 100_000,
  zetasMax: 6,
  /** Refused above this estimated work (multiply-adds × 6 for forward + backward), ~10 min of one CPU core. */
  flopsMax: 1e13,
} as const;

/** σ_b² at which the edge-of-chaos σ_w² is taken (a bias keeps q* > 0 for tanh-like φ). */
export const EOC_SIGMA_B2 = 0.05;

/**
 * CPU-sized default: D = 50 layers of width 64, 200 Adam steps (lr 1e−3) on minibatches of 64 from 2,000 training
 * digits, test on 1,000, a record every 25 steps; EOC tanh, SELU, Layer Norm tanh and DKS-tanh at ζ ∈ {1.1, 1.5, 10}.
 */
export const dksTrainParamsSchema = z.object({
  activation: z
    .enum(DKS_TRAIN_ACTIVATIONS, { error: `activation must be one of ${DKS_TRAIN_ACTIVATIONS.join(', ')}` })
    .default('tanh'),
  zetas: z
    .array(
      z
        .number({ error: 'zeta must be a number' })
        .refine(Number.isFinite, 'zeta must be finite')
        .refine((v) => v > 1, 'zeta (ζ) must be > 1'),
    )
    .max(DKS_TRAIN_LIMITS.zetasMax, `at most ${DKS_TRAIN_LIMITS.zetasMax} values of zeta`)
    .default([1.1, 1.5, 10]),
  eoc: z.boolean({ error: 'eoc must be true or false' }).default(true),
  selu: z.boolean({ error: 'selu must be true or false' }).default(true),
  /** φ with Layer Norm on every hidden layer's pre-activations (src-main/tf/train/mlp.ts, `layerNorm`). */
  layerNorm: z.boolean({ error: 'layerNorm must be true or false' }).default(true),
  /** D: nonlinear layers (D + 1 weight layers with the readout). */
  depth: int('depth (D)', 1, DKS_TRAIN_LIMITS.depthMax).default(50),
  width: int('width (M)', 1, DKS_TRAIN_LIMITS.widthMax).default(64),
  optimizer: z
    .enum(TRAIN_OPTIMIZERS, { error: `optimizer must be one of ${TRAIN_OPTIMIZERS.join(', ')}` })
    .default('adam'),
  lr: z
    .number({ error: 'lr must be a number' })
    .refine(Number.isFinite, 'lr must be finite')
    .refine((v) => v > 0 && v <= 10, 'lr must be in (0, 10]')
    .default(1e-3),
  batchSize: int('batchSize', 1, MNIST_DIGITS).default(64),
  steps: int('steps', 1, DKS_TRAIN_LIMITS.stepsMax).default(200),
  recordEvery: int('recordEvery', 1, DKS_TRAIN_LIMITS.stepsMax).default(25),
  trainSize: int('trainSize', 100, MNIST_DIGITS).default(2000),
  testSize: int('testSize', 1, MNIST_DIGITS).default(1000),
  seed: seedSchema.default(1),
});
export type DksTrainParams = z.infer<typeof dksTrainParamsSchema>;
export type DksTrainParamsInput = z.input<typeof dksTrainParamsSchema>;

const transformSchema = z.object({ alpha: z.number(), beta: z.number(), gamma: z.number(), delta: z.number() });

/** One trained configuration, as resolved by the job's check. */
export const dksTrainConfigSchema = z.object({
  /** e.g. "EOC tanh", "SELU", "Layer Norm tanh", "DKS tanh ζ = 1.5". */
  label: z.string(),
  /** 'layernorm': φ with Layer Norm before every hidden nonlinearity. */
  kind: z.enum(['eoc', 'selu', 'layernorm', 'dks']),
  activation: z.string(),
  sigmaW2: z.number(),
  sigmaB2: z.number(),
  transform: transformSchema.nullable(),
  zeta: z.number().nullable(),
});
export type DksTrainConfig = z.infer<typeof dksTrainConfigSchema>;

export const dksTrainRecordSchema = z.object({
  /** Index into the configs. */
  config: z.number(),
  label: z.string(),
  /** Optimizer updates done (0 = initialization). */
  step: z.number(),
  /** Null once non-finite (diverged). */
  trainLoss: z.number().nullable(),
  trainAccuracy: z.number().nullable(),
  testAccuracy: z.number().nullable(),
  diverged: z.boolean(),
  seconds: z.number(),
});
export type DksTrainRecord = z.infer<typeof dksTrainRecordSchema>;
