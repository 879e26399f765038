// "Does it train?" in the Kernel-shaping tab (issue 14, item 4): the dks-train job's params from the tab's φ and the
// records grouped per configuration as accuracy vs step. Pure; KsTrain.svelte runs the job through LabClient.
import { DksNoRootError, dksEocPoint, getDksActivation, solveDks } from '../../src-shared/theory/dks';
import {
  DKS_TRAIN_ACTIVATIONS,
  DKS_TRAIN_LIMITS,
  EOC_SIGMA_B2,
  type DksTrainParamsInput,
  type DksTrainRecord,
} from '../../src-shared/contract/dks-train';

/** The tab's training size: the contract's CPU-sized defaults D = 50, M = 64, 200 Adam steps. */
export interface TrainSize {
  depth: number;
  width: number;
  steps: number;
}
export const TRAIN_SIZE_DEFAULTS: TrainSize = { depth: 50, width: 64, steps: 200 };

/** The size from the tab's text fields; a RangeError naming the field and its range when one is not valid. */
export function parseTrainSize(text: { depth: string; width: string; steps: string }): TrainSize {
  const field = (name: string, raw: string, max: number): number => {
    const v = Number(raw.trim());
    if (raw.trim() === '' || !Number.isInteger(v) || v < 1 || v > max)
      throw new RangeError(`${name} must be an integer in [1, ${max}], got "${raw}"`);
    return v;
  };
  return {
    depth: field('depth D', text.depth, DKS_TRAIN_LIMITS.depthMax),
    width: field('width M', text.width, DKS_TRAIN_LIMITS.widthMax),
    steps: field('steps', text.steps, DKS_TRAIN_LIMITS.stepsMax),
  };
}

/** The φ the comparison trains: the tab's φ when TensorFlow.js has its ops, else tanh. */
export function trainActivation(activation: string): DksTrainParamsInput['activation'] & string {
  return (DKS_TRAIN_ACTIVATIONS as readonly string[]).includes(activation)
    ? (activation as (typeof DKS_TRAIN_ACTIVATIONS)[number])
    : 'tanh';
}

/** Why φ has no EOC configuration (no critical line χ₁ = 1 at σ_b² = EOC_SIGMA_B2), or '' when it has one. */
export function eocMissing(activation: string): string {
  const p = dksEocPoint(trainActivation(activation), EOC_SIGMA_B2);
  return p.kind === 'none' ? p.reason : '';
}

/** The ζ values the card offers. */
export const TRAIN_ZETAS = [1.1, 1.5, 10] as const;

/**
 * The ζ of TRAIN_ZETAS for which the DKS transform of φ exists at depth D (ψ = ζ^(1/D); e.g. softplus has none for
 * ζ = 10 at D ≤ 6), and why each other one is left out (the job would refuse it).
 */
export function trainZetas(activation: string, depth: number): { zetas: number[]; missing: string[] } {
  const act = getDksActivation(trainActivation(activation));
  const zetas: number[] = [];
  const missing: string[] = [];
  for (const zeta of TRAIN_ZETAS) {
    try {
      solveDks(act, zeta ** (1 / depth));
      zetas.push(zeta);
    } catch (err) {
      if (!(err instanceof DksNoRootError)) throw err;
      missing.push(`ζ = ${zeta} at D = ${depth}: ${err.message}`);
    }
  }
  return { zetas, missing };
}

/**
 * EOC (when φ has a critical line at σ_b² = EOC_SIGMA_B2), SELU, Layer Norm and DKS at the ζ of TRAIN_ZETAS that
 * have a transform, with the tab's φ when it can train (else tanh), about eight records per configuration.
 */
export function trainParams(activation: string, size: TrainSize = TRAIN_SIZE_DEFAULTS): DksTrainParamsInput {
  const act = trainActivation(activation);
  return {
    activation: act,
    zetas: trainZetas(act, size.depth).zetas,
    eoc: eocMissing(act) === '',
    selu: true,
    layerNorm: true,
    depth: size.depth,
    width: size.width,
    steps: size.steps,
    recordEvery: Math.max(1, Math.round(size.steps / 8)),
  };
}

export interface AccuracySeries {
  config: number;
  label: string;
  steps: number[];
  train: Array<number | null>;
  test: Array<number | null>;
  diverged: boolean;
}

/** Records grouped per configuration (in config order), steps ascending. */
export function accuracySeries(records: readonly DksTrainRecord[]): AccuracySeries[] {
  const by = new Map<number, DksTrainRecord[]>();
  for (const r of records) by.set(r.config, [...(by.get(r.config) ?? []), r]);
  return [...by.entries()]
    .sort(([a], [b]) => a - b)
    .map(([config, rs]) => {
      const sorted = [...rs].sort((a, b) => a.step - b.step);
      return {
        config,
        label: sorted[0].label,
        steps: sorted.map((r) => r.step),
        train: sorted.map((r) => r.trainAccuracy),
        test: sorted.map((r) => r.testAccuracy),
        diverged: sorted.some((r) => r.diverged),
      };
    });
}

/** One CSV row per record. */
export function trainRows(records: readonly DksTrainRecord[]): {
  header: string[];
  rows: Array<Array<number | string | null>>;
} {
  return {
    header: ['config', 'label', 'step', 'trainLoss', 'trainAccuracy', 'testAccuracy', 'diverged'],
    rows: records.map((r) => [
      r.config,
      r.label,
      r.step,
      r.trainLoss,
      r.trainAccuracy,
      r.testAccuracy,
      r.diverged ? 1 : 0,
    ]),
  };
}
