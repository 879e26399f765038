// Every input of every tab, declared once: key (short and stable: links and saved files carry it), default and the
// schema each value from a link, the saved state or a lab file must pass. Bounds mirror the fields' rules, so a
// link cannot set what typing could not. Panels bind their state to a key with one line (lab-store.svelte.ts).
import { z } from 'zod';
import { ACTIVATION_NAMES } from '../../src-shared/network/activations';
import { LIMITS } from '../../src-shared/params';
import { PRESET_IDS, type PresetId } from '../../src-shared/presets-model';
import { PRESETS } from '../../src-shared/presets';
import { GD_STEP_METHODS } from '../../src-shared/contract/gd-step';
import { GD_STEP_DEFAULTS } from './gd-step-view';
import { GD_LAYER_LEVELS, SLICE_SIGMAS_DEFAULT } from './gd-step-plots';
import { LAYER_DEFAULTS, LAYER_LEVELS_MAX } from './measured-layer';
import { DEFAULT_C, type PlaneAxis } from './trainability-view';
import { DEFAULT_CURSOR, PLANE } from './plane';
import { collapseSimParamsSchema, type CollapseSimParams } from '../../src-shared/contract/collapse-sim';
import { DEFAULT_COLLAPSE_PARAMS } from './collapse-view';
import { NONLINEARITY_MODES } from '../../src-shared/theory/freeze-chaos/nonlinearity';
import { DCNN_LR_SCALINGS } from '../../src-shared/theory/freeze-chaos/dcnn';
import { DEFAULT_REQUEST, validateRequest, type FreezeChaosRequest } from './freeze-chaos-view';
import { GENERALIZATION_RULES } from './ntk-generalization-view';
import type { FieldRule } from './fields';
import { MNIST_DIGITS, NTK_SUBSET_SIZE, TRAIN_LIMITS } from '../../src-shared/contract/train-dynamics';
import { CPU_DEFAULT, FIG4_SIGMAS, formatList, parseSigmaList, parseStepList } from './train-dynamics-view';
import {
  DEFAULT_GRID,
  parseTrainabilityParams,
  TRAINABILITY_DATASETS,
  type TrainabilityDataset,
} from '../../src-shared/contract/trainability';
import { axisValues } from './trainability-view';
import { dksActivationNames } from '../../src-shared/theory/dks';
import { DEFAULT_MEASURE, type MeasureSettings } from './freeze-chaos-jobs';
import { MEASURE_DEFAULTS } from './kernel-shaping-measured';
import { parseLrSweepParams } from '../../src-shared/contract/lr-sweep';
import { DEFAULT_SHAPING_INPUT, KS_ARCHITECTURES, type KsArchitecture } from './kernel-shaping-view';
import { TRUST_MAP_CPU_GRID } from '../../src-shared/contract/trust-map';
import { parseList, type StepChoice } from './trust-map-view';
import type { WidthChoice } from './trust-plane-view';
import { NTK_CHANGE_LIMITS } from '../../src-shared/contract/ntk-change';
import { DEFAULT_COLLAPSE_TRAIN, collapseTrainFieldError, type CollapseTrainFields } from './collapse-train-view';
import { TRAIN_SIZE_DEFAULTS } from './kernel-shaping-train';
import { DKS_TRAIN_LIMITS } from '../../src-shared/contract/dks-train';

/** One input: its default and the schema every value from a link, the saved state or a file must pass. */
export interface InputDecl<T> {
  default: T;
  schema: z.ZodType<T>;
}
const input = <T>(def: T, schema: z.ZodType<T>): InputDecl<T> => ({ default: def, schema });

/** A number field's bounds (the same as its NumberField rule, so a link cannot set what typing could not). */
function num(min: number, max: number, opts: { minExclusive?: boolean; integer?: boolean } = {}): z.ZodType<number> {
  let s = z.number().finite().max(max);
  s = opts.minExclusive ? s.gt(min) : s.min(min);
  return opts.integer ? s.int() : s;
}
const SEED = num(0, 2 ** 32 - 1, { integer: true });
const fromRule = (r: FieldRule) => num(r.min, r.max, r);

