// "Does it train?" in the Kernel-shaping tab (issue 14, item 4): the dks-train job's params from the tab's φ and the
// records grouped per configuration as accuracy vs step. Pure; KsTrain.svelte runs the job through LabClient.
import {
  DKS_TRAIN_ACTIVATIONS,
  DKS_TRAIN_LIMITS,
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

/**
 * EOC, SELU, Layer Norm and DKS at ζ ∈ {1.1, 1.5, 10} with the tab's φ when it can train (else tanh), about eight
 * records per configuration.
 */
export function trainParams(activation: string, size: TrainSize = TRAIN_SIZE_DEFAULTS): DksTrainParamsInput {
  const act = (DKS_TRAIN_ACTIVATIONS as readonly string[]).includes(activation)
    ? (activation as DksTrainParamsInput['activation'])
    : 'tanh';
  return {
    activation: act,
    zetas: [1.1, 1.5, 10],
    eoc: true,
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
