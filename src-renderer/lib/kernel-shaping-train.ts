// "Does it train?" in the Kernel-shaping tab (issue 14, item 4): the dks-train job's params from the tab's φ and the
// records grouped per configuration as accuracy vs step. Pure; KsTrain.svelte runs the job through LabClient.
import {
  DKS_TRAIN_ACTIVATIONS,
  type DksTrainParamsInput,
  type DksTrainRecord,
} from '../../src-shared/contract/dks-train';

/** The CPU-sized defaults of the contract (D = 50, M = 64, 200 Adam steps), with the tab's φ when it can train. */
export function trainParams(activation: string): DksTrainParamsInput {
  const act = (DKS_TRAIN_ACTIVATIONS as readonly string[]).includes(activation)
    ? (activation as DksTrainParamsInput['activation'])
    : 'tanh';
  return { activation: act, zetas: [1.1, 1.5, 10], depth: 50, width: 64, steps: 200, recordEvery: 25 };
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