/** A text field the panel parses itself (lists): accepted only when `parse` accepts it. */
function text(parse: (t: string) => unknown): z.ZodType<string> {
  return z
    .string()
    .max(500)
    .superRefine((t, ctx) => {
      try {
        parse(t);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
      }
    });
}

const freezeChaosSchema = z
  .object({
    activation: z.string(),
    nonlinearity: z.enum(NONLINEARITY_MODES),
    beta: z.number(),
    depth: z.number(),
    cos: z.number(),
    planeColour: z.enum(['angle', 'antipodal']),
    planeMaxDepth: z.number(),
    dcnn: z.object({
      stride: z.number(),
      window: z.number(),
      depth: z.number(),
      inputPositions: z.number(),
      periodic: z.boolean(),
      inputCorrelation: z.number(),
      lrScaling: z.enum(DCNN_LR_SCALINGS).default('none'),
      dims: z.union([z.literal(1), z.literal(2)]).default(1),
    }),
    sharedSigmaB2: z.number(),
    fig1: z.boolean(),
  })
  .superRefine((q, ctx) => {
    try {
      validateRequest(q);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
    }
  });

/** A trust-map list field (TrustMapPanel's readForm): accepted when parseList accepts it. */
const trustList = (integer: boolean) =>
  text((t) => {
    const r = parseList(t, integer);
    if (typeof r === 'string') throw new RangeError(r);
  });

/** A link's "100" for a step or width choice: the number (the hash types text by the default, here 'end'/'all'). */
const wholeFromText = (v: unknown) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : v);
/** A trust-map step choice: after that many GD steps, or the end of training. */
const stepChoice: z.ZodType<StepChoice> = z.preprocess(
  wholeFromText,
  z.union([z.literal('end'), z.number().int().min(0).max(NTK_CHANGE_LIMITS.stepsMax)]),
);
/** A trust-map width: one M, or (the Explore layer) every M. */
const trustWidth = z.number().int().min(1).max(NTK_CHANGE_LIMITS.widthMax);
const widthChoice: z.ZodType<WidthChoice> = z.preprocess(wholeFromText, z.union([z.literal('all'), trustWidth]));

/** A whole number typed as text (KsTrain's D, M, steps): an integer in [1, max], as parseTrainSize checks it. */
const wholeText = (max: number) =>
  z
    .string()
    .max(40)
    .refine((t) => t.trim() !== '' && Number.isInteger(Number(t)) && Number(t) >= 1 && Number(t) <= max, {
      message: `must be an integer in [1, ${max}]`,
    });

/** The collapse-train fields: finite numbers the collapse-train contract accepts together (the fields' own check). */
const collapseTrainSchema = z
  .object({
    epochs: z.number().finite(),
    recordEvery: z.number().finite(),
    trainPerClass: z.number().finite(),
    kernelPerClass: z.number().finite(),
    lr: z.number().finite(),
    seed: z.number().finite(),
  })
  .superRefine((f, ctx) => {
    const problem = collapseTrainFieldError(f, 'epochs', f.epochs);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }) satisfies z.ZodType<CollapseTrainFields>;

/** A number typed as text (Kernel shaping keeps the text so that a bad value stays visible): a finite decimal. */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const numberText = z.string().max(40).regex(DECIMAL, 'must be a number');

/** A list of numbers typed as text (lr-sweep depths and ρ values, DKS widths): the job checks each value. */
const numberList = z
  .string()
  .max(500)
  .regex(/^[\s,;]*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[\s,;]*)*$/, 'must be numbers separated by commas');

const sweep = parseTrainabilityParams({});
const lrSweep = parseLrSweepParams({});
const fcMeasureSchema = z.object({
  width: num(1, 4096, { integer: true }),
  samples: num(2, 100_000, { integer: true }),
  seed: SEED,
  depthCount: num(1, 16, { integer: true }),
  batchNorm: z.object({ placement: z.enum(['last', 'every']), points: num(2, 256, { integer: true }) }).nullable(),
}) satisfies z.ZodType<MeasureSettings>;
/** Whole numbers ≥ 1 separated by commas or spaces (SweepConfig's depth list). */
const depthList = (t: string) => {
  for (const part of t.split(/[,;\s]+/).filter((x) => x !== '')) {
    if (!(Number.isInteger(Number(part)) && Number(part) >= 1)) throw new RangeError(`“${part}” is not a depth`);
  }
};

/** The tabs (App.svelte's TABS, in order). */
export const VIEWS = [
  'explore',
  'figures',
  'gd-step',
  'train',
  'trainability',
  'trust',
  'collapse',
  'freeze-chaos',
  'kernel-shaping',
] as const;
export type View = (typeof VIEWS)[number];

const presetSamples = Object.fromEntries(PRESETS.map((p) => [p.id, p.defaultSamples])) as Record<PresetId, number>;

/**
 * Every input, by key. Keys are short and stable: they appear in shared links and saved files. Bounds mirror the
 * fields' rules (ExploreControls, GdStepSettings, PresetsPanel, TrainabilityPanel, MeasuredLayer).
 */
export const LAB_INPUTS = {
  // ---- App: the active tab and the state every tab shares
  tab: input<View>('explore', z.enum(VIEWS)),
  sigmaW2: input(DEFAULT_CURSOR.sigmaW2, num(0, 16, { minExclusive: true })),
  lambda: input(DEFAULT_CURSOR.depthToWidth, num(0, PLANE.depthToWidth.max)),
  width: input(200, num(1, 10_000, { integer: true })),
  alpha0: input(1, num(0, 100, { minExclusive: true })),
  seed: input(1, SEED),
  activation: input('relu', z.enum(ACTIVATION_NAMES as unknown as [string, ...string[]])),
  sigmaB2: input(0, num(0, 16)),
  // ---- Explore: the plane's theory, the measurement, and the plane's measured layer (a plot mode)
  theory: input<'finite' | 'limit'>('finite', z.enum(['finite', 'limit'])),
  samples: input(10_000, num(2, LIMITS.samplesMax, { integer: true })),
  slices: input(true, z.boolean()),
  layer: input(false, z.boolean()),
  layerN: input<number>(LAYER_DEFAULTS.samples, num(3, LIMITS.samplesMax, { integer: true })),
  layerLevels: input<number>(LAYER_DEFAULTS.levels, num(1, LAYER_LEVELS_MAX, { integer: true })),
  layerMode: input<'dispersion' | 'ratio'>('dispersion', z.enum(['dispersion', 'ratio'])),
  // ---- First GD step
  gdLr: input(GD_STEP_DEFAULTS.lr, num(0, 1e6, { minExclusive: true })),
  gdLrScaled: input(false, z.boolean()),
  gdTarget: input(GD_STEP_DEFAULTS.target, num(-1e6, 1e6)),
  gdScale: input(GD_STEP_DEFAULTS.scale, num(0, 1e6, { minExclusive: true })),
  gdNorm: input(GD_STEP_DEFAULTS.inputNorm, num(0, 1000, { minExclusive: true })),
  gdPair: input(false, z.boolean()),
  gdCos: input(0.5, num(-1, 1)),
  gdMethod: input(GD_STEP_DEFAULTS.method, z.enum(GD_STEP_METHODS)),
  gdN: input(GD_STEP_DEFAULTS.samples, num(3, 10_000_000, { integer: true })),
  gdSliceN: input(GD_STEP_DEFAULTS.sliceSamples, num(3, 10_000_000, { integer: true })),
  gdLayerN: input(GD_STEP_DEFAULTS.layerSamples, num(3, 10_000_000, { integer: true })),
  gdSeed: input<number | null>(null, SEED.nullable()),
  gdQuantity: input<'abs' | 'signed'>('abs', z.enum(['abs', 'signed'])),
  gdSigmas: input<number[]>(
    [...SLICE_SIGMAS_DEFAULT],
    z
      .array(num(0, 16, { minExclusive: true }))
      .min(1)
      .max(8),
  ),
  gdSlices: input(true, z.boolean()),
  gdLayer: input(false, z.boolean()),
  gdLayerLevels: input<number>(GD_LAYER_LEVELS.length, num(1, GD_LAYER_LEVELS.length, { integer: true })),
  // ---- Paper figures
  figPreset: input<PresetId>('fig1', z.enum(PRESET_IDS)),
  figN: input<Record<PresetId, number>>(
    presetSamples,
    z.record(z.enum(PRESET_IDS), num(3, LIMITS.samplesMax, { integer: true })) as z.ZodType<Record<PresetId, number>>,
  ),
  figSeed: input(1, SEED),
  figDepths: input(11, num(1, 1000, { integer: true })),
  // ---- Trainability
  trAxis: input<PlaneAxis>('depth', z.enum(['depth', 'depthToWidth'])),
  trC: input(DEFAULT_C, num(0, 1000, { minExclusive: true })),
  trLayer: input<'train' | 'test' | 'off'>('train', z.enum(['train', 'test', 'off'])),
  trDepth: input(10, num(1, 100_000, { integer: true })),
  // Trainability: depth scales, the NTK spectrum, the NTK regime's generalization
  trdInputs: input(12, num(2, 32, { integer: true })),
  trdCos: input(0.5, num(-0.99, 0.99)),
  trdMaxDepth: input(100, num(2, 2000, { integer: true })),
  trdSamples: input(32, num(2, 100_000, { integer: true })),
  genSigmaW2: input<number | null>(null, fromRule(GENERALIZATION_RULES.sigmaW2).nullable()),
  genDepth: input(50, fromRule(GENERALIZATION_RULES.depth)),
  genCov: input(0.5, fromRule(GENERALIZATION_RULES.inputCovariance)),
  genSamples: input(100, fromRule(GENERALIZATION_RULES.samples)),
  // Trainability: the sweep to run
  swPaper: input(false, z.boolean()),
  swWidth: input(sweep.width, num(1, 4096, { integer: true })),
  swSteps: input(sweep.steps, num(1, 1_000_000, { integer: true })),
  swBatch: input(sweep.batchSize, num(1, 1_000_000, { integer: true })),
  swRho: input(sweep.rho, num(0, 100, { minExclusive: true })),
  swDataset: input<TrainabilityDataset>(sweep.dataset, z.enum(TRAINABILITY_DATASETS)),
  swTrain: input(sweep.trainSize, num(1, 1_000_000, { integer: true })),
  swTest: input(sweep.testSize, num(1, 1_000_000, { integer: true })),
  swSeed: input(sweep.seed, SEED),
  swSMin: input(0.5, num(0, 16, { minExclusive: true })),
  swSMax: input(4, num(0, 16, { minExclusive: true })),
  swSCount: input(8, num(1, 100, { integer: true })),
  swDepths: input(axisValues(DEFAULT_GRID.depth!).join(', '), text(depthList)),
  swLMin: input(0.05, num(0, 10)),
  swLMax: input(0.3, num(0, 10)),
  swLCount: input(6, num(1, 100, { integer: true })),
  // Trainability: the learning-rate sweep
  lrDepths: input(lrSweep.depths.join(', '), numberList),
  lrRhos: input(lrSweep.rhos.join(', '), numberList),
  lrSteps: input(lrSweep.steps, num(1, 1_000_000, { integer: true })),
  lrSplit: input<'train' | 'test'>('train', z.enum(['train', 'test'])),
  // ---- Training dynamics (TrainSettings)
  trainSigmas: input(formatList(FIG4_SIGMAS), text(parseSigmaList)),
  trainDepth: input(CPU_DEFAULT.depth, num(1, TRAIN_LIMITS.depthMax, { integer: true })),
  trainWidth: input(CPU_DEFAULT.width, num(1, TRAIN_LIMITS.widthMax, { integer: true })),
  trainSteps: input(CPU_DEFAULT.steps, num(0, TRAIN_LIMITS.stepsMax, { integer: true })),
  trainOptimizer: input<'adam' | 'sgd'>(CPU_DEFAULT.optimizer, z.enum(['adam', 'sgd'])),
  trainLr: input(CPU_DEFAULT.lr, num(0, TRAIN_LIMITS.lrMax, { minExclusive: true })),
  trainBatch: input(CPU_DEFAULT.batchSize, num(1, MNIST_DIGITS, { integer: true })),
  trainTrainSize: input(CPU_DEFAULT.trainSize, num(NTK_SUBSET_SIZE, MNIST_DIGITS, { integer: true })),
  trainTestSize: input(CPU_DEFAULT.testSize, num(1, MNIST_DIGITS, { integer: true })),
  trainRecord: input(
    '',
    text((t) => parseStepList(t, TRAIN_LIMITS.stepsMax)),
  ),
  trainSeed: input(CPU_DEFAULT.seed, SEED),
  // Training dynamics: the heat maps' steps (empty: chosen from the recorded steps)
  trainHeat: input(
    '',
    text((t) => parseStepList(t, TRAIN_LIMITS.stepsMax, 'heat-map steps')),
  ),
  // ---- Kernel shaping
  ksActivation: input(DEFAULT_SHAPING_INPUT.activation, z.enum(dksActivationNames() as [string, ...string[]])),
  ksZeta: input(String(DEFAULT_SHAPING_INPUT.zeta), numberText),
  ksDepth: input(String(DEFAULT_SHAPING_INPUT.depth), numberText),
  ksArch: input<KsArchitecture>(DEFAULT_SHAPING_INPUT.architecture, z.enum(KS_ARCHITECTURES)),
  ksSkip: input(String(Number(DEFAULT_SHAPING_INPUT.skipWeight.toPrecision(6))), numberText),
  ksTransform: input(false, z.boolean()),
  ksT: input(
    { alpha: '1', beta: '0', gamma: '1', delta: '0' },
    z.object({ alpha: numberText, beta: numberText, gamma: numberText, delta: numberText }),
  ),
  ksRoot: input(0, num(0, 16, { integer: true })),
  ksPlanes: input(true, z.boolean()),
  ksmWidths: input(MEASURE_DEFAULTS.widths.join(', '), numberList),
  ksmSamples: input(String(MEASURE_DEFAULTS.samples), numberText),
  // Kernel shaping: "Does it train?" (KsTrain)
  kstDepth: input(String(TRAIN_SIZE_DEFAULTS.depth), wholeText(DKS_TRAIN_LIMITS.depthMax)),
  kstWidth: input(String(TRAIN_SIZE_DEFAULTS.width), wholeText(DKS_TRAIN_LIMITS.widthMax)),
  kstSteps: input(String(TRAIN_SIZE_DEFAULTS.steps), wholeText(DKS_TRAIN_LIMITS.stepsMax)),
  // ---- NTK trust map (TrustMapPanel): the grid and the training, as the text the user edits
  tmSigmas: input(TRUST_MAP_CPU_GRID.sigmaW2.join(', '), trustList(false)),
  tmDepths: input(TRUST_MAP_CPU_GRID.depth.join(', '), trustList(true)),
  tmWidths: input(TRUST_MAP_CPU_GRID.width.join(', '), trustList(true)),
  tmSteps: input('10, 100, 1000', trustList(true)),
  tmLr: input(
    '1e-5',
    text((t) => {
      if (!(Number.isFinite(Number(t)) && Number(t) > 0)) throw new RangeError('must be a number > 0');
    }),
  ),
  // the shown width and step of the tab's maps, and of the Explore plane's layer of the map's cells (App)
  tmShownWidth: input<number>(TRUST_MAP_CPU_GRID.width[0], trustWidth),
  tmStep: input<StepChoice>('end', stepChoice),
  tmPlaneStep: input<StepChoice>('end', stepChoice),
  tmPlaneWidth: input<WidthChoice>('all', widthChoice),
  // ---- Neural collapse, Freeze & chaos
  collapse: input<CollapseSimParams>(DEFAULT_COLLAPSE_PARAMS, collapseSimParamsSchema),
  ctrain: input<CollapseTrainFields>(DEFAULT_COLLAPSE_TRAIN, collapseTrainSchema),
  fc: input<FreezeChaosRequest>(DEFAULT_REQUEST, freezeChaosSchema),
  fcCircle: input<'theta' | 'vartheta'>('theta', z.enum(['theta', 'vartheta'])),
  fcKnob: input<'beta' | 'sigmaB2'>('beta', z.enum(['beta', 'sigmaB2'])),
  fcMeasure: input<MeasureSettings>(DEFAULT_MEASURE, fcMeasureSchema),
  fcBn: input(false, z.boolean()),
  fcBnPlacement: input<'last' | 'every'>('last', z.enum(['last', 'every'])),
  fcBnPoints: input(16, num(2, 256, { integer: true })),
} as const satisfies Record<string, InputDecl<unknown>>;
